import com.svix.Webhook;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The training workload behind the start-up archive (bin/build-aot-cache): starts the jar with the command it is
 * given (the JVM options that record the AOT cache or the CDS archive), webhooks signed with svix-java's
 * {@code Webhook.sign} through it to a Convex stand-in (the JDK's own HTTP server answering as Convex does), a few
 * refused ones and health and metrics reads, then stops it with SIGTERM, as a supervisor would, so that the JVM writes
 * the archive on its way out.
 *
 * <p>Run by the source launcher with the jar on the class path (svix-java and the sample events come from it):
 * {@code java -cp target/clerk-convex-sync.jar bin/AotTraining.java EVENTS LOG -- java OPTIONS -jar JAR}.
 * Java 17 syntax: the same program trains the Java 17 fallback's archive.
 */
public final class AotTraining {
    static final String SECRET = "whsec_Y2xhc3MtZGF0YS1zaGFyaW5nLXRyYWluaW5n"; // throwaway: only this run knows it
    static final String[] SAMPLES = {"user.updated", "user.updated", "user.created", "user.updated", "user.deleted",
            "organization.created", "organization.updated", "organization.deleted",
            "organizationMembership.created", "organizationMembership.updated", "organizationMembership.deleted"};
    static final String SUCCESS = "{\"status\":\"success\",\"value\":null}";

    public static void main(String[] args) throws Exception {
        int events = Integer.parseInt(args[0]);
        Path log = Path.of(args[1]);
        List<String> command = List.of(args).subList(3, args.length); // args[2] is "--"

        HttpServer convex = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        AtomicInteger convexCalls = new AtomicInteger();
        convex.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            convexCalls.incrementAndGet();
            byte[] body = SUCCESS.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        convex.setExecutor(Executors.newFixedThreadPool(4));
        convex.start();

        int port = freePort();
        int management = freePort();
        Path data = Files.createTempDirectory("aot-training-data");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("CLERK_WEBHOOK_SECRET", SECRET);
        builder.environment().put("CONVEX_URL", "http://127.0.0.1:" + convex.getAddress().getPort());
        builder.environment().put("CONVEX_DEPLOY_KEY", "prod:aot-training|dHJhaW5pbmctb25seQ==");
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("MANAGEMENT_PORT", String.valueOf(management));
        builder.environment().put("DATA_DIR", data.toString());
        Process runtime = builder.start();
        int exit;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            awaitHealthy(client, runtime, management, log);
            long started = System.nanoTime();
            int refused = send(client, port, events);
            for (String path : List.of("/observe/health", "/observe/health/ready", "/observe/metrics")) {
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + path)).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            System.out.printf("training: %d webhooks in %.1f s (%d refused as meant), %d Convex calls%n", events,
                    (System.nanoTime() - started) / 1e9, refused, convexCalls.get());
            runtime.destroy(); // SIGTERM: the graceful stop, after which the JVM writes the archive
            if (!runtime.waitFor(600, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the runtime did not stop within 600 s of SIGTERM; see " + log);
            }
            exit = runtime.exitValue();
        } finally {
            runtime.destroyForcibly();
            convex.stop(0);
            ((ExecutorService) convex.getExecutor()).shutdownNow();
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (exit != 0) {
            throw new IllegalStateException("the runtime exited with " + exit + "; see " + log);
        }
    }

    /** Signed webhooks from 8 connections at once, every 50th with a bad signature; how many were refused. */
    static int send(HttpClient client, int port, int events) throws Exception {
        List<String> bodies = new ArrayList<>();
        for (String type : SAMPLES) {
            try (InputStream in = AotTraining.class.getClassLoader().getResourceAsStream("samples/" + type + ".json")) {
                bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        Webhook signer = new Webhook(SECRET);
        URI url = URI.create("http://127.0.0.1:" + port + "/clerk-webhook");
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < 8; s++) {
                done.add(senders.submit(() -> {
                    for (int i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                        String body = bodies.get(i % bodies.size());
                        String id = "msg_aot_training_" + i;
                        long now = System.currentTimeMillis() / 1000;
                        String signature = i % 50 == 49 ? "v1,bm90IHRoZSBzaWduYXR1cmU=" : signer.sign(id, now, body);
                        HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(url)
                                .header("Content-Type", "application/json").header("svix-id", id)
                                .header("svix-timestamp", Long.toString(now)).header("svix-signature", signature)
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                        boolean meant = (i % 50 == 49) == (answer.statusCode() == 400);
                        if (!meant || answer.statusCode() >= 500) {
                            throw new IllegalStateException("webhook " + i + " answered " + answer.statusCode());
                        }
                        if (answer.statusCode() == 400) refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            senders.shutdownNow();
        }
        return refused.get();
    }

    static void awaitHealthy(HttpClient client, Process runtime, int management, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/observe/health"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline && runtime.isAlive()) {
            try {
                if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException notListeningYet) {
                // poll again
            }
            Thread.sleep(50); // polling interval while the JVM starts
        }
        throw new IllegalStateException("the runtime was not healthy within 180 s (alive: " + runtime.isAlive() + "); see " + log);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
