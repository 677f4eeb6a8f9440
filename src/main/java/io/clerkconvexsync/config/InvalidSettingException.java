package io.clerkconvexsync.config;

/**
 * A setting is missing or malformed. The message names the setting (its environment variable where it has one)
 * and never its value, because the value may be a secret.
 */
public final class InvalidSettingException extends IllegalStateException {
    private final String setting;

    public InvalidSettingException(String setting, String problem) {
        super("Invalid configuration: " + setting + " " + problem);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
