package io.clerkconvexsync.ops;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvexReadinessCheckTest {

    /** A clock the test moves by hand. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovingClock clock = new MovingClock();
    final ConvexContact contact = new ConvexContact(clock);
    final ConvexReadinessCheck check =
            new ConvexReadinessCheck(contact, Duration.ofSeconds(60), Duration.ofSeconds(300), clock);

    private String reason() {
        return check.reason(clock.instant());
    }

    @Test
    void isReadyBeforeAnyCall() {
        assertNull(reason(), "no call yet is no evidence against Convex");
    }

    @Test
    void refusedDeployKeyMakesItUnreadyUntilASuccess() {
        contact.refused(403);
        String reason = reason();
        assertNotNull(reason, "a refused deploy key must make readiness DOWN");
        assertTrue(reason.contains("HTTP 403"), reason);
        clock.advance(Duration.ofSeconds(10));
        contact.answered();
        assertNull(reason(), "a success must make it ready again");
    }

    @Test
    void refusalExpiresAfterItsWindow() {
        contact.refused(401);
        clock.advance(Duration.ofSeconds(299));
        assertNotNull(reason(), "still inside the refusal window");
        clock.advance(Duration.ofSeconds(1));
        assertNull(reason(), "an old refusal must not keep the instance out of service for ever");
    }

    @Test
    void shortOutageKeepsItReady() {
        contact.unreachable();
        clock.advance(Duration.ofSeconds(59));
        contact.unreachable();
        assertNull(reason(), "failures for less than the threshold are what redelivery is for");
    }

    @Test
    void longOutageMakesItUnreadyUntilASuccess() {
        contact.unreachable();
        clock.advance(Duration.ofSeconds(61));
        contact.unreachable();
        String reason = reason();
        assertNotNull(reason, "failing for longer than the threshold must make readiness DOWN");
        assertTrue(reason.contains("unreachable"), reason);
        contact.answered();
        assertNull(reason(), "a success must make it ready again");
    }

    @Test
    void outageStateExpiresWhenNoCallConfirmsIt() {
        contact.unreachable();
        clock.advance(Duration.ofSeconds(61));
        contact.unreachable();
        clock.advance(Duration.ofSeconds(60));
        assertNull(reason(), "without recent evidence the instance must come back and get traffic again");
    }

    @Test
    void aPayloadRejectionCountsAsConvexAnswering() {
        contact.unreachable();
        clock.advance(Duration.ofSeconds(61));
        contact.answered();
        contact.unreachable();
        assertNull(reason(), "the outage ended with the answer; a new run of failures starts from zero");
    }
}
