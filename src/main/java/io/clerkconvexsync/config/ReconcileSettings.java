package io.clerkconvexsync.config;

import org.quartz.CronExpression;

import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The reconcile pass's settings (listing Clerk, upserting into Convex, the deletion sweep and its safety limits).
 * The Clerk secret key is required only where a pass runs or is scheduled: {@link #secretKey()} throws then, naming
 * CLERK_SECRET_KEY; it is never part of {@link #toString()}.
 */
public record ReconcileSettings(
        Optional<String> clerkSecretKey,
        URI clerkApiUrl,
        Optional<String> schedule,
        int clerkRequestsPer10s,
        int clerkPageSize,
        int clerkAttempts,
        Duration clerkMaxRetryWait,
        int batchSize,
        int convexPageSize,
        int concurrentBatches,
        double maxDeleteFraction,
        int maxDeletes,
        Duration leaseTtl,
        String upsertManyFunction,
        String pageFunction,
        Set<ReconcileKind> kinds,
        String organizationUpsertManyFunction,
        String organizationPageFunction,
        String membershipUpsertManyFunction,
        String membershipPageFunction,
        int maxRefused,
        Duration progressInterval,
        Duration convexTimeout,
        int convexAttempts,
        Duration convexRetryDelay,
        ReconcileKindFunctions kindFunctions) {

    public static final String SECRET_KEY = "reconcile.clerk-secret-key";
    public static final String SCHEDULE = "reconcile.schedule";
    public static final String KINDS = "reconcile.kinds";
    /** Read by the Convex request route as a placeholder too: that route's wait for Convex's answer. */
    public static final String CONVEX_TIMEOUT = "reconcile.convex-timeout-ms";
    /** Clerk lists at most 500 users per request. */
    private static final int CLERK_MAX_PAGE = 500;
    /** Convex functions read at most a few thousand documents per call; upsertManyFromClerk takes at most 100. */
    private static final int CONVEX_MAX_BATCH = 100;

    public static ReconcileSettings load(Function<String, Optional<String>> lookup) {
        SettingsReader r = new SettingsReader(lookup);
        ReconcileSettings settings = new ReconcileSettings(
                r.optional(SECRET_KEY),
                clerkApiUrl(r.required("reconcile.clerk-api-url", "CLERK_API_URL")),
                schedule(lookup),
                r.positiveInt("reconcile.clerk-requests-per-10s"),
                atMost(r, "reconcile.clerk-page-size", CLERK_MAX_PAGE),
                r.positiveInt("reconcile.clerk-attempts"),
                Duration.ofSeconds(r.positiveInt("reconcile.clerk-max-retry-wait-seconds")),
                atMost(r, "reconcile.batch-size", CONVEX_MAX_BATCH),
                r.positiveInt("reconcile.convex-page-size"),
                r.positiveInt("reconcile.concurrent-batches"),
                fraction(r, "reconcile.max-delete-fraction"),
                r.nonNegativeInt("reconcile.max-deletes"),
                Duration.ofSeconds(r.positiveInt("reconcile.lease-seconds")),
                r.required("reconcile.upsert-many-function", null),
                r.required("reconcile.page-function", null),
                ReconcileKind.parse(r.required(KINDS, "RECONCILE_KINDS"), "RECONCILE_KINDS"),
                r.required("reconcile.organization-upsert-many-function", null),
                r.required("reconcile.organization-page-function", null),
                r.required("reconcile.membership-upsert-many-function", null),
                r.required("reconcile.membership-page-function", null),
                r.nonNegativeInt("reconcile.max-refused"),
                Duration.ofMillis(r.positiveInt("reconcile.progress-interval-ms")),
                Duration.ofMillis(r.positiveInt(CONVEX_TIMEOUT)),
                r.positiveInt("reconcile.convex-attempts"),
                Duration.ofMillis(r.positiveInt("reconcile.convex-retry-delay-ms")),
                ReconcileKindFunctions.load(lookup));
        // read by ClerkApiRoute as placeholders; checked here like the others
        r.positiveInt("reconcile.clerk-timeout-ms");
        r.positiveInt("reconcile.clerk-rate-window-ms");
        r.positiveInt("reconcile.clerk-max-answer-bytes");
        if (settings.clerkSecretKey.isPresent() && settings.clerkSecretKey.get().chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidSettingException("CLERK_SECRET_KEY", "contains white space; paste the key exactly as Clerk's dashboard shows it");
        }
        if (settings.schedule.isPresent()) {
            settings.secretKey(); // a schedule without a key would fail every night: fail at startup instead
        }
        return settings;
    }

    /** The Clerk secret key, for a pass about to run. */
    public String secretKey() {
        return clerkSecretKey.orElseThrow(() -> new InvalidSettingException("CLERK_SECRET_KEY",
                "is not set (Clerk dashboard > API keys > Secret keys); a reconcile pass needs it"));
    }

    @Override
    public String toString() {
        return "ReconcileSettings[clerkApiUrl=" + clerkApiUrl + ", schedule=" + schedule.orElse("off")
                + ", kinds=" + ReconcileKind.names(kinds) + ", clerkRequestsPer10s=" + clerkRequestsPer10s + ", batchSize=" + batchSize + "]";
    }

    private static int atMost(SettingsReader r, String key, int max) {
        int value = r.positiveInt(key);
        if (value > max) {
            throw new InvalidSettingException(key, "must be at most " + max);
        }
        return value;
    }

    private static double fraction(SettingsReader r, String key) {
        try {
            double value = Double.parseDouble(r.required(key, null));
            if (!(value >= 0 && value <= 1)) {
                throw new InvalidSettingException(key, "must be between 0 and 1");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, "must be a number between 0 and 1");
        }
    }

    static URI clerkApiUrl(String raw) {
        return SettingsReader.baseUrl(raw, "CLERK_API_URL", "https://api.clerk.com");
    }

    /**
     * RECONCILE_SCHEDULE: empty is off; otherwise a Quartz cron that fires at least once more. White space alone is
     * refused rather than read as off, and so is a cron that never fires (31 February): both would leave an operator
     * believing passes run.
     */
    private static Optional<String> schedule(Function<String, Optional<String>> lookup) {
        Optional<String> raw = lookup.apply(SCHEDULE);
        if (raw.isEmpty() || raw.get().isEmpty()) {
            return Optional.empty();
        }
        String cron = raw.get().strip();
        if (cron.isEmpty()) {
            throw new InvalidSettingException("RECONCILE_SCHEDULE", "is only white space; leave it empty for no scheduled"
                    + " pass, or set a Quartz cron such as 0 0 3 * * ?");
        }
        CronExpression expression;
        try {
            expression = new CronExpression(cron);
        } catch (ParseException | RuntimeException e) {
            throw new InvalidSettingException("RECONCILE_SCHEDULE", "is not a Quartz cron expression with seconds, "
                    + "e.g. 0 0 3 * * ? for 03:00 every day");
        }
        if (expression.getNextValidTimeAfter(new Date()) == null) {
            throw new InvalidSettingException("RECONCILE_SCHEDULE", "never fires (no date matches it); e.g. 0 0 3 * * ?"
                    + " for 03:00 every day");
        }
        return Optional.of(cron);
    }
}
