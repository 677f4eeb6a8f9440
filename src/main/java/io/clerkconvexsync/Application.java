package io.clerkconvexsync;

import io.clerkconvexsync.cli.Cli;

/**
 * The jar's entry point: starts the runtime, or runs one of its command-line tools (see {@link Cli}).
 */
public final class Application {

    /** Defaults packed in the jar, overridden by ./application.properties where the jar is started. */
    public static final String PROPERTY_LOCATIONS =
            "classpath:application.properties;optional=true,file:application.properties;optional=true";

    private Application() {
    }

    public static void main(String[] args) {
        System.exit(Cli.execute(args));
    }
}
