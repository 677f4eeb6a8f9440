package io.clerkconvexsync;

import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.EmbeddedStore;
import io.clerkconvexsync.support.JarProcess;
import io.clerkconvexsync.support.SignedWebhooks;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 25: the suite runs on Java 25 (.ci/run), so the README's command is also started here on the Java 17 a user may
 * still have (jvm17.options: no option a Java 17 refuses), and issue 21, finding 10: whatever the JVM says about a
 * start-up archive it cannot use goes to standard error, never ahead of a command's own output on standard output.
 */
class JavaVersionsProcessIT {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final Pattern FEATURE = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    @TempDir
    Path work;

    @Test
    void onJava17TheReadmeCommandStartsDeliversASignedWebhookAndStops() throws Exception {
        Path java17 = java17Home();
        try (ConvexStandIn convex = new ConvexStandIn()) {
            int port = AvailablePortFinder.getNextAvailable();
            int management = AvailablePortFinder.getNextAvailable();
            Map<String, String> env = Map.of("CLERK_WEBHOOK_SECRET", SECRET, "CONVEX_URL", convex.url(),
                    "PORT", String.valueOf(port), "MANAGEMENT_PORT", String.valueOf(management),
                    "DATA_DIR", work.resolve("data").toString());
            try (JarProcess runtime = JarProcess.start(java17, env, work.resolve("runtime17.log"), List.of())) {
                runtime.awaitHealthy(management, Duration.ofSeconds(90));
                String id = SignedWebhooks.newId();
                var answer = new SignedWebhooks("http://127.0.0.1:" + port + "/clerk-webhook", SECRET)
                        .send(id, SignedWebhooks.payload("user.created.json"));
                assertEquals(200, answer.statusCode(), answer.body());
                assertEquals(1, convex.requests().size(), "the webhook reached Convex");
                runtime.terminate();
                assertEquals(0, runtime.awaitExit(Duration.ofSeconds(60)), "a graceful stop exits 0: " + runtime.output());
                assertFalse(runtime.output().contains("Unrecognized VM option"), runtime.output());
            }
        }
    }

    @Test
    void whatTheJvmSaysAboutAnArchiveItCannotUseGoesToStandardError() throws Exception {
        // the archive the build made for this Java, mapped for a copy of the jar elsewhere: it no longer matches
        boolean aot = Runtime.version().feature() >= 25;
        Path archive = Path.of(aot ? "target/clerk-convex-sync.aot" : "target/clerk-convex-sync.jsa");
        assumeTrue(Files.exists(archive), "the build made no " + archive + " (built with -DskipAotCache?)");
        Path jar = Files.copy(JarProcess.JAR, work.resolve("elsewhere.jar"));
        Path data = work.resolve("data");
        EmbeddedStore.prepare(data, pool -> { });

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                aot ? "@jvm.options" : "@jvm17.options",
                (aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive, "-jar", jar.toString(), "dead-letters", "list"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(work.resolve("stdout.txt").toFile()).redirectError(work.resolve("stderr.txt").toFile());
        builder.environment().put("CLERK_WEBHOOK_SECRET", SECRET);
        builder.environment().put("CONVEX_URL", "http://127.0.0.1:9");
        builder.environment().put("DATA_DIR", data.toString());
        Process p = builder.start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the command ends");
        String out = Files.readString(work.resolve("stdout.txt"));
        String err = Files.readString(work.resolve("stderr.txt"));
        assertEquals(0, p.exitValue(), out + err);

        assertTrue(err.contains(aot ? "AOT cache" : "Unable to use shared archive"), "the JVM said why: " + err);
        List<String> lines = out.lines().toList();
        assertEquals(2, lines.size(), "only the command's output on standard output: " + out);
        assertTrue(lines.get(0).startsWith("id\t"), out);
        assertEquals("0 dead letter(s)", lines.get(1), out);
    }

    /** A Java 17 on this machine: -Djava17.home, else one in /usr/lib/jvm; the test is skipped where there is none. */
    static Path java17Home() throws IOException {
        String named = System.getProperty("java17.home");
        if (named != null && !named.isBlank()) {
            return Path.of(named);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> homes = Files.list(jvms)) {
                for (Path home : homes.sorted().toList()) {
                    Path release = home.resolve("release");
                    if (Files.isRegularFile(release) && Files.isExecutable(home.resolve("bin/java"))) {
                        Matcher m = FEATURE.matcher(Files.readString(release));
                        if (m.find() && m.group(1).equals("17")) {
                            return home;
                        }
                    }
                }
            }
        }
        assumeTrue(false, "no Java 17 here (set -Djava17.home): the Java 17 smoke run is skipped");
        return null;
    }
}
