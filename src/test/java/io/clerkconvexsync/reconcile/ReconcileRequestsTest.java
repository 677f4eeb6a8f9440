package io.clerkconvexsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.delivery.ConvexRequestBuilder;
import io.clerkconvexsync.intake.ClerkEvent;
import io.clerkconvexsync.intake.ClerkEventParser;
import io.clerkconvexsync.support.SignedWebhooks;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The reconcile pass's Convex requests are exactly the ones in contract/convex-requests.json, which the Convex
 * functions' tests run through the functions themselves.
 */
class ReconcileRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void upsertManyFromClerkSendsTheUsersAsListedInTheContractsShape() throws Exception {
        List<ListedUser> users = List.of(listed("user.created.json"), listed("user.created.docs-example.json"));
        byte[] body = ConvexRequestBuilder.requestBody(ConvexUsers.upsertCall("users:upsertManyFromClerk", users));
        assertEquals(contract("upsertManyFromClerk"), JSON.readTree(body),
                "the runtime's upsertManyFromClerk request differs from contract/convex-requests.json");
    }

    @Test
    void pageExternalIdsAsksForTheFirstPageInTheContractsShape() throws Exception {
        byte[] body = ConvexRequestBuilder.requestBody(ConvexUsers.pageCall("users:pageExternalIds", 100, null));
        assertEquals(contract("pageExternalIds"), JSON.readTree(body),
                "the runtime's pageExternalIds request differs from contract/convex-requests.json");
    }

    @Test
    void aClerkPageKeepsEachUserByteForByte() throws Exception {
        String first = "{\"id\":\"user_1\",\"first_name\":\"Zoë\",\"n\":1.50}";
        String second = "{\"object\":\"user\",\"id\":\"user_2\",\"x\":{\"id\":\"nested\"}}";
        List<ListedUser> page = ListedUser.page(("[" + first + " , " + second + "]").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("user_1", "user_2"), page.stream().map(ListedUser::id).toList(), "ids, not nested ones");
        assertEquals(first, page.get(0).json().toString(), "unicode and decimals untouched");
        assertEquals(second, page.get(1).json().toString());
    }

    /** The event's data as a listing would hold it: the same User object, byte for byte. */
    private static ListedUser listed(String payload) {
        ClerkEvent event = new ClerkEventParser().parse("msg_contract",
                SignedWebhooks.payload(payload).getBytes(StandardCharsets.UTF_8), Map.of());
        return new ListedUser(event.subjectId(), event.data());
    }

    private static JsonNode contract(String function) throws Exception {
        for (JsonNode entry : JSON.readTree(Files.readString(Path.of("contract/convex-requests.json")))) {
            if (function.equals(entry.path("reconcile").asText()) && "users".equals(entry.path("kind").asText())) {
                return entry.get("request");
            }
        }
        assertNotNull(null, "contract/convex-requests.json has no entry for reconcile " + function);
        return null;
    }
}
