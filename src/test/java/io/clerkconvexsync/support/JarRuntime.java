package io.clerkconvexsync.support;

import org.apache.camel.test.AvailablePortFinder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged jar running as a user runs it (from the repository root, on ports of its own), for tests of several
 * instances: its webhook and management URLs, and its log file.
 */
public final class JarRuntime implements AutoCloseable {
    public static final Path JAR = Path.of("target/clerk-convex-sync.jar");

    public final int port = AvailablePortFinder.getNextAvailable();
    public final int management = AvailablePortFinder.getNextAvailable();
    public final Path log;
    private final Process process;

    /** Starts the jar with exactly {@code env} (plus PATH, PORT and MANAGEMENT_PORT) and waits until it is healthy. */
    public JarRuntime(Map<String, String> env, Path log) throws Exception {
        this.log = log;
        Map<String, String> withPorts = new HashMap<>(env);
        withPorts.put("PORT", Integer.toString(port));
        withPorts.put("MANAGEMENT_PORT", Integer.toString(management));
        process = start(withPorts, log);
        awaitStatus("/observe/health", 200, Duration.ofSeconds(90));
    }

    /** A command of the jar ({@code dead-letters list}, ...) run to its end with exactly {@code env} (plus PATH). */
    public static Result command(Map<String, String> env, Path log, String... args) throws Exception {
        Process p = start(env, log, args);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " did not end within 90 s; see " + log);
        }
        return new Result(p.exitValue(), Files.readString(log));
    }

    /** How a command ended, and what it printed (standard output and error together). */
    public record Result(int exitCode, String output) {
    }

    private static Process start(Map<String, String> env, Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("PATH", System.getenv("PATH"));
        return builder.start();
    }

    /** Webhooks signed with {@code secret}, to this instance. */
    public SignedWebhooks clerk(String secret) {
        return new SignedWebhooks("http://127.0.0.1:" + port + "/clerk-webhook", secret);
    }

    public HttpResponse<String> management(String method, String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls a management path until it answers {@code status}, or fails after {@code within}. */
    public void awaitStatus(String path, int status, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the runtime exited with " + process.exitValue() + "; see " + log);
            }
            try {
                last = management("GET", path, null).statusCode();
                if (last == status) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet: poll again
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval, not a wait for a result
        }
        throw new AssertionError(path + " did not answer " + status + " within " + within + " (last " + last + "); see " + log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
