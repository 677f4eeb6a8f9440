package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.Application;
import io.clerkconvexsync.config.InvalidSettingException;
import org.apache.camel.main.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * {@code reconcile [--dry-run] [--no-delete] [--allow-mass-delete]}: one pass in this process, whether or not the
 * runtime runs. It boots the runtime's Camel context without its listeners (no webhook port, no management port, no
 * admin API, no schedule), like {@code dead-letters replay}, so it calls Convex through the very same delivery step;
 * the lease in the runtime's database keeps it from running beside another pass. Progress goes to standard error,
 * one JSON summary to standard output.
 */
@Command(name = ReconcileCommand.COMMAND, mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ReconcileCommand.USAGE,
        description = {"Makes Convex's users equal Clerk's: lists every Clerk user, upserts them into Convex, then deletes "
                + "the Convex users that Clerk answers 404 for.",
                "Exit codes: 0 complete, 1 not complete (the summary's reason says why), 2 configuration error, 64 bad usage."})
public final class ReconcileCommand implements Callable<Integer> {
    public static final String COMMAND = "reconcile";
    static final int USAGE = 64;

    @Option(names = "--dry-run", description = "Read Clerk and Convex and report what would be done; write nothing.")
    boolean dryRun;

    @Option(names = "--no-delete", description = "Skip the deletion sweep: only insert and update.")
    boolean noDelete;

    @Option(names = ReconcileOptions.OVERRIDE_FLAG, description = "Delete even when the candidates exceed "
            + "reconcile.max-delete-fraction or reconcile.max-deletes (for this pass only).")
    boolean allowMassDelete;

    /** Runs the command line {@code reconcile …}; returns the exit code. */
    public static int run(String[] args) {
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        return new CommandLine(new ReconcileCommand()).execute(rest);
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Main main = new Main(Application.class);
        main.setPropertyPlaceholderLocations(Application.PROPERTY_LOCATIONS);
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addOverrideProperty("camel.main.route-filter-exclude-pattern", "clerk-webhook,admin-*,reconcile-schedule");
        try {
            main.start();
        } catch (Exception e) {
            InvalidSettingException invalid = invalidSetting(e);
            if (invalid == null) {
                throw e;
            }
            err.println(invalid.getMessage());
            return 2;
        }
        try {
            Reconciler reconciler = main.getCamelContext().getRegistry().lookupByNameAndType(Reconciler.BEAN, Reconciler.class);
            ReconcilePass pass = reconciler.run(new ReconcileOptions(dryRun, noDelete, allowMassDelete), err::println);
            out.println(pass.toJson().toPrettyString());
            if (!pass.complete()) {
                err.println("reconcile did not complete: " + pass.toJson().path("reason").asText());
            }
            return pass.complete() ? 0 : 1;
        } catch (InvalidSettingException e) {
            err.println(e.getMessage());
            return 2;
        } catch (Reconciler.Busy busy) {
            err.println(busy.getMessage());
            return 1;
        } finally {
            main.stop();
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
