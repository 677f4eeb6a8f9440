package io.clerkconvexsync.cli;

import io.clerkconvexsync.admin.DeadLetterAdmin;
import io.clerkconvexsync.admin.DeadLetterTransfer;
import io.clerkconvexsync.config.H2Network;
import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.config.StorageSettings;
import io.clerkconvexsync.ops.EscapedMessageConverter;
import io.clerkconvexsync.runtime.HeadlessRuntime;
import io.clerkconvexsync.runtime.RuntimeConfiguration;
import io.clerkconvexsync.store.DeadLetterFilter;
import io.clerkconvexsync.store.DeadLetterStore;
import io.clerkconvexsync.store.FileModes;
import io.clerkconvexsync.store.JdbcDeadLetterStore;
import io.clerkconvexsync.store.StoreDatabase;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code dead-letters list|show|replay|purge|export|import}: the dead-letter store of DATA_DIR (or STORAGE_JDBC_URL),
 * through the same
 * {@link DeadLetterAdmin} as the HTTP admin API, whether or not the runtime is running (the embedded database lets a
 * second process in through the first, see SyncSettings). Signatures are never stored, and never printed.
 *
 * <p>{@code replay} boots the runtime's Camel context in this process without its HTTP listeners (no webhook port, no
 * management port, no admin API), so a replay needs neither a running instance nor ADMIN_TOKEN, and goes through the
 * very same routing, redelivery and dead-letter step; claims in the database keep it from racing a running instance.
 */
@Command(name = DeadLettersCommand.COMMAND,
        description = "List, show, replay, purge, export or import the dead letters of DATA_DIR (or STORAGE_JDBC_URL).",
        subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.ShowCommand.class,
                DeadLettersCommand.ReplayCommand.class, DeadLettersCommand.PurgeCommand.class,
                DeadLettersCommand.ExportCommand.class, DeadLettersCommand.ImportCommand.class})
public final class DeadLettersCommand implements Callable<Integer> {
    public static final String COMMAND = "dead-letters";
    /** JSON for a terminal: every control character escaped, C1 and line separators too (JSON needs only C0). */
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static {
        JSON.getFactory().setCharacterEscapes(new TerminalSafeEscapes());
    }

    /** Jackson escapes C0 controls by itself; these add DEL, C1 (ESC's 8-bit twin U+009B among them), U+2028/9. */
    static final class TerminalSafeEscapes extends CharacterEscapes {
        private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

        TerminalSafeEscapes() {
            ascii[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return EscapedMessageConverter.isControl(ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }

    /** The store to work on instead of DATA_DIR's (tests); null: the configured one. */
    DeadLetterStore store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "'" + COMMAND + "' needs a command: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** What a sub-command does with the store; its exit code. */
    interface Action {
        int run(DeadLetterAdmin admin, DeadLetterStore store, PrintWriter out, PrintWriter err) throws Exception;
    }

    /** The command line on a given store, printing to {@code out} and {@code err}; the exit code. */
    static int run(String[] args, DeadLetterStore store, PrintStream out, PrintStream err) {
        CommandLine cli = Cli.commandLine(new Cli());
        ((DeadLettersCommand) cli.getSubcommands().get(COMMAND).getCommand()).store = store;
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cli.execute(args);
    }

    /** Opens the configured store for reading and purging (no Camel context needed). */
    int withStore(Action action) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (store != null) {
            return action.run(new DeadLetterAdmin(store, null), store, out, err);
        }
        try (HikariDataSource pool = openStore()) {
            DeadLetterStore opened = new JdbcDeadLetterStore(pool);
            return action.run(new DeadLetterAdmin(opened, null), opened, out, err);
        } catch (InvalidSettingException e) {
            throw e; // exit code 2, naming the setting
        } catch (RuntimeException e) {
            err.println("Cannot read the dead-letter store (is DATA_DIR or STORAGE_JDBC_URL right?): " + rootMessage(e));
            return 1;
        }
    }

    /**
     * The store the runtime uses (same settings, same credentials), its schema brought up to date. An embedded
     * database that does not exist is an error: a wrong DATA_DIR must say so, not show an empty new database.
     */
    private static HikariDataSource openStore() throws Exception {
        H2Network.keepLocal();
        StorageSettings storage = Cli.withSettings(c -> StorageSettings.load(c.getPropertiesComponent()::resolveProperty));
        if (storage.embedded() && !StoreDatabase.existsIn(storage.dataDir())) {
            throw new IllegalStateException("no database in DATA_DIR " + storage.dataDir().toAbsolutePath());
        }
        return StoreDatabase.open(storage);
    }

    /** Boots the runtime without its listeners, runs the action (a replay), stops. */
    int withRuntime(Action action) throws Exception {
        if (store != null) {
            return withStore(action);
        }
        // checked first, without starting anything, so that a wrong DATA_DIR reads as it does for list
        int readable = withStore((admin, s, out, err) -> {
            s.count();
            return 0;
        });
        if (readable != 0) {
            return readable;
        }
        Main main = HeadlessRuntime.start();
        try {
            CamelContext context = main.getCamelContext();
            DeadLetterAdmin admin = context.getRegistry().lookupByNameAndType(RuntimeConfiguration.DEAD_LETTER_ADMIN,
                    DeadLetterAdmin.class);
            DeadLetterStore running = context.getRegistry().lookupByNameAndType("deadLetterStore", DeadLetterStore.class);
            return action.run(admin, running, spec.commandLine().getOut(), spec.commandLine().getErr());
        } finally {
            main.stop();
        }
    }

    /** The filter options every sub-command but {@code show} takes. */
    static final class Filters {
        @Parameters(arity = "0..1", paramLabel = "<id>", description = "One dead letter, by id (also as #<id>).")
        String positionalId;
        @Option(names = "--id", paramLabel = "<id>", description = "One dead letter, by id.")
        String id;
        @Option(names = "--type", paramLabel = "<type>", description = "Clerk event type, e.g. user.created.")
        String type;
        @Option(names = "--error-kind", paramLabel = "<kind>", description = "Error kind: function_error, function_missing or rejected.")
        String errorKind;
        @Option(names = "--since", paramLabel = "<instant>",
                description = "Last failure at or after this ISO-8601 instant, e.g. 2026-01-02T03:04:05Z.")
        String since;
        @Option(names = "--until", paramLabel = "<instant>", description = "Last failure before this ISO-8601 instant.")
        String until;

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        DeadLetterFilter filter() {
            if (positionalId != null && id != null) {
                throw new ParameterException(spec.commandLine(), "give the id once: <id> or --id");
            }
            Map<String, String> values = new HashMap<>();
            put(values, "id", positionalId != null ? positionalId : id);
            put(values, "type", type);
            put(values, "errorKind", errorKind);
            put(values, "since", since);
            put(values, "until", until);
            try {
                return DeadLetterAdmin.filter(values);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }

        private static void put(Map<String, String> values, String name, String value) {
            if (value != null) {
                values.put(name, value);
            }
        }
    }

    @Command(name = "list", description = "id, last failure, type, error kind, status, attempts, svix-id, error; one per line.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        DeadLettersCommand parent;
        @Mixin
        Filters filters;

        @Override
        public Integer call() throws Exception {
            DeadLetterFilter filter = filters.filter();
            return parent.withStore((admin, store, out, err) -> {
                out.println("id\tlast_failed_at\ttype\terror_kind\thttp_status\tattempts\tsvix_id\terror");
                long[] count = {0};
                // streamed: each line is printed as its row arrives, so any number of dead letters fits the heap
                store.forEach(filter, false, (d, history) -> {
                    out.println(d.id() + "\t" + d.lastFailedAt() + "\t" + human(d.eventType()) + "\t"
                            + human(d.errorKind()) + "\t" + d.httpStatus() + "\t" + d.attempts() + "\t"
                            + human(d.svixId()) + "\t" + human(d.error()));
                    count[0]++;
                });
                out.println(count[0] + " dead letter(s)");
                return 0;
            });
        }
    }

    @Command(name = "show", description = "One as JSON: error text, headers kept, body as received, history. Exit 1 when"
            + " there is no such id.")
    static final class ShowCommand implements Callable<Integer> {
        @ParentCommand
        DeadLettersCommand parent;
        @Parameters(paramLabel = "<id>", description = "The dead letter's id (also as #<id>).")
        String id;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            long key;
            try {
                key = DeadLetterAdmin.id(id);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            return parent.withStore((admin, store, out, err) -> {
                Optional<ObjectNode> found = admin.show(key);
                if (found.isEmpty()) {
                    err.println("No dead letter #" + key);
                    return 1;
                }
                out.println(JSON.writeValueAsString(found.get()));
                return 0;
            });
        }
    }

    @Command(name = "replay", description = "Send through the delivery step again: the id, what the filters match, or"
            + " all without a filter. Exit 1 unless every one was delivered. SIGTERM or Ctrl-C stops it after the one"
            + " in flight, with what it did printed (\"stopped\": true).")
    static final class ReplayCommand implements Callable<Integer> {
        @ParentCommand
        DeadLettersCommand parent;
        @Mixin
        Filters filters;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DeadLetterFilter filter = filters.filter();
            // SIGTERM or Ctrl-C: the dead letter in flight is finished (delivered and removed, or released), then it
            // stops and prints what it did. Left to the JVM, Camel stopped under the replay, the claim of the one in
            // flight stayed for 5 minutes and nothing was printed.
            AtomicBoolean stop = new AtomicBoolean();
            PrintWriter err = spec.commandLine().getErr();
            for (String name : new String[] {"TERM", "INT"}) {
                Signal.handle(new Signal(name), signal -> {
                    if (stop.compareAndSet(false, true)) {
                        err.println("dead-letters replay: SIG" + name + "; finishing the dead letter in flight, then stopping");
                    }
                });
            }
            return parent.withRuntime((admin, store, out, e) -> {
                ObjectNode result = admin.replay(filter, () -> !stop.get());
                if (stop.get()) {
                    result.put("stopped", true);
                }
                out.println(JSON.writeValueAsString(result));
                return !stop.get() && result.get("delivered").asLong() == result.get("count").asLong() ? 0 : 1;
            });
        }
    }

    @Command(name = "purge", description = "Delete for good: the id, what the filters match, or all with --all. Exit 1"
            + " when the id named is not there.")
    static final class PurgeCommand implements Callable<Integer> {
        @ParentCommand
        DeadLettersCommand parent;
        @Mixin
        Filters filters;
        @Option(names = "--all", description = "Every dead letter (needed when no id or filter is given).")
        boolean all;
        @Option(names = "--items", description = "Also list each one purged (id, svix-id); slower, deleted one by one."
                + " Without it a summary is printed and they are deleted a page at a time.")
        boolean items;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DeadLetterFilter filter = filters.filter();
            if (filter.matchesAll() && !all) {
                throw new ParameterException(spec.commandLine(), "purge needs an id, a filter or --all");
            }
            return parent.withStore((admin, store, out, err) -> {
                ObjectNode result = admin.purge(filter, items || filter.matchesOnlyId());
                out.println(JSON.writeValueAsString(result));
                return filter.matchesOnlyId() && result.get("count").asInt() == 0 ? 1 : 0;
            });
        }
    }

    @Command(name = "export", description = "Every dead letter with its history, one JSON object per line (as show"
            + " prints it), to standard output or --output: a backup, or what import reads into another store.")
    static final class ExportCommand implements Callable<Integer> {
        @ParentCommand
        DeadLettersCommand parent;
        @Option(names = {"-o", "--output"}, paramLabel = "<file>", description = "A new file, created owner-only (600)"
                + " whatever the umask: it holds user data, like the database. An existing file is not overwritten.")
        Path output;

        @Override
        public Integer call() throws Exception {
            return parent.withStore((admin, store, out, err) -> {
                if (output == null) {
                    err.println(new DeadLetterTransfer(store).exportTo(out) + " dead letter(s) exported");
                    return 0;
                }
                try (PrintWriter file = new PrintWriter(FileModes.createOwnerOnlyFile(output), false, StandardCharsets.UTF_8)) {
                    err.println(new DeadLetterTransfer(store).exportTo(file) + " dead letter(s) exported to " + output);
                    return 0;
                } catch (FileAlreadyExistsException e) {
                    err.println("Not exported: " + output + " exists already (choose a new name or remove it)");
                    return 1;
                }
            });
        }
    }

    @Command(name = "import", description = "The dead letters of an export file, with their history; svix-ids already"
            + " stored are skipped, and a malformed line imports nothing. Exit 1 when the file cannot be read.")
    static final class ImportCommand implements Callable<Integer> {
        @ParentCommand
        DeadLettersCommand parent;
        @Parameters(paramLabel = "<file>", description = "JSON lines, as export writes them.")
        Path file;

        @Override
        public Integer call() throws Exception {
            return parent.withStore((admin, store, out, err) -> {
                try {
                    DeadLetterTransfer.ImportResult result = new DeadLetterTransfer(store)
                            .importFrom(() -> Files.newBufferedReader(file, StandardCharsets.UTF_8));
                    out.println(result.imported() + " dead letter(s) imported, " + result.skipped()
                            + " skipped (their svix-id was already stored)");
                    return 0;
                } catch (NoSuchFileException e) {
                    err.println("No such file: " + file);
                    return 1;
                } catch (DeadLetterTransfer.MalformedLineException e) {
                    err.println("Nothing imported: " + file + " " + e.getMessage());
                    return 1;
                }
            });
        }
    }

    /** A stored field as printed for a person: control characters escaped, so none can move the cursor or recolour. */
    static String human(String value) {
        return EscapedMessageConverter.escape(String.valueOf(value));
    }

    /** The first line of the innermost cause's message: the driver's own reason, which never holds a password. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
