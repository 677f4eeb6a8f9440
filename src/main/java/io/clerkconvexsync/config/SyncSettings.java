package io.clerkconvexsync.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every tunable of the runtime, read once from application.properties (with its env overrides) and validated before
 * anything starts. No other class reads configuration by hand: they get this object or a {{placeholder}}.
 */
public record SyncSettings(
        List<String> webhookSecrets,
        Duration timestampTolerance,
        URI convexUrl,
        Optional<String> convexDeployKey,
        String upsertFunction,
        String upsertArgument,
        String deleteFunction,
        String deleteArgument,
        String organizationUpsertFunction,
        String organizationDeleteFunction,
        String membershipUpsertFunction,
        String membershipDeleteFunction,
        Duration connectTimeout,
        Duration responseTimeout,
        int maxConnections,
        int maximumRedeliveries,
        Duration initialRedeliveryDelay,
        double backoffMultiplier,
        Duration maximumRedeliveryDelay,
        Duration requestBudget,
        Duration convexUnreachableAfter,
        Duration convexRefusalWindow) {

    /** Property keys, with the environment variable that overrides each where the issue fixes one. */
    public static final String WEBHOOK_SECRET = "clerk.webhook-secret";
    public static final String CONVEX_URL = "convex.url";
    public static final String CONVEX_DEPLOY_KEY = "convex.deploy-key";
    /** Read by {@link StorageSettings}; kept here for the benchmark's harness, which sets it beside the others. */
    public static final String DATA_DIR = StorageSettings.DATA_DIR;
    public static final String ADMIN_TOKEN = "admin.token";
    public static final String MANAGEMENT_PORT = "camel.management.port";

    /** Short enough to type, long enough that guessing it over HTTP is hopeless. */
    private static final int MIN_ADMIN_TOKEN_LENGTH = 16;

    private static final String SECRET_PREFIX = "whsec_";
    private static final int SVIX_TIMEOUT_MS = 15_000;

    /**
     * Reads and checks every setting.
     *
     * @param lookup resolves a property key to its value (placeholders already resolved), empty when unset
     * @throws InvalidSettingException naming the first setting that is missing or malformed
     */
    public static SyncSettings load(Function<String, Optional<String>> lookup) {
        SettingsReader r = new SettingsReader(lookup);
        SyncSettings settings = new SyncSettings(
                secrets(r.required(WEBHOOK_SECRET, "CLERK_WEBHOOK_SECRET")),
                Duration.ofSeconds(r.positiveInt("clerk.timestamp-tolerance-seconds")),
                convexUrl(r.required(CONVEX_URL, "CONVEX_URL")),
                r.optional(CONVEX_DEPLOY_KEY),
                r.required("convex.upsert-function", null),
                r.required("convex.upsert-argument", null),
                r.required("convex.delete-function", null),
                r.required("convex.delete-argument", null),
                r.required("convex.organization-upsert-function", null),
                r.required("convex.organization-delete-function", null),
                r.required("convex.membership-upsert-function", null),
                r.required("convex.membership-delete-function", null),
                Duration.ofMillis(r.positiveInt("convex.connect-timeout-ms")),
                Duration.ofMillis(r.positiveInt("convex.response-timeout-ms")),
                r.positiveInt("convex.max-connections"),
                r.nonNegativeInt("delivery.maximum-redeliveries"),
                Duration.ofMillis(r.positiveInt("delivery.initial-delay-ms")),
                r.multiplier("delivery.backoff-multiplier"),
                Duration.ofMillis(r.positiveInt("delivery.maximum-delay-ms")),
                requestBudget(r.positiveInt("delivery.request-budget-ms")),
                Duration.ofSeconds(r.positiveInt("health.convex-unreachable-seconds")),
                Duration.ofSeconds(r.positiveInt("health.convex-refusal-seconds")));
        if (settings.convexDeployKey.isPresent() && settings.convexDeployKey.get().chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidSettingException("CONVEX_DEPLOY_KEY", "contains white space; paste the key exactly as the Convex dashboard shows it");
        }
        return settings;
    }

    /** Svix gives up on an answer after 15 s; the whole webhook, redeliveries included, must end before that. */
    static Duration requestBudget(int millis) {
        if (millis >= SVIX_TIMEOUT_MS) {
            throw new InvalidSettingException("delivery.request-budget-ms", "must be below Svix's 15000 ms timeout");
        }
        return Duration.ofMillis(millis);
    }

    /**
     * The bearer token of the HTTP admin API, empty when the API is off (the default). Kept out of the record on
     * purpose: only the admin door needs it, and a record's toString would print it.
     *
     * @throws InvalidSettingException when it is set but too short, holds white space, or is only white space (which
     *                                  would otherwise read as unset and turn the API off without a word)
     */
    public static Optional<String> adminToken(Function<String, Optional<String>> lookup) {
        if (lookup.apply(ADMIN_TOKEN).filter(v -> !v.isEmpty() && v.isBlank()).isPresent()) {
            throw new InvalidSettingException("ADMIN_TOKEN", "is only white space; leave it empty to turn the admin API"
                    + " off, or set a token (e.g. openssl rand -hex 32)");
        }
        Optional<String> token = new SettingsReader(lookup).optional(ADMIN_TOKEN);
        if (token.isPresent() && token.get().length() < MIN_ADMIN_TOKEN_LENGTH) {
            throw new InvalidSettingException("ADMIN_TOKEN", "must be at least " + MIN_ADMIN_TOKEN_LENGTH
                    + " characters (e.g. openssl rand -hex 32)");
        }
        if (token.isPresent() && token.get().chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidSettingException("ADMIN_TOKEN", "contains white space");
        }
        return token;
    }

    /** The signing secrets alone, for tools that need nothing else; fails like {@link #load} when they are wrong. */
    public static List<String> secretsFrom(Optional<String> raw) {
        return secrets(raw.map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new InvalidSettingException("CLERK_WEBHOOK_SECRET", "is not set")));
    }

    /** Several secrets may be configured while one is rotated; any of them verifies a webhook. */
    static List<String> secrets(String raw) {
        List<String> secrets = Arrays.stream(raw.split("[\\s,]+")).filter(s -> !s.isEmpty()).toList();
        for (int i = 0; i < secrets.size(); i++) {
            String secret = secrets.get(i);
            String where = secrets.size() == 1 ? "" : " (entry " + (i + 1) + " of " + secrets.size() + ")";
            if (!secret.startsWith(SECRET_PREFIX)) {
                throw new InvalidSettingException("CLERK_WEBHOOK_SECRET", "is malformed" + where
                        + ": a Clerk signing secret starts with whsec_ (Clerk dashboard > Webhooks > your endpoint > Signing Secret)");
            }
            try {
                if (Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length())).length == 0) {
                    throw new IllegalArgumentException("empty");
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException("CLERK_WEBHOOK_SECRET", "is malformed" + where
                        + ": the part after whsec_ must be non-empty base64");
            }
        }
        return secrets;
    }

    static URI convexUrl(String raw) {
        URI uri = SettingsReader.baseUrl(raw, "CONVEX_URL", "https://happy-otter-123.convex.cloud (the deployment URL)");
        if (uri.getHost().endsWith(".convex.site")) {
            throw new InvalidSettingException("CONVEX_URL",
                    "points at .convex.site (HTTP actions); the functions API is the .convex.cloud URL of the same deployment");
        }
        return uri;
    }
}
