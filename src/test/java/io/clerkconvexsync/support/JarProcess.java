package io.clerkconvexsync.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar started as the README starts it ({@code bin/clerk-convex-sync}, from the repository root: the options
 * file for its Java and the start-up archive the build made), on the Java running the tests (JAVA_HOME, which the
 * launcher honours) unless a test names another, with an environment of the test's choosing and its output in a log
 * file.
 */
public final class JarProcess implements AutoCloseable {
    public static final Path JAR = Path.of("target/clerk-convex-sync.jar");

    private final Process process;
    private final Path log;

    private JarProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the jar with exactly {@code env} (plus PATH and JAVA_HOME), extra JVM options after the file's. */
    public static JarProcess start(Map<String, String> env, Path log, List<String> jvmOptions, String... args)
            throws IOException {
        return start(Path.of(System.getProperty("java.home")), env, log, jvmOptions, args);
    }

    /** The same on the Java at {@code javaHome}. */
    public static JarProcess start(Path javaHome, Map<String, String> env, Path log, List<String> jvmOptions,
            String... args) throws IOException {
        ProcessBuilder builder = launcher(javaHome, env, jvmOptions, args).redirectErrorStream(true).redirectOutput(log.toFile());
        return new JarProcess(builder.start(), log);
    }

    /** The README's command for {@code args}, with exactly {@code env} (plus PATH and JAVA_HOME); not started. */
    public static ProcessBuilder launcher(Path javaHome, Map<String, String> env, List<String> jvmOptions, String... args) {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException("run through 'mvnw verify' so that the jar is built first");
        }
        List<String> command = new ArrayList<>(List.of(Path.of("bin/clerk-convex-sync").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().put("JAVA_HOME", javaHome.toString());
        if (!jvmOptions.isEmpty()) {
            builder.environment().put("CLERK_CONVEX_SYNC_JAVA_OPTS", String.join(" ", jvmOptions));
        }
        builder.environment().putAll(env);
        return builder;
    }

    /** Waits for it to exit by itself; its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the process did not exit within " + timeout + "; output: " + output());
        }
        return process.exitValue();
    }

    /** Waits until the management port answers health UP. */
    public void awaitHealthy(int managementPort, Duration timeout) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // poll again
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval while the JVM starts
        }
        throw new AssertionError("not healthy within " + timeout + " (alive: " + process.isAlive() + "); output: " + output());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
