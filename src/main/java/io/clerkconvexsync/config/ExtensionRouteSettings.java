package io.clerkconvexsync.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the extension routes (YAML DSL, {@code *.yaml}) are read from at startup. They are optional: unset, the folder
 * is {@code ./routes} where the jar is started, and a missing one means none (a systemd unit or cron job starts the jar
 * from anywhere). A folder that is named but does not exist is a mistake and stops startup.
 *
 * @param directory the folder to load, or empty when there is none to load (or {@value #ENABLED} is false)
 */
public record ExtensionRouteSettings(Optional<Path> directory) {

    public static final String DIRECTORY = "extension.routes-directory";
    public static final String ENABLED = "extension.routes-enabled";
    static final Path DEFAULT_DIRECTORY = Path.of("routes");

    /**
     * @throws InvalidSettingException when ROUTES_DIR names a folder that does not exist
     */
    public static ExtensionRouteSettings load(Function<String, Optional<String>> lookup) {
        SettingsReader r = new SettingsReader(lookup);
        if (!r.bool(ENABLED)) {
            return new ExtensionRouteSettings(Optional.empty());
        }
        Optional<String> configured = r.optional(DIRECTORY);
        if (configured.isEmpty()) {
            return new ExtensionRouteSettings(Optional.of(DEFAULT_DIRECTORY).filter(Files::isDirectory));
        }
        Path directory = Path.of(configured.get());
        if (!Files.isDirectory(directory)) {
            // a path, not a secret: printing it shows where the process looked (relative to its working directory)
            throw new InvalidSettingException("ROUTES_DIR", "(" + DIRECTORY + ") names no folder: "
                    + directory.toAbsolutePath());
        }
        return new ExtensionRouteSettings(Optional.of(directory));
    }
}
