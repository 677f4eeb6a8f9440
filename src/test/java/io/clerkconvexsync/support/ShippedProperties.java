package io.clerkconvexsync.support;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped application.properties, each {@code {{env:NAME:default}}} read as its default (no environment). */
public final class ShippedProperties {
    private static final Pattern ENV = Pattern.compile("\\{\\{env:[A-Z0-9_]+:(.*)}}");

    private ShippedProperties() {
    }

    /** A lookup as the settings records take it, with {@code overrides} over the shipped values. */
    public static Function<String, Optional<String>> lookup(Map<String, String> overrides) {
        Map<String, String> values = values();
        values.putAll(overrides);
        return key -> Optional.ofNullable(values.get(key));
    }

    /** The shipped values by key, a copy the caller may change. */
    public static Map<String, String> values() {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            Matcher env = ENV.matcher(properties.getProperty(key).trim());
            values.put(key, env.matches() ? env.group(1) : properties.getProperty(key).trim());
        }
        return values;
    }
}
