package io.clerkconvexsync;

import io.clerkconvexsync.cli.DeadLettersCommand;
import io.clerkconvexsync.cli.SendTestEvent;
import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.ops.GracefulShutdown;
import io.clerkconvexsync.reconcile.ReconcileCommand;
import org.apache.camel.main.Main;

/**
 * Starts the runtime, or runs one of its command-line tools ({@code send-test-event}, {@code dead-letters}, {@code reconcile}).
 */
public final class Application {

    /** Defaults packed in the jar, overridden by ./application.properties where the jar is started. */
    public static final String PROPERTY_LOCATIONS =
            "classpath:application.properties;optional=true,file:application.properties;optional=true";

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        try {
            if (args.length > 0 && SendTestEvent.COMMAND.equals(args[0])) {
                System.exit(SendTestEvent.run(args));
            }
            if (args.length > 0 && DeadLettersCommand.COMMAND.equals(args[0])) {
                System.exit(DeadLettersCommand.run(args));
            }
            if (args.length > 0 && ReconcileCommand.COMMAND.equals(args[0])) {
                System.exit(ReconcileCommand.run(args));
            }
            Main main = new Main(Application.class);
            main.setPropertyPlaceholderLocations(PROPERTY_LOCATIONS);
            GracefulShutdown.onSigterm(main);
            System.exit(main.run(args));
        } catch (Exception e) {
            InvalidSettingException invalid = invalidSetting(e);
            if (invalid == null) {
                throw e;
            }
            System.err.println(invalid.getMessage());
            System.exit(2);
        }
    }

    private static InvalidSettingException invalidSetting(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidSettingException invalid) {
                return invalid;
            }
        }
        return null;
    }
}
