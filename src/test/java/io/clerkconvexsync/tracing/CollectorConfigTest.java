package io.clerkconvexsync.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ops/otel-collector/config.yaml: it takes what the runtime sends, and samples by attributes the runtime sets. */
class CollectorConfigTest {

    @Test
    void receivesBothOtlpProtocolsAndSamplesByTheRuntimesOwnAttributes() throws Exception {
        JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(Path.of("ops/otel-collector/config.yaml").toFile());
        JsonNode protocols = config.at("/receivers/otlp/protocols");
        assertTrue(protocols.has("grpc") && protocols.has("http"), "grpc (4317) and http/protobuf (4318): " + protocols);
        JsonNode pipeline = config.at("/service/pipelines/traces");
        assertEquals("otlp", pipeline.at("/receivers/0").asText());
        Set<String> known = Set.of(WebhookTrace.OUTCOME, WebhookTrace.DEAD_LETTER_ID, "clerk_convex_sync.reconcile.id");
        int byAttribute = 0;
        for (JsonNode policy : config.at("/processors/tail_sampling/policies")) {
            String key = policy.at("/string_attribute/key").asText(null);
            if (key != null) {
                byAttribute++;
                assertTrue(known.contains(key), policy.path("name").asText() + " samples by " + key
                        + ", which the runtime does not set");
            }
        }
        assertEquals(3, byAttribute, "outcome, reconcile and replay policies");
        for (String outcome : List.of("dead_lettered", "retried", "failed", "rejected")) {
            assertTrue(config.toString().contains("\"" + outcome + "\""), "keeps every " + outcome + " webhook");
        }
    }
}
