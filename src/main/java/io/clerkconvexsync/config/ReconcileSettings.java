package io.clerkconvexsync.config;

import java.net.URI;
import java.time.Duration;
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
        Set<ReconcileKind> kinds) {

    public static final String SECRET_KEY = "reconcile.clerk-secret-key";
    public static final String SCHEDULE = "reconcile.schedule";
    public static final String KINDS = "reconcile.kinds";
    /** Clerk lists at most 500 users per request. */
    private static final int CLERK_MAX_PAGE = 500;
    /** Convex functions read at most a few thousand documents per call; upsertManyFromClerk takes at most 100. */
    private static final int CONVEX_MAX_BATCH = 100;

    public static ReconcileSettings load(Function<String, Optional<String>> lookup) {
        SettingsReader r = new SettingsReader(lookup);
        ReconcileSettings settings = new ReconcileSettings(
                r.optional(SECRET_KEY),
                clerkApiUrl(r.required("reconcile.clerk-api-url", "CLERK_API_URL")),
                r.optional(SCHEDULE),
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
                ReconcileKind.parse(r.required(KINDS, "RECONCILE_KINDS"), "RECONCILE_KINDS"));
        // read by ClerkApiRoute as placeholders; checked here like the others
        r.positiveInt("reconcile.clerk-timeout-ms");
        r.positiveInt("reconcile.clerk-rate-window-ms");
        if (settings.clerkSecretKey.isPresent() && settings.clerkSecretKey.get().chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidSettingException("CLERK_SECRET_KEY", "contains white space; paste the key exactly as Clerk's dashboard shows it");
        }
        if (settings.schedule.isPresent()) {
            if (!org.quartz.CronExpression.isValidExpression(settings.schedule.get())) {
                throw new InvalidSettingException("RECONCILE_SCHEDULE", "is not a Quartz cron expression with seconds, "
                        + "e.g. 0 0 3 * * ? for 03:00 every day");
            }
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
        try {
            URI uri = new URI(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (Exception e) {
            // answered below
        }
        throw new InvalidSettingException("CLERK_API_URL", "must be an http(s) URL such as https://api.clerk.com");
    }
}
