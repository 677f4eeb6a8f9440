package io.clerkconvexsync;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.JarRuntime;
import io.clerkconvexsync.support.PrivatePostgres;
import io.clerkconvexsync.support.SignedWebhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL stopped under load and started again, on a cluster of the test's own: two instances answer 503 and
 * report themselves not ready meanwhile, then deliver again by themselves, without a restart; every webhook answered
 * 2xx is in Convex or in the dead-letter store.
 */
class PostgresRestartProcessIT {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String USER_ID = "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    record Sent(String svixId, String userId, int status, String outcome, boolean afterRestart) {
    }

    @Test
    void instancesAnswer503WhileTheDatabaseIsDownAndRecoverByThemselvesLosingNothing() throws Exception {
        try (PrivatePostgres postgres = new PrivatePostgres(); ConvexStandIn convex = new ConvexStandIn()) {
            Map<String, String> env = new HashMap<>();
            env.put("CLERK_WEBHOOK_SECRET", SECRET);
            env.put("CONVEX_URL", convex.url());
            env.put("STORAGE_JDBC_URL", postgres.url("postgres"));
            env.put("STORAGE_USERNAME", "postgres");
            env.put("DATA_DIR", work.resolve("data").toString());
            try (JarRuntime a = new JarRuntime(env, work.resolve("a.log"));
                 JarRuntime b = new JarRuntime(env, work.resolve("b.log"))) {
                Queue<Sent> sent = new ConcurrentLinkedQueue<>();
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicBoolean restarted = new AtomicBoolean(false);
                AtomicInteger counter = new AtomicInteger();
                String template = SignedWebhooks.payload("user.created.json");
                ExecutorService senders = Executors.newFixedThreadPool(2);
                List<Future<?>> sending = new ArrayList<>();
                for (JarRuntime instance : List.of(a, b)) {
                    sending.add(senders.submit(() -> {
                        SignedWebhooks clerk = instance.clerk(SECRET);
                        while (running.get()) {
                            String userId = USER_ID + "_" + counter.incrementAndGet();
                            String id = SignedWebhooks.newId();
                            boolean after = restarted.get();
                            HttpResponse<String> r = clerk.send(id, template.replace(USER_ID, userId));
                            String outcome = r.statusCode() / 100 == 2 ? JSON.readTree(r.body()).get("outcome").asText() : "";
                            sent.add(new Sent(id, userId, r.statusCode(), outcome, after));
                        }
                        return null;
                    }));
                }
                BooleanSupplier sendersFailed = () -> sending.stream().anyMatch(Future::isDone);
                try {
                    await(() -> count(sent, 200, false) >= 20, "deliveries before the stop", sendersFailed, sending, sent);
                    postgres.stop();
                    await(() -> count(sent, 503, false) >= 4, "503s while PostgreSQL is down", sendersFailed, sending, sent);
                    a.awaitStatus("/observe/health/ready", 503, Duration.ofSeconds(30));
                    b.awaitStatus("/observe/health/ready", 503, Duration.ofSeconds(30));

                    postgres.start();
                    restarted.set(true);
                    a.awaitStatus("/observe/health/ready", 200, Duration.ofSeconds(60));
                    b.awaitStatus("/observe/health/ready", 200, Duration.ofSeconds(60));
                    await(() -> count(sent, 200, true) >= 20, "deliveries after the restart, without restarting the instances",
                            sendersFailed, sending, sent);
                } finally {
                    running.set(false);
                    senders.shutdown();
                    assertTrue(senders.awaitTermination(60, TimeUnit.SECONDS), "senders stop");
                }

                System.out.println("PostgresRestartProcessIT answers by status: " + sent.stream().collect(
                        java.util.stream.Collectors.groupingBy(Sent::status, java.util.stream.Collectors.counting())));
                Set<String> inConvex = new HashSet<>();
                for (ConvexStandIn.Request r : convex.requests()) {
                    inConvex.add(JSON.readTree(r.body()).path("args").path("user").path("id").asText());
                }
                Set<String> deadLettered = deadLetteredSvixIds(postgres);
                for (Sent s : sent) {
                    assertTrue(s.status() == 200 || s.status() == 503, "only 200s and 503s: " + s);
                    if (s.status() == 200) {
                        assertTrue("delivered".equals(s.outcome()) ? inConvex.contains(s.userId())
                                : deadLettered.contains(s.svixId()), "answered 2xx but lost: " + s);
                    }
                }
            }
        }
    }

    private static long count(Queue<Sent> sent, int status, boolean afterRestart) {
        return sent.stream().filter(s -> s.status() == status && (!afterRestart || s.afterRestart())).count();
    }

    private static Set<String> deadLetteredSvixIds(PrivatePostgres postgres) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(postgres.url("postgres"), "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT svix_id FROM clerk_dead_letter")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Waits for the condition; fails at once, with the sender's exception, when a sender stopped. */
    private static void await(BooleanSupplier condition, String what, BooleanSupplier sendersFailed,
                              List<Future<?>> sending, Queue<Sent> sent) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (sendersFailed.getAsBoolean()) {
                for (Future<?> f : sending) {
                    if (f.isDone()) {
                        f.get(); // throws the sender's failure
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 60 s; answers so far by status: "
                        + sent.stream().collect(java.util.stream.Collectors.groupingBy(Sent::status,
                                java.util.stream.Collectors.counting())));
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling interval, not a wait for a result
        }
    }
}
