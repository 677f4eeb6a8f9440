package io.clerkconvexsync.config;

import io.clerkconvexsync.support.ShippedProperties;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReconcileSettingsTest {
    /** The shipped application.properties, each {{env:NAME:default}} read as its default (no environment). */
    private static Map<String, String> shipped() throws Exception {
        return ShippedProperties.values();
    }

    private static ReconcileSettings load(Map<String, String> p) {
        return ReconcileSettings.load(key -> Optional.ofNullable(p.get(key)));
    }

    private static String refusal(Map<String, String> p) {
        return assertThrows(InvalidSettingException.class, () -> load(p), "startup should have been refused").getMessage();
    }

    @Test
    void theShippedDefaultsNeedNoClerkKeyUntilAPassRuns() throws Exception {
        ReconcileSettings s = load(shipped());
        assertEquals("https://api.clerk.com", s.clerkApiUrl().toString());
        assertTrue(s.schedule().isEmpty(), "no schedule by default");
        assertTrue(s.clerkRequestsPer10s() <= 100, "the default must be safe on a development instance (100 per 10 s)");
        assertEquals(100, s.batchSize());
        assertEquals(0.1, s.maxDeleteFraction());
        assertEquals(java.time.Duration.ofSeconds(30), s.convexTimeout(), "a pass waits longer than a webhook for Convex");
        assertTrue(assertThrows(InvalidSettingException.class, s::secretKey).getMessage().contains("CLERK_SECRET_KEY is not set"),
                "a pass without a key names the variable");
    }

    @Test
    void kindsDefaultToUsersAndRunOrganizationsUsersMembershipsInThatOrder() throws Exception {
        Map<String, String> p = shipped();
        assertEquals(java.util.Set.of(ReconcileKind.USERS), load(p).kinds(), "users alone by default, as before");
        p.put("reconcile.kinds", " memberships, users ,organizations");
        assertEquals("organizations,users,memberships", ReconcileKind.names(load(p).kinds()),
                "white space ignored; the pass order is fixed, whatever the order written");
        p.put("reconcile.kinds", "subscriptionItems,plans,invitations,memberships,users,organizations,roles");
        assertEquals("roles,organizations,users,memberships,invitations,plans,subscriptionItems",
                ReconcileKind.names(load(p).kinds()), "every kind, roles first, subscription items last");
        p.put("reconcile.kinds", " ");
        assertTrue(refusal(p).contains("RECONCILE_KINDS is not set"), "an empty list is refused, not read as none");
        for (String bad : new String[] {"users,teams", "users,", "Users", "subscription_items"}) {
            p.put("reconcile.kinds", bad);
            assertTrue(refusal(p).contains("RECONCILE_KINDS must be a comma-separated list of "
                            + "roles,organizations,users,memberships,invitations,plans,subscriptionItems"),
                    "'" + bad + "' is refused, naming the variable");
        }
    }

    @Test
    void aScheduleNeedsTheKeyAndAValidCron() throws Exception {
        Map<String, String> p = shipped();
        p.put("reconcile.schedule", "0 0 3 * * ?");
        assertTrue(refusal(p).contains("CLERK_SECRET_KEY is not set"), "a schedule without a key fails at startup");
        p.put("reconcile.clerk-secret-key", "sk_test_abcdef0123456789");
        assertEquals("0 0 3 * * ?", load(p).schedule().orElseThrow());
        p.put("reconcile.schedule", "every night");
        assertTrue(refusal(p).contains("RECONCILE_SCHEDULE is not a Quartz cron expression"), "a malformed cron is named");
    }

    @Test
    void refusesLimitsOutsideTheirRange() throws Exception {
        Map<String, String> p = shipped();
        p.put("reconcile.batch-size", "101");
        assertTrue(refusal(p).contains("reconcile.batch-size must be at most 100"));
        p = shipped();
        p.put("reconcile.clerk-page-size", "501");
        assertTrue(refusal(p).contains("reconcile.clerk-page-size must be at most 500"));
        p = shipped();
        p.put("reconcile.convex-timeout-ms", "0");
        assertTrue(refusal(p).contains("reconcile.convex-timeout-ms"), refusal(p));
        p = shipped();
        p.put("reconcile.max-delete-fraction", "1.5");
        assertTrue(refusal(p).contains("reconcile.max-delete-fraction must be between 0 and 1"));
        p = shipped();
        p.put("reconcile.clerk-api-url", "api.clerk.com");
        assertTrue(refusal(p).contains("CLERK_API_URL is not a URL") || refusal(p).contains("CLERK_API_URL must be http(s)"));
    }

    @Test
    void refusesAScheduleThatNeverFiresOrIsOnlyWhiteSpace() throws Exception {
        Map<String, String> p = shipped();
        p.put("reconcile.clerk-secret-key", "sk_test_abcdef0123456789");
        p.put("reconcile.schedule", "0 0 3 31 2 ?"); // valid syntax: 03:00 on 31 February
        assertTrue(refusal(p).startsWith("Invalid configuration: RECONCILE_SCHEDULE never fires"), refusal(p));
        p.put("reconcile.schedule", "0 0 3 * * ? 2001"); // only in a year gone by
        assertTrue(refusal(p).contains("RECONCILE_SCHEDULE never fires"), refusal(p));
        for (String blank : new String[] {" ", "\t", "  \t "}) {
            p.put("reconcile.schedule", blank);
            assertTrue(refusal(p).contains("RECONCILE_SCHEDULE is only white space"), "'" + blank + "': " + refusal(p));
        }
        p.put("reconcile.schedule", "");
        assertTrue(load(p).schedule().isEmpty(), "empty is off");
        p.put("reconcile.schedule", "  0 0 3 * * ?  ");
        assertEquals("0 0 3 * * ?", load(p).schedule().orElseThrow(), "white space around a cron is dropped");
    }

    @Test
    void theClerkApiUrlIsAHostAndPortAlone() throws Exception {
        Map<String, String> p = shipped();
        for (String bad : new String[] {"https://api.clerk.com#", "https://api.clerk.com#x", "https://api.clerk.com?",
                "https://api.clerk.com?a=b", "https://user:pass@api.clerk.com", "https://api.clerk.com/v1",
                "ftp://api.clerk.com", "https://", "https://api clerk.com"}) {
            p.put("reconcile.clerk-api-url", bad);
            String refused = refusal(p);
            assertTrue(refused.startsWith("Invalid configuration: CLERK_API_URL "), bad + ": " + refused);
            assertFalse(refused.contains("pass"), "the value (it may hold user info) is not echoed: " + refused);
        }
        p.put("reconcile.clerk-api-url", "http://127.0.0.1:8081/");
        assertEquals("http://127.0.0.1:8081", load(p).clerkApiUrl().toString(), "one trailing slash is dropped");
    }

    @Test
    void neverPrintsTheSecretKey() throws Exception {
        Map<String, String> p = shipped();
        p.put("reconcile.clerk-secret-key", "sk_live_doNotPrint0123456789");
        ReconcileSettings s = load(p);
        assertEquals("sk_live_doNotPrint0123456789", s.secretKey());
        assertFalse(s.toString().contains("sk_live_doNotPrint0123456789"), s.toString());
        p.put("reconcile.clerk-secret-key", "sk_live_with space");
        String refused = refusal(p);
        assertTrue(refused.contains("CLERK_SECRET_KEY contains white space") && !refused.contains("sk_live"), refused);
    }
}
