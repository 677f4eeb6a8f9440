package io.clerkconvexsync.admin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminGuardTest {
    final AdminGuard guard = new AdminGuard("0123456789abcdef-token");

    @Test
    void allowsOnlyTheExactBearerToken() {
        assertTrue(guard.allows("Bearer 0123456789abcdef-token"));
        assertTrue(guard.allows("bearer 0123456789abcdef-token"), "the scheme is case-insensitive (RFC 7235)");
        assertFalse(guard.allows(null), "missing header");
        assertFalse(guard.allows("Bearer "), "empty token");
        assertFalse(guard.allows("Bearer 0123456789abcdef-toke"), "a prefix of the token");
        assertFalse(guard.allows("Bearer 0123456789abcdef-tokenX"), "the token with more after it");
        assertFalse(guard.allows("Basic 0123456789abcdef-token"), "another scheme");
        assertFalse(guard.allows("0123456789abcdef-token"), "no scheme");
    }
}
