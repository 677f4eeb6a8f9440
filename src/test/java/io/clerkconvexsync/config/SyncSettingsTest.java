package io.clerkconvexsync.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyncSettingsTest {

    private static Map<String, String> valid() {
        Map<String, String> p = new HashMap<>();
        p.put("clerk.webhook-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        p.put("clerk.timestamp-tolerance-seconds", "300");
        p.put("convex.url", "https://happy-otter-123.convex.cloud");
        p.put("convex.upsert-function", "users:upsertFromClerk");
        p.put("convex.upsert-argument", "user");
        p.put("convex.delete-function", "users:deleteFromClerk");
        p.put("convex.delete-argument", "userId");
        p.put("convex.organization-upsert-function", "organizations:upsertFromClerk");
        p.put("convex.organization-delete-function", "organizations:deleteFromClerk");
        p.put("convex.membership-upsert-function", "memberships:upsertFromClerk");
        p.put("convex.membership-delete-function", "memberships:deleteFromClerk");
        p.put("convex.connect-timeout-ms", "1000");
        p.put("convex.response-timeout-ms", "2500");
        p.put("convex.max-connections", "64");
        p.put("delivery.maximum-redeliveries", "3");
        p.put("delivery.initial-delay-ms", "250");
        p.put("delivery.backoff-multiplier", "2");
        p.put("delivery.maximum-delay-ms", "2000");
        p.put("delivery.request-budget-ms", "13000");
        p.put("health.convex-unreachable-seconds", "60");
        p.put("health.convex-refusal-seconds", "300");
        return p;
    }

    private static SyncSettings load(Map<String, String> p) {
        return SyncSettings.load(key -> Optional.ofNullable(p.get(key)));
    }

    private static InvalidSettingException invalid(Map<String, String> p) {
        return assertThrows(InvalidSettingException.class, () -> load(p), "startup should have been refused");
    }

    @Test
    void loadsTheShippedDefaultsWithTheRequiredSettings() {
        SyncSettings s = load(valid());
        assertEquals(1, s.webhookSecrets().size());
        assertEquals("happy-otter-123.convex.cloud", s.convexUrl().getHost());
        assertFalse(s.convexDeployKey().isPresent());
    }

    @Test
    void readsTheOrganizationAndMembershipFunctionPathsAndRefusesAnEmptyOne() {
        Map<String, String> p = valid();
        p.put("convex.membership-delete-function", "clerk/memberships:remove");
        assertEquals("clerk/memberships:remove", load(p).membershipDeleteFunction());
        p.put("convex.organization-upsert-function", " ");
        assertEquals("convex.organization-upsert-function", invalid(p).setting());
    }

    @Test
    void refusesMissingSecretNamingTheVariable() {
        Map<String, String> p = valid();
        p.put("clerk.webhook-secret", "  ");
        assertEquals("CLERK_WEBHOOK_SECRET", invalid(p).setting());
    }

    @Test
    void refusesMalformedSecretWithoutQuotingIt() {
        Map<String, String> p = valid();
        p.put("clerk.webhook-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw sk_live_notawebhooksecret");
        InvalidSettingException e = invalid(p);
        assertEquals("CLERK_WEBHOOK_SECRET", e.setting());
        assertTrue(e.getMessage().contains("entry 2 of 2"), e.getMessage());
        assertFalse(e.getMessage().contains("sk_live_notawebhooksecret"), "the message quotes the value");
        p.put("clerk.webhook-secret", "whsec_***not base64***");
        assertEquals("CLERK_WEBHOOK_SECRET", invalid(p).setting());
    }

    @Test
    void acceptsSeveralSecretsSeparatedBySpacesOrCommas() {
        Map<String, String> p = valid();
        p.put("clerk.webhook-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");
        assertEquals(2, load(p).webhookSecrets().size());
    }

    @Test
    void refusesMissingOrInvalidConvexUrl() {
        Map<String, String> p = valid();
        p.remove("convex.url");
        assertEquals("CONVEX_URL", invalid(p).setting());
        for (String bad : new String[] {"happy-otter-123.convex.cloud", "ftp://x.convex.cloud",
                "https://happy-otter-123.convex.cloud/api/mutation", "https://happy-otter-123.convex.site", "https://",
                "https://happy-otter-123.convex.cloud#", "https://happy-otter-123.convex.cloud?", "https://u:p@x.convex.cloud"}) {
            p.put("convex.url", bad);
            assertEquals("CONVEX_URL", invalid(p).setting(), bad);
        }
    }

    @Test
    void refusesMalformedTunablesNamingTheProperty() {
        Map<String, String> p = valid();
        p.put("convex.response-timeout-ms", "soon");
        assertEquals("convex.response-timeout-ms", invalid(p).setting());
        p = valid();
        p.put("delivery.request-budget-ms", "15000");
        assertEquals("delivery.request-budget-ms", invalid(p).setting());
        p = valid();
        p.put("delivery.maximum-redeliveries", "-1");
        assertEquals("delivery.maximum-redeliveries", invalid(p).setting());
    }

    @Test
    void refusesADeployKeyWithWhiteSpace() {
        Map<String, String> p = valid();
        p.put("convex.deploy-key", "prod:happy-otter-123|abc def");
        InvalidSettingException e = invalid(p);
        assertEquals("CONVEX_DEPLOY_KEY", e.setting());
        assertFalse(e.getMessage().contains("abc def"));
    }

    @Test
    void adminTokenIsOptionalButMustBeLongAndWithoutSpaces() {
        assertTrue(SyncSettings.adminToken(key -> Optional.of("")).isEmpty(), "empty: the admin API is off");
        assertEquals("0123456789abcdef", SyncSettings.adminToken(key -> Optional.of("0123456789abcdef")).orElseThrow());
        InvalidSettingException tooShort = assertThrows(InvalidSettingException.class,
                () -> SyncSettings.adminToken(key -> Optional.of("short-secret")));
        assertEquals("ADMIN_TOKEN", tooShort.setting());
        assertFalse(tooShort.getMessage().contains("short-secret"), "the value must not be in the message");
        assertThrows(InvalidSettingException.class, () -> SyncSettings.adminToken(key -> Optional.of("0123456789 abcdef")));
    }

    @Test
    void refusesAnAdminTokenOfWhiteSpaceAloneRatherThanTurningTheApiOff() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> SyncSettings.adminToken(key -> Optional.of("   ")));
        assertEquals("ADMIN_TOKEN", e.setting());
        assertTrue(e.getMessage().contains("only white space"), e.getMessage());
        assertTrue(SyncSettings.adminToken(key -> Optional.of("")).isEmpty(), "empty: the API is off");
    }
}
