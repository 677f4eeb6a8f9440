package io.clerkconvexsync.ops;

import io.clerkconvexsync.config.InvalidSettingException;

import java.util.Locale;

/**
 * LOG_FORMAT picks logback's appender by name ({@code plain} or {@code json}, see logback.xml). Logback would take any
 * other value as the name of an appender that does not exist and print nothing at all, so it is checked, in any case,
 * before the first logger is made, and handed to logback in lower case as a system property (which logback reads
 * before the environment).
 */
public final class LogFormat {
    public static final String VARIABLE = "LOG_FORMAT";

    private LogFormat() {
    }

    /**
     * Settles the format for this process. Unset means plain.
     *
     * @throws InvalidSettingException when it is set to anything but plain or json (in any case), empty included
     */
    public static String select() {
        String raw = System.getProperty(VARIABLE, System.getenv(VARIABLE));
        if (raw == null) {
            return "plain";
        }
        String format = raw.trim().toLowerCase(Locale.ROOT);
        if (!format.equals("plain") && !format.equals("json")) {
            throw new InvalidSettingException(VARIABLE, "must be plain or json");
        }
        System.setProperty(VARIABLE, format);
        return format;
    }
}
