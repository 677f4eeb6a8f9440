package io.clerkconvexsync.ops;

import io.clerkconvexsync.event.Outcome;
import io.clerkconvexsync.store.DeadLetterStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's own meters, registered in Camel's Prometheus registry and served at /observe/metrics.
 * Tag values are bounded: event types outside Clerk's published list are counted as {@code other}.
 */
public final class WebhookMetrics {

    /** Histogram buckets from 1 ms to Svix's 15 s timeout. */
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15)};

    /** Clerk's event types (@clerk/backend 3.25 WebhookEventType). */
    private static final Set<String> KNOWN_TYPES = Set.of(
            "user.created", "user.updated", "user.deleted",
            "session.created", "session.ended", "session.removed", "session.revoked", "session.pending",
            "email.created", "sms.created",
            "organization.created", "organization.updated", "organization.deleted",
            "organizationDomain.created", "organizationDomain.updated", "organizationDomain.deleted",
            "organizationMembership.created", "organizationMembership.updated", "organizationMembership.deleted",
            "organizationInvitation.created", "organizationInvitation.revoked", "organizationInvitation.accepted",
            "role.created", "role.updated", "role.deleted", "permission.created", "permission.updated", "permission.deleted",
            "waitlistEntry.created", "waitlistEntry.updated", "paymentAttempt.created", "paymentAttempt.updated",
            "subscription.created", "subscription.updated", "subscription.active", "subscription.pastDue",
            "subscriptionItem.created", "subscriptionItem.updated", "subscriptionItem.active", "subscriptionItem.canceled",
            "subscriptionItem.upcoming", "subscriptionItem.ended", "subscriptionItem.abandoned", "subscriptionItem.incomplete",
            "subscriptionItem.pastDue", "subscriptionItem.freeTrialEnding");

    private final MeterRegistry registry;
    // Meters are looked up once per tag combination, not built per webhook: the registry's lookup showed in profiles.
    private final Map<String, Counter> webhookCounters = new ConcurrentHashMap<>();
    private final Map<Outcome, Timer> webhookTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> callCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer> callTimers = new ConcurrentHashMap<>();

    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Registered up front so that dashboards and alerts see a 0 rather than no series at all.
        for (Outcome outcome : Outcome.values()) {
            webhookCounter("user.created", outcome);
        }
        Counter.builder("convex.redeliveries").description("Redeliveries of Convex calls").register(registry);
        for (String result : REPLAY_RESULTS) {
            replayCounter(result);
        }
        REJECTION_REASONS.forEach(this::rejectionCounter);
    }

    /** Why a webhook is answered 4xx: the codes of io.clerkconvexsync.intake's rejections; any other is "other". */
    private static final Set<String> REJECTION_REASONS = Set.of("missing_headers", "invalid_id", "invalid_timestamp",
            "timestamp_too_old", "timestamp_too_new", "empty_body", "invalid_body", "invalid_signature",
            "duplicate_headers", "unsupported_media_type", "malformed_json", "malformed_event", "missing_type",
            "missing_user_id", "missing_organization_id", "missing_membership_id", "missing_role_id",
            "missing_permission_id", "missing_subscription_id", "missing_subscription_item_id", "missing_invitation_id");
    private final Map<String, Counter> rejectionCounters = new ConcurrentHashMap<>();

    /** One webhook rejected (answered 4xx), by reason. */
    public void rejection(String reason) {
        rejectionCounter(REJECTION_REASONS.contains(reason) ? reason : "other").increment();
    }

    private Counter rejectionCounter(String reason) {
        return rejectionCounters.computeIfAbsent(reason, r -> Counter.builder("clerk.webhook.rejections")
                .description("Clerk webhooks rejected (answered 4xx), by reason").tag("reason", r).register(registry));
    }

    /** What a dead-letter replay can end in (see io.clerkconvexsync.admin.ReplayResult). */
    private static final List<String> REPLAY_RESULTS =
            List.of("delivered", "dead_lettered", "retried", "failed", "unhandled", "busy", "not_found");

    /** One dead letter replayed (or not, when another replayer held it or it was gone), by what came of it. */
    public void deadLetterReplay(String result) {
        replayCounter(result).increment();
    }

    private Counter replayCounter(String result) {
        return Counter.builder("dead.letter.replays").description("Dead-letter replays by result")
                .tag("result", result).register(registry);
    }

    /** One webhook answered. {@code type} is null when the request was rejected before its type was known. */
    public void webhook(String type, Outcome outcome, long elapsedMs) {
        webhookCounter(type, outcome).increment();
        webhookTimers.computeIfAbsent(outcome, o -> Timer.builder("clerk.webhook.duration")
                        .description("Time from receiving a webhook to answering it")
                        .tag("outcome", o.label()).serviceLevelObjectives(BUCKETS).register(registry))
                .record(elapsedMs, TimeUnit.MILLISECONDS);
    }

    /** One HTTP call to Convex finished (or failed without an answer). */
    public void convexCall(String function, String result, long nanos) {
        String name = tag(function);
        callCounters.computeIfAbsent(name + '\n' + result, k -> Counter.builder("convex.calls")
                        .description("Calls to Convex's HTTP API by function and result class")
                        .tag("function", name).tag("result", result).register(registry))
                .increment();
        callTimers.computeIfAbsent(name, k -> Timer.builder("convex.call.duration")
                        .description("Latency of one call to Convex's HTTP API")
                        .tag("function", name).serviceLevelObjectives(BUCKETS).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    public void redelivery() {
        registry.counter("convex.redeliveries").increment();
    }

    public void deadLetterAdded(String type) {
        Counter.builder("dead.letters.added").description("Events stored in the dead-letter store")
                .tag("type", typeTag(type)).register(registry).increment();
    }

    /** The dead-letter store's current size, read from the database at each scrape. */
    public void watchDeadLetters(DeadLetterStore store) {
        Gauge.builder("dead.letters", store, DeadLetterStore::count).description("Events currently in the dead-letter store")
                .strongReference(true).register(registry);
    }

    private Counter webhookCounter(String type, Outcome outcome) {
        String typeTag = typeTag(type);
        return webhookCounters.computeIfAbsent(typeTag + '\n' + outcome.label(), k -> Counter.builder("clerk.webhooks")
                .description("Clerk webhooks answered, by event type and outcome")
                .tag("type", typeTag).tag("outcome", outcome.label()).register(registry));
    }

    static String typeTag(String type) {
        if (type == null) {
            return "unknown";
        }
        return KNOWN_TYPES.contains(type) ? type : "other";
    }

    private static String tag(String value) {
        return value == null ? "unknown" : value;
    }
}
