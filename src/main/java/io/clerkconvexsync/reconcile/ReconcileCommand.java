package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.cli.HeadlessRuntime;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code reconcile [--dry-run] [--no-delete] [--allow-mass-delete]}: one pass in this process, whether or not the
 * runtime runs. It boots the runtime's Camel context without its listeners and schedule ({@link HeadlessRuntime}),
 * like {@code dead-letters replay}, so it calls Convex through the very same delivery step; the lease in the
 * runtime's database keeps it from running beside another pass. Progress goes to standard error, one JSON summary
 * to standard output. A missing or malformed setting (CLERK_SECRET_KEY among them) exits 2 through the command line's
 * handler, bad usage 64.
 */
@Command(name = ReconcileCommand.COMMAND,
        description = {"Make Convex's users equal Clerk's: list every Clerk user, upsert them into Convex, then delete "
                + "the Convex users that Clerk answers 404 for.",
                "Exit codes: 0 complete, 1 not complete (the summary's reason says why), 2 configuration error, 64 bad usage."})
public final class ReconcileCommand implements Callable<Integer> {
    public static final String COMMAND = "reconcile";

    @Spec
    CommandSpec spec;

    @Option(names = "--dry-run", description = "Read Clerk and Convex and report what would be done; write nothing.")
    boolean dryRun;

    @Option(names = "--no-delete", description = "Skip the deletion sweep: only insert and update.")
    boolean noDelete;

    @Option(names = ReconcileOptions.OVERRIDE_FLAG, description = "Delete even when the candidates exceed "
            + "reconcile.max-delete-fraction or reconcile.max-deletes (for this pass only).")
    boolean allowMassDelete;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Main main = HeadlessRuntime.start(false);
        try {
            Reconciler reconciler = main.getCamelContext().getRegistry().lookupByNameAndType(Reconciler.BEAN, Reconciler.class);
            ReconcilePass pass = reconciler.run(new ReconcileOptions(dryRun, noDelete, allowMassDelete,
                    reconciler.settings().kinds()), line -> {
                err.println(line);
                err.flush();
            });
            out.println(pass.toJson().toPrettyString());
            if (!pass.complete()) {
                err.println("reconcile did not complete: " + pass.toJson().path("reason").asText());
            }
            return pass.complete() ? 0 : 1;
        } catch (Reconciler.Busy busy) {
            err.println(busy.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
            main.stop();
        }
    }
}
