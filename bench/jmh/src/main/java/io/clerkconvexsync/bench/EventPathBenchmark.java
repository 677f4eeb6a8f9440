package io.clerkconvexsync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.delivery.ConvexCall;
import io.clerkconvexsync.delivery.ConvexRequestBuilder;
import io.clerkconvexsync.intake.ClerkEvent;
import io.clerkconvexsync.intake.ClerkEventParser;
import io.clerkconvexsync.intake.SvixSignatureVerifier;
import io.clerkconvexsync.routing.EventFamilyTranslator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime's per-event CPU path, step by step and end to end, on the same ~3 KB user.updated events the load
 * benchmark sends (one distinct, correctly signed event per invocation, cycling through {@link #EVENTS}):
 * <ul>
 *   <li>{@code verify}: {@link SvixSignatureVerifier#verify} (timestamp window, strict UTF-8, HMAC-SHA256 via svix-java)</li>
 *   <li>{@code parse}: {@link ClerkEventParser#parse} (Jackson tree of the event)</li>
 *   <li>{@code route}: a Camel exchange carrying the event, the type decision and {@link EventFamilyTranslator#process}
 *   (the Convex call for user.updated)</li>
 *   <li>{@code buildRequest}: {@link ConvexRequestBuilder#requestBody} (the bytes POSTed to /api/mutation)</li>
 *   <li>{@code fullPath}: all four in a row, as one webhook goes through them</li>
 * </ul>
 * Camel's own routing, HTTP and the idempotency store are not in here (the load benchmark measures them); this catches
 * regressions in the runtime's code on the path. Settings come from the repository's application.properties.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class EventPathBenchmark {

    static final int EVENTS = 1024;

    /** Each event as it arrives: body bytes and the three Svix headers. */
    record Signed(String id, String timestamp, String signature, byte[] body, Map<String, String> headers) { }

    Signed[] signed;
    ClerkEvent[] parsed;
    ConvexCall[] calls;
    SvixSignatureVerifier verifier;
    ClerkEventParser parser;
    List<EventFamilyTranslator> families;
    CamelContext camel;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        long now = Instant.now().getEpochSecond();
        String template = readResource("user.updated.padded.json");

        Properties props = applicationProperties();
        props.setProperty(SyncSettings.WEBHOOK_SECRET, secret);
        props.setProperty(SyncSettings.CONVEX_URL, "http://127.0.0.1:3210");
        props.setProperty(SyncSettings.DATA_DIR, Files.createTempDirectory("jmh-data").toString());
        SyncSettings settings = SyncSettings.load(k -> Optional.ofNullable(props.getProperty(k)));

        // a pinned clock: the events stay inside the +-300 s window however long the run takes
        verifier = new SvixSignatureVerifier(settings.webhookSecrets(), settings.timestampTolerance(),
                Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
        parser = new ClerkEventParser();
        families = EventFamilyTranslator.families(settings);
        camel = new DefaultCamelContext(); // only to create exchanges; never started

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        signed = new Signed[EVENTS];
        parsed = new ClerkEvent[EVENTS];
        calls = new ConvexCall[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            String n = String.format("%020d", i);
            String body = template
                    .replace("\"user_2g7np7Hrk0SN6kj5EDMLDaKNL0S\"", "\"user_jmhbench" + n + "\"")
                    .replace("john.doe@example.com\",\"reserved\"", "u" + i + "@example.com\",\"reserved\"");
            String id = "msg_jmhbench" + n;
            String ts = Long.toString(now);
            String sig = "v1," + Base64.getEncoder().encodeToString(
                    mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
            Map<String, String> headers = new TreeMap<>(Map.of("svix-id", id, "svix-timestamp", ts,
                    "Content-Type", "application/json", "User-Agent", "Svix-Webhooks/1.24.0"));
            signed[i] = new Signed(id, ts, sig, body.getBytes(StandardCharsets.UTF_8), headers);
            verifier.verify(signed[i].body, id, ts, sig); // fails set-up if the harness signs differently
            parsed[i] = parser.parse(id, signed[i].body, headers);
            calls[i] = route(parsed[i]);
        }
    }

    private ConvexCall route(ClerkEvent event) {
        // what the intake and EventTypeRouter do for a user event: the parsed event on the exchange, the type
        // decision of the content-based router, the translator's Convex call as the message body
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(ClerkEvent.PROPERTY, event);
        exchange.setProperty(ClerkEvent.TYPE_PROPERTY, event.type());
        // the router's branches in its order: the first family with a function for the type translates it
        for (EventFamilyTranslator family : families) {
            if (family.handles(exchange)) {
                family.process(exchange);
                return exchange.getMessage().getBody(ConvexCall.class);
            }
        }
        throw new IllegalStateException("the benchmark only sends the product's event types, got " + event.type());
    }

    private int index() {
        int i = next;
        next = (i + 1) & (EVENTS - 1);
        return i;
    }

    @Benchmark
    public String verify() {
        Signed s = signed[index()];
        return verifier.verify(s.body, s.id, s.timestamp, s.signature);
    }

    @Benchmark
    public ClerkEvent parse() {
        Signed s = signed[index()];
        return parser.parse(s.id, s.body, s.headers);
    }

    @Benchmark
    public ConvexCall route() {
        return route(parsed[index()]);
    }

    @Benchmark
    public byte[] buildRequest() {
        return ConvexRequestBuilder.requestBody(calls[index()]);
    }

    @Benchmark
    public byte[] fullPath() {
        Signed s = signed[index()];
        verifier.verify(s.body, s.id, s.timestamp, s.signature);
        ClerkEvent event = parser.parse(s.id, s.body, s.headers);
        return ConvexRequestBuilder.requestBody(route(event));
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static String readResource(String name) throws IOException {
        try (InputStream in = EventPathBenchmark.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IOException(name + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    /**
     * The runtime's application.properties (the repository's, found from the working directory, else the copy inside
     * the jar) with {{env:NAME:default}} placeholders resolved to their defaults.
     */
    static Properties applicationProperties() throws IOException {
        Properties raw = new Properties();
        Path file = locate("application.properties");
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file)) {
                raw.load(r);
            }
        } else {
            try (InputStream in = EventPathBenchmark.class.getResourceAsStream("/application.properties")) {
                if (in == null) {
                    throw new IOException("application.properties not found (run from the repository root)");
                }
                raw.load(in);
            }
        }
        Pattern env = Pattern.compile("\\{\\{env:[A-Za-z0-9_]+:?([^}]*)}}");
        Properties resolved = new Properties();
        for (String k : raw.stringPropertyNames()) {
            Matcher m = env.matcher(raw.getProperty(k));
            resolved.setProperty(k, m.replaceAll(r -> Matcher.quoteReplacement(r.group(1))));
        }
        return resolved;
    }

    private static Path locate(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate) && Files.isDirectory(dir.resolve("src"))) {
                return candidate;
            }
        }
        return null;
    }

    /** Lets the class be checked without JMH: prints one pass of the path. */
    public static void main(String[] args) throws Exception {
        EventPathBenchmark b = new EventPathBenchmark();
        b.setUp();
        byte[] request = b.fullPath();
        JsonNode tree = ClerkEventParser.JSON.readTree(request);
        System.out.println("ok: " + request.length + " bytes to Convex, path " + tree.get("path").asText()
                + ", user " + tree.get("args").get("user").get("id").asText());
    }
}
