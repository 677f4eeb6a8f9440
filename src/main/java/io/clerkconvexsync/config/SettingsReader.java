package io.clerkconvexsync.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Property lookups that name the setting (or its environment variable) when it is wrong. Every settings record
 * (one per capability: webhook and Convex in {@link SyncSettings}, and the others beside it) reads through this,
 * so that they all fail the same way, at startup, with exit code 2.
 *
 * @param lookup resolves a property key to its value (placeholders already resolved), empty when unset
 */
public record SettingsReader(Function<String, Optional<String>> lookup) {

    public String required(String key, String env) {
        return optional(key).orElseThrow(() -> new InvalidSettingException(env != null ? env : key, "is not set"));
    }

    public Optional<String> optional(String key) {
        return lookup.apply(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public int positiveInt(String key) {
        int value = integer(key);
        if (value <= 0) {
            throw new InvalidSettingException(key, "must be greater than 0");
        }
        return value;
    }

    public int nonNegativeInt(String key) {
        int value = integer(key);
        if (value < 0) {
            throw new InvalidSettingException(key, "must not be negative");
        }
        return value;
    }

    /**
     * A TCP port, named by its environment variable in the message.
     *
     * @param allowZero whether 0 (any free port, for tests) is accepted
     */
    public int port(String key, String env, boolean allowZero) {
        String raw = required(key, env);
        int value;
        try {
            value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(env, "must be a port number");
        }
        int min = allowZero ? 0 : 1;
        if (value < min || value > 65_535) {
            throw new InvalidSettingException(env, "must be a port number from " + min + " to 65535");
        }
        return value;
    }

    /**
     * The base URL of an HTTP API: {@code http(s)://host[:port]} and nothing else (one trailing slash dropped). A path,
     * query, fragment or user info is refused: each would be silently dropped or misread once request paths are added
     * to it, or (user info) put a credential where logs show it.
     *
     * @param env     the setting named in the refusal
     * @param example what a right value looks like, for the message
     */
    public static URI baseUrl(String raw, String env, String example) {
        URI uri;
        try {
            uri = new URI(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(env, "is not a URL; expected e.g. " + example);
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
            throw new InvalidSettingException(env, "must be http(s)://host[:port] alone, with no path, query (?), fragment (#)"
                    + " or user info, e.g. " + example);
        }
        return uri;
    }

    /** {@code true} or {@code false}, in any case; anything else is refused rather than read as false. */
    public boolean bool(String key) {
        String raw = required(key, null);
        if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
            throw new InvalidSettingException(key, "must be true or false");
        }
        return Boolean.parseBoolean(raw);
    }

    public double multiplier(String key) {
        try {
            double value = Double.parseDouble(required(key, null));
            if (value < 1.0) {
                throw new InvalidSettingException(key, "must be at least 1.0");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, "must be a number");
        }
    }

    /** A positive duration written in ISO-8601 ({@code PT30S}) or as a number and unit ({@code 30d}, {@code 15m}, {@code 10s}). */
    public Duration positiveDuration(String key) {
        String raw = required(key, null);
        Duration value;
        try {
            value = raw.toUpperCase().startsWith("P") ? Duration.parse(raw) : shortDuration(raw);
        } catch (RuntimeException e) {
            throw new InvalidSettingException(key, "must be a duration such as 30d, 12h, 15m, 10s or PT30S");
        }
        if (value.isZero() || value.isNegative()) {
            throw new InvalidSettingException(key, "must be greater than 0");
        }
        return value;
    }

    private static Duration shortDuration(String raw) {
        long amount = Long.parseLong(raw.substring(0, raw.length() - 1).trim());
        return switch (Character.toLowerCase(raw.charAt(raw.length() - 1))) {
            case 'd' -> Duration.ofDays(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 's' -> Duration.ofSeconds(amount);
            default -> throw new IllegalArgumentException("unit");
        };
    }

    private int integer(String key) {
        try {
            return Integer.parseInt(required(key, null));
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, "must be a whole number");
        }
    }
}
