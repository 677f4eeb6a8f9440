package io.clerkconvexsync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.Application;
import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.DeadLetterStore;
import io.clerkconvexsync.store.JdbcDeadLetterStore;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcConnectionPool;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * {@code dead-letters list|show <id>}: reads the dead-letter store of DATA_DIR (or storage.jdbc-url) so an operator
 * can see what Convex refused and why. Signatures are never stored, and any header naming one is left out anyway.
 */
public final class DeadLettersCommand {
    public static final String COMMAND = "dead-letters";
    private static final String USAGE = "usage: java -jar clerk-convex-sync.jar " + COMMAND + " list | show <id>";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DeadLettersCommand() {
    }

    public static int run(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println(USAGE);
            return 64;
        }
        String url;
        try (CamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation(Application.PROPERTY_LOCATIONS);
            url = SyncSettings.storageUrl(context.getPropertiesComponent()::resolveProperty);
        }
        if (url.startsWith("jdbc:h2:file:")) {
            url += ";IFEXISTS=TRUE"; // a wrong DATA_DIR must say so, not show an empty new database
        }
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        try {
            return run(args, new JdbcDeadLetterStore(pool), System.out, System.err);
        } catch (RuntimeException e) {
            System.err.println("Cannot read the dead-letter store (is DATA_DIR right, and the runtime stopped? "
                    + "the embedded database is locked while it runs): " + rootMessage(e));
            return 1;
        } finally {
            pool.dispose();
        }
    }

    /** The command on a given store; the exit code is 0 on success, 1 when the id is unknown, 64 on bad usage. */
    static int run(String[] args, DeadLetterStore store, PrintStream out, PrintStream err) throws Exception {
        switch (args[1]) {
            case "list" -> {
                List<DeadLetter> all = store.list();
                out.println("id\tlast_failed_at\ttype\terror_kind\thttp_status\tattempts\tsvix_id\terror");
                for (DeadLetter d : all) {
                    out.println(d.id() + "\t" + d.lastFailedAt() + "\t" + d.eventType() + "\t" + d.errorKind() + "\t"
                            + d.httpStatus() + "\t" + d.attempts() + "\t" + d.svixId() + "\t" + d.error());
                }
                out.println(all.size() + " dead letter(s)");
                return 0;
            }
            case "show" -> {
                Optional<Long> id = args.length == 3 ? parseId(args[2]) : Optional.empty();
                if (id.isEmpty()) {
                    err.println(USAGE);
                    return 64;
                }
                Optional<DeadLetter> found = store.find(id.get());
                if (found.isEmpty()) {
                    err.println("No dead letter #" + args[2]);
                    return 1;
                }
                out.println(JSON.writeValueAsString(describe(found.get())));
                return 0;
            }
            default -> {
                err.println(USAGE);
                return 64;
            }
        }
    }

    static ObjectNode describe(DeadLetter d) throws Exception {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", d.id());
        node.put("svixId", d.svixId());
        node.put("type", d.eventType());
        node.put("function", d.function());
        node.put("errorKind", d.errorKind());
        node.put("httpStatus", d.httpStatus());
        node.put("error", d.error());
        node.put("errorDetail", d.errorDetail());
        node.put("attempts", d.attempts());
        node.put("firstFailedAt", d.firstFailedAt().toString());
        node.put("lastFailedAt", d.lastFailedAt().toString());
        ObjectNode headers = node.putObject("headers");
        d.headers().forEach((name, value) -> {
            if (!name.toLowerCase().contains("signature")) {
                headers.put(name, value);
            }
        });
        node.put("body", d.body()); // as received, byte for byte in text
        return node;
    }

    private static Optional<Long> parseId(String raw) {
        try {
            return Optional.of(Long.parseLong(raw.startsWith("#") ? raw.substring(1) : raw));
        } catch (NumberFormatException e) {
            return Optional.empty();
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
