package io.clerkconvexsync;

import io.clerkconvexsync.cli.Cli;

/**
 * The jar's entry point: starts the runtime, or runs one of its command-line tools (see {@link Cli}).
 */
public final class Application {


    private Application() {
    }

    public static void main(String[] args) {
        System.exit(Cli.execute(args));
    }
}
