package io.clerkconvexsync.delivery;

import io.clerkconvexsync.config.SyncSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedeliveryBudgetTest {

    private static RedeliveryBudget budget(int redeliveries) {
        SyncSettings s = new SyncSettings(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), Duration.ofMinutes(5),
                java.net.URI.create("https://x.convex.cloud"), Optional.empty(), "u", "user", "d", "userId",
                "ou", "od", "mu", "md",
                Duration.ofMillis(1000), Duration.ofMillis(2500), 64, redeliveries, Duration.ofMillis(250), 2.0,
                Duration.ofMillis(2000), Duration.ofMillis(13000),
                Duration.ofSeconds(60), Duration.ofSeconds(300));
        return new RedeliveryBudget(s);
    }

    @Test
    void backsOffExponentiallyUpToTheCap() {
        RedeliveryBudget b = budget(10);
        assertEquals(250, b.delayBefore(1));
        assertEquals(500, b.delayBefore(2));
        assertEquals(1000, b.delayBefore(3));
        assertEquals(2000, b.delayBefore(4));
        assertEquals(2000, b.delayBefore(5));
    }

    @Test
    void allowsTheConfiguredRedeliveriesWhenConvexFailsFast() {
        RedeliveryBudget b = budget(3);
        assertTrue(b.allowsAnother(1, 10));
        assertTrue(b.allowsAnother(3, 900));
        assertFalse(b.allowsAnother(4, 1000), "a fourth redelivery exceeds the policy");
    }

    @Test
    void stopsWhenAnotherAttemptCouldNotEndInsideTheBudget() {
        RedeliveryBudget b = budget(3);
        // after three hung attempts of 2.5 s and delays of 0.25 + 0.5 s, a fourth may still end by 12.75 s
        assertTrue(b.allowsAnother(3, 8250));
        assertFalse(b.allowsAnother(3, 8600), "the attempt could end after the 13 s budget");
    }
}
