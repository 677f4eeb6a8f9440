package io.clerkconvexsync.cli;

import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.config.ReconcileKind;
import io.clerkconvexsync.config.StorageSettings;
import io.clerkconvexsync.reconcile.ReconcileOptions;
import io.clerkconvexsync.reconcile.ReconcilePass;
import io.clerkconvexsync.reconcile.Reconciler;
import io.clerkconvexsync.runtime.HeadlessRuntime;
import io.clerkconvexsync.store.StoreDatabase;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code reconcile [--dry-run] [--no-delete] [--allow-mass-delete] [--kinds users,organizations]}: one pass in this process, whether or not the
 * runtime runs. It boots the runtime's Camel context without its listeners and schedule ({@link HeadlessRuntime}),
 * like {@code dead-letters replay}, so it calls Convex through the very same delivery step; the lease in the
 * runtime's database keeps it from running beside another pass. Progress goes to standard error, one JSON summary
 * to standard output. A missing or malformed setting (CLERK_SECRET_KEY among them) exits 2 through the command line's
 * handler, bad usage 64.
 */
@Command(name = ReconcileCommand.COMMAND,
        description = {"Make Convex equal Clerk for the chosen kinds (users by default): list every Clerk object of a "
                + "kind, upsert them into Convex, then delete what Clerk confirms gone.",
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

    @Option(names = "--kinds", paramLabel = "KIND[,KIND...]",
            description = "What this pass makes equal to Clerk: roles, organizations, users, memberships, invitations, "
                    + "plans, subscriptionItems, comma-separated "
                    + "(default: reconcile.kinds, RECONCILE_KINDS).")
    String kinds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Set<ReconcileKind> chosen = kinds();
        Main main = HeadlessRuntime.start(false, dryRun ? noNewState() : Map.of());
        try {
            Reconciler reconciler = main.getCamelContext().getRegistry().lookupByNameAndType(Reconciler.BEAN, Reconciler.class);
            ReconcilePass pass = reconciler.run(new ReconcileOptions(dryRun, noDelete, allowMassDelete,
                    chosen != null ? chosen : reconciler.settings().kinds()), line -> {
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

    /**
     * A dry run writes nothing, DATA_DIR included. Where the embedded database does not exist yet, no runtime ever ran
     * there, so no other pass can hold its lock: the dry run takes its lock in a database in memory instead of
     * creating one (and DATA_DIR with it). With an existing database, or PostgreSQL, it takes the shared lock.
     */
    private static Map<String, String> noNewState() throws Exception {
        StorageSettings storage = Cli.withSettings(c -> StorageSettings.load(c.getPropertiesComponent()::resolveProperty));
        return storage.embedded() && !StoreDatabase.existsIn(storage.dataDir())
                ? Map.of(StorageSettings.JDBC_URL, "jdbc:h2:mem:reconcile-dry-run;DB_CLOSE_DELAY=-1")
                : Map.of();
    }

    /** A bad {@code --kinds} is bad usage (64), told before anything starts, not a setting error (2). */
    private Set<ReconcileKind> kinds() {
        if (kinds == null) {
            return null;
        }
        try {
            return ReconcileKind.parse(kinds, "--kinds");
        } catch (InvalidSettingException e) {
            throw new ParameterException(spec.commandLine(), "--kinds '" + kinds + "' is not a comma-separated list of "
                    + ReconcileKind.names(EnumSet.allOf(ReconcileKind.class)));
        }
    }
}
