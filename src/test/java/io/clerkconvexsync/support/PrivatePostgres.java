package io.clerkconvexsync.support;

import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of a test's own, in a temporary directory on a free port, that the test may stop and start
 * (the machine's shared server is never stopped: other work uses it). Built with the server's own initdb and pg_ctl,
 * run as the {@code postgres} user through runuser, so the test must run as root (as CI does here); elsewhere it is
 * skipped with a line saying so, and fails under CI=true.
 */
public final class PrivatePostgres implements AutoCloseable {

    public final int port = AvailablePortFinder.getNextAvailable();
    private final Path dir;
    private final Path bin;

    public PrivatePostgres() throws Exception {
        bin = serverBin();
        dir = Files.createTempDirectory("ccs-private-pg");
        run("chown", "postgres", dir.toString());
        runAsPostgres(bin.resolve("initdb").toString(), "-D", data(), "-A", "trust", "-U", "postgres", "--no-sync");
        start();
    }

    private static Path serverBin() {
        String problem = null;
        Path bin = null;
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            bin = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.naturalOrder()).orElse(null);
        } catch (IOException e) {
            problem = "no /usr/lib/postgresql";
        }
        if (bin == null && problem == null) {
            problem = "no initdb under /usr/lib/postgresql";
        }
        if (problem == null && !Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
            problem = "no runuser";
        }
        if (problem == null && !"root".equals(System.getProperty("user.name"))) {
            problem = "not running as root, so runuser cannot start a cluster as postgres";
        }
        if (problem != null) {
            String message = "a private PostgreSQL cluster cannot be started (" + problem + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + ": CI=true requires this test to run");
            }
            System.err.println("SKIPPED PostgreSQL restart test: " + message);
            Assumptions.abort(message);
        }
        return bin;
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public void start() throws Exception {
        runAsPostgres(bin.resolve("pg_ctl").toString(), "-D", data(), "-l", dir.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "-w", "start");
    }

    /** A fast shutdown: open connections are cut, as in a failover. */
    public void stop() throws Exception {
        runAsPostgres(bin.resolve("pg_ctl").toString(), "-D", data(), "-m", "fast", "-w", "stop");
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private static void runAsPostgres(String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(Arrays.asList(command));
        run(full.toArray(String[]::new));
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } catch (IllegalStateException alreadyStopped) {
            // stopped by the test: nothing to do
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
