package io.clerkconvexsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.TestRuntime;
import io.clerkconvexsync.support.ConvexStandIn.Answer;
import io.clerkconvexsync.support.SignedWebhooks;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped alert rules and dashboard only use metrics a running instance really exports, and the dead-letter
 * gauge tells the store's current size.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{it.ops.webhook.port}}",
        "camel.management.port={{it.ops.management.port}}",
        "convex.url={{it.ops.convex.url}}",
        "clerk.webhook-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "storage.jdbc-url=jdbc:h2:mem:ops-assets-it;DB_CLOSE_DELAY=-1"})
class OpsAssetsIT {

    static final TestRuntime RUNTIME = TestRuntime.prepare("it.ops");
    static final int WEBHOOK_PORT = RUNTIME.webhookPort();
    static final int MANAGEMENT_PORT = RUNTIME.managementPort();
    static final ConvexStandIn CONVEX = RUNTIME.convex();

    /** PromQL words that look like metric names but are not. */
    static final Set<String> PROMQL_WORDS = Set.of("by", "without", "and", "or", "unless", "on", "ignoring", "group_left",
            "group_right", "bool", "offset", "inf", "nan");


    final SignedWebhooks clerk = new SignedWebhooks("http://127.0.0.1:" + WEBHOOK_PORT + "/clerk-webhook",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

    /** Meters with tags appear on first use: one delivered webhook, as a running instance has seen. */
    private void sendOneWebhook() {
        CONVEX.reset();
        CONVEX.script(Answer.success());
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.created.json"));
        assertEquals(200, response.statusCode(), response.body());
    }

    @AfterAll
    void stopConvex() {
        CONVEX.close();
    }

    @Test
    void alertRulesUseOnlyExportedMetrics() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(Path.of("ops/prometheus/alerts.yml").toFile());
        List<String> exprs = rules.findValues("expr").stream().map(JsonNode::asText).toList();
        assertEquals(8, exprs.size(), "one rule each: dead letters, failure rate, rejections, missing functions, auth"
                + " failures, p99 latency, listener shedding, stale reconcile");
        assertAllExported("ops/prometheus/alerts.yml", exprs);
    }

    @Test
    void findsTheMetricNamesInPromQl() {
        assertEquals(Set.of("clerk_webhooks_total", "clerk_webhook_duration_seconds_bucket"), metricNames(
                "sum(rate(clerk_webhooks_total{outcome=~\"retried|failed\"}[10m])) / clamp_min(1e-9, 2) > 0.05 and "
                        + "histogram_quantile(0.99, sum by (le) (rate(clerk_webhook_duration_seconds_bucket[$__rate_interval])))"),
                "metric names should be told apart from functions, labels, ranges and numbers");
    }

    @Test
    void dashboardUsesOnlyExportedMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("ops/grafana/clerk-convex-sync.json").toFile());
        List<String> exprs = dashboard.findValues("expr").stream().map(JsonNode::asText).toList();
        assertFalse(exprs.isEmpty(), "the dashboard should have queries");
        assertAllExported("ops/grafana/clerk-convex-sync.json", exprs);
    }

    @Test
    void deadLettersGaugeTellsTheStoresSize() throws Exception {
        assertEquals(0.0, deadLetters(), "dead_letters should be 0 while the store is empty");
        CONVEX.reset();
        CONVEX.fallback(Answer.functionError(200));
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.updated.json"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("dead_lettered", new ObjectMapper().readTree(response.body()).get("outcome").asText());
        assertEquals(1.0, deadLetters(), "dead_letters should count the event just dead-lettered");
        CONVEX.reset();
    }

    private double deadLetters() throws Exception {
        return scrape().lines().filter(l -> l.startsWith("dead_letters ") || l.startsWith("dead_letters{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no dead_letters gauge in /observe/metrics"));
    }

    private void assertAllExported(String file, List<String> exprs) throws Exception {
        sendOneWebhook();
        Set<String> exported = exportedNames(scrape());
        Set<String> referenced = new TreeSet<>();
        exprs.forEach(expr -> referenced.addAll(metricNames(expr)));
        assertTrue(referenced.contains("clerk_webhooks_total"), file + " should watch the webhooks: " + referenced);
        assertFalse(referenced.isEmpty(), file + " references no metric at all");
        Set<String> missing = referenced.stream().filter(name -> !exported.contains(name)).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(missing.isEmpty(), file + " references metrics this runtime does not export: " + missing);
    }

    /** Metric names in a PromQL expression: identifiers outside label matchers, ranges, strings and grouping clauses. */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"[^\"]*\"", "")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?").matcher(bare);
        while (m.find()) {
            String token = m.group();
            boolean isFunction = token.endsWith("(");
            String name = token.replaceAll("[\\s(]", "");
            if (!isFunction && !PROMQL_WORDS.contains(name.toLowerCase()) && !isNumberPart(bare, m.start())) {
                names.add(name);
            }
        }
        return names;
    }

    /** e.g. the "e" of 1e-9. */
    private static boolean isNumberPart(String s, int at) {
        return at > 0 && Character.isDigit(s.charAt(at - 1));
    }

    static Set<String> exportedNames(String scrape) {
        return scrape.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + MANAGEMENT_PORT + "/observe/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "metrics should be served");
        return response.body();
    }
}
