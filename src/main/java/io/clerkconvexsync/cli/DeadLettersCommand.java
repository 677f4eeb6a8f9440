package io.clerkconvexsync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.Application;
import io.clerkconvexsync.admin.DeadLetterAdmin;
import io.clerkconvexsync.config.H2Network;
import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.config.RuntimeConfiguration;
import io.clerkconvexsync.config.StorageSettings;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.DeadLetterFilter;
import io.clerkconvexsync.store.DeadLetterStore;
import io.clerkconvexsync.store.JdbcDeadLetterStore;
import io.clerkconvexsync.store.StoreDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code dead-letters list|show|replay|purge}: the dead-letter store of DATA_DIR (or storage.jdbc-url), through the same
 * {@link DeadLetterAdmin} as the HTTP admin API, whether or not the runtime is running (the embedded database lets a
 * second process in through the first, see SyncSettings). Signatures are never stored, and never printed.
 *
 * <p>{@code replay} boots the runtime's Camel context in this process without its HTTP listeners (no webhook port, no
 * management port, no admin API), so a replay needs neither a running instance nor ADMIN_TOKEN, and goes through the
 * very same routing, redelivery and dead-letter step; claims in the database keep it from racing a running instance.
 */
public final class DeadLettersCommand {
    public static final String COMMAND = "dead-letters";
    private static final String USAGE = """
            usage: java -jar clerk-convex-sync.jar dead-letters <command>
              list   [filters]              id, last failure, type, error kind, status, attempts, svix-id, error
              show   <id>                   one as JSON: error text, headers kept, body as received, history
              replay [<id> | filters]       send through the delivery step again (all without a filter)
              purge  <id> | filters | --all delete for good
            """ + DeadLetterTransferCommand.USAGE + "\n" + """
            filters: --type <clerk event type> --error-kind <kind> --since <instant> --until <instant> --id <id>
                     (instants as ISO-8601, e.g. 2026-01-02T03:04:05Z, bounding the last failure)""";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<String, String> OPTIONS = Map.of("--type", "type", "--error-kind", "errorKind",
            "--since", "since", "--until", "until", "--id", "id");

    private DeadLettersCommand() {
    }

    public static int run(String[] args) throws Exception {
        if (DeadLetterTransferCommand.handles(args)) {
            return transfer(args);
        }
        Optional<Request> request = parse(args, System.err);
        if (request.isEmpty()) {
            return 64;
        }
        try (HikariDataSource pool = openStore()) {
            DeadLetterStore store = new JdbcDeadLetterStore(pool);
            if (!"replay".equals(request.get().command())) {
                return run(request.get(), new DeadLetterAdmin(store, null), store, System.out, System.err);
            }
        } catch (InvalidSettingException e) {
            throw e; // exit code 2, naming the setting
        } catch (RuntimeException e) {
            System.err.println("Cannot read the dead-letter store (is DATA_DIR or STORAGE_JDBC_URL right?): " + rootMessage(e));
            return 1;
        }
        return replay(request.get(), args);
    }

    private static int transfer(String[] args) throws Exception {
        String problem = DeadLetterTransferCommand.usageError(args);
        if (!problem.isEmpty()) {
            System.err.println(problem);
            System.err.println(USAGE);
            return 64;
        }
        try (HikariDataSource pool = openStore()) {
            return DeadLetterTransferCommand.run(args, new JdbcDeadLetterStore(pool), System.out, System.err);
        } catch (InvalidSettingException e) {
            throw e;
        } catch (RuntimeException e) {
            System.err.println("Cannot use the dead-letter store (is DATA_DIR or STORAGE_JDBC_URL right?): " + rootMessage(e));
            return 1;
        }
    }

    /**
     * The store the runtime uses (same settings, same credentials), its schema brought up to date. An embedded
     * database that does not exist is an error: a wrong DATA_DIR must say so, not show an empty new database.
     */
    static HikariDataSource openStore() throws Exception {
        H2Network.keepLocal();
        StorageSettings storage;
        try (CamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation(Application.PROPERTY_LOCATIONS);
            storage = StorageSettings.load(context.getPropertiesComponent()::resolveProperty);
        }
        if (storage.embedded() && !StoreDatabase.existsIn(storage.dataDir())) {
            throw new IllegalStateException("no database in DATA_DIR " + storage.dataDir().toAbsolutePath());
        }
        return StoreDatabase.open(storage);
    }

    /** Boots the runtime without its listeners, replays, stops. */
    private static int replay(Request request, String[] args) throws Exception {
        Main main = new Main(Application.class);
        main.setPropertyPlaceholderLocations(Application.PROPERTY_LOCATIONS);
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.management.enabled", "false");
        // By route id: the webhook listener and the admin API (its beans may exist when ADMIN_TOKEN is in the
        // environment; an empty override does not replace an {{env:...}} value) are not started here, nor is the
        // retention sweep, which is the running instances' work.
        main.addOverrideProperty("camel.main.route-filter-exclude-pattern", "clerk-webhook,admin-*,storage-retention");
        main.start();
        try {
            CamelContext context = main.getCamelContext();
            DeadLetterAdmin admin = context.getRegistry().lookupByNameAndType(RuntimeConfiguration.DEAD_LETTER_ADMIN,
                    DeadLetterAdmin.class);
            DeadLetterStore store = context.getRegistry().lookupByNameAndType("deadLetterStore", DeadLetterStore.class);
            return run(request, admin, store, System.out, System.err);
        } finally {
            main.stop();
        }
    }

    /** A parsed command line: the sub-command and its filter. */
    record Request(String command, DeadLetterFilter filter, boolean all) {
    }

    static Optional<Request> parse(String[] args, PrintStream err) {
        if (args.length < 2 || !List.of("list", "show", "replay", "purge").contains(args[1])) {
            err.println(USAGE);
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        boolean all = false;
        try {
            for (int i = 2; i < args.length; i++) {
                String arg = args[i];
                if ("--all".equals(arg)) {
                    all = true;
                } else if (OPTIONS.containsKey(arg) && i + 1 < args.length) {
                    values.put(OPTIONS.get(arg), args[++i]);
                } else if (arg.startsWith("--") && arg.contains("=") && OPTIONS.containsKey(arg.substring(0, arg.indexOf('=')))) {
                    values.put(OPTIONS.get(arg.substring(0, arg.indexOf('='))), arg.substring(arg.indexOf('=') + 1));
                } else if (!arg.startsWith("--") && !values.containsKey("id")) {
                    values.put("id", Long.toString(DeadLetterAdmin.id(arg)));
                } else {
                    throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                }
            }
            DeadLetterFilter filter = DeadLetterAdmin.filter(values);
            String command = args[1];
            if ("show".equals(command) && !filter.matchesOnlyId()) {
                throw new IllegalArgumentException("show takes one id");
            }
            if ("purge".equals(command) && filter.matchesAll() && !all) {
                throw new IllegalArgumentException("purge needs an id, a filter or --all");
            }
            return Optional.of(new Request(command, filter, all));
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return Optional.empty();
        }
    }

    /** The command on a given store; exit code 0 on success, 1 for an unknown id or an undelivered replay, 64 on bad usage. */
    static int run(String[] args, DeadLetterStore store, PrintStream out, PrintStream err) throws Exception {
        Optional<Request> request = parse(args, err);
        return request.isEmpty() ? 64 : run(request.get(), new DeadLetterAdmin(store, null), store, out, err);
    }

    static int run(Request request, DeadLetterAdmin admin, DeadLetterStore store, PrintStream out, PrintStream err)
            throws Exception {
        switch (request.command()) {
            case "list" -> {
                List<DeadLetter> all = store.list(request.filter());
                out.println("id\tlast_failed_at\ttype\terror_kind\thttp_status\tattempts\tsvix_id\terror");
                for (DeadLetter d : all) {
                    out.println(d.id() + "\t" + d.lastFailedAt() + "\t" + d.eventType() + "\t" + d.errorKind() + "\t"
                            + d.httpStatus() + "\t" + d.attempts() + "\t" + d.svixId() + "\t" + d.error());
                }
                out.println(all.size() + " dead letter(s)");
                return 0;
            }
            case "show" -> {
                long id = request.filter().id().orElseThrow();
                Optional<ObjectNode> found = admin.show(id);
                if (found.isEmpty()) {
                    err.println("No dead letter #" + id);
                    return 1;
                }
                out.println(JSON.writeValueAsString(found.get()));
                return 0;
            }
            case "replay" -> {
                ObjectNode result = admin.replay(request.filter());
                out.println(JSON.writeValueAsString(result));
                return result.get("delivered").asLong() == result.get("count").asLong() ? 0 : 1;
            }
            default -> {
                ObjectNode result = admin.purge(request.filter());
                out.println(JSON.writeValueAsString(result));
                return request.filter().matchesOnlyId() && result.get("count").asInt() == 0 ? 1 : 0;
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
