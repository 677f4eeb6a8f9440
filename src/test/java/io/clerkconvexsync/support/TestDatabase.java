package io.clerkconvexsync.support;

import com.zaxxer.hikari.HikariDataSource;
import io.clerkconvexsync.config.StorageSettings;
import io.clerkconvexsync.store.StoreDatabase;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fresh, migrated database of its own for one test, on either engine the runtime supports: an in-memory H2, or a
 * database created for the test on the machine's PostgreSQL (127.0.0.1:5432 unless TEST_POSTGRES_URL names another
 * server's maintenance database) and dropped after it. When PostgreSQL cannot be reached the test is skipped with a
 * line saying so, except under CI=true, where it fails: CI must run the PostgreSQL tests, not skip them.
 */
public final class TestDatabase implements AutoCloseable {

    public enum Engine { H2, POSTGRESQL }

    public static final String SERVER = Optional.ofNullable(System.getenv("TEST_POSTGRES_URL"))
            .orElse("jdbc:postgresql://127.0.0.1:5432/postgres");
    public static final String USER = Optional.ofNullable(System.getenv("TEST_POSTGRES_USER")).orElse("postgres");

    private final Engine engine;
    private final String name;
    private final StorageSettings settings;
    private final List<HikariDataSource> pools = new CopyOnWriteArrayList<>(); // instances may open at once

    private TestDatabase(Engine engine, String name, StorageSettings settings) {
        this.engine = engine;
        this.name = name;
        this.settings = settings;
    }

    public static TestDatabase create(Engine engine) {
        String name = "ccs_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        if (engine == Engine.H2) {
            return new TestDatabase(engine, name, settings("jdbc:h2:mem:" + name, "sa"));
        }
        requirePostgres();
        try (Connection c = DriverManager.getConnection(SERVER, USER, ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the test database " + name, e);
        }
        return new TestDatabase(engine, name, settings(SERVER.substring(0, SERVER.lastIndexOf('/') + 1) + name, USER));
    }

    /** Whether the PostgreSQL server answers; fails under CI=true when it does not, else skips with a line saying so. */
    public static void requirePostgres() {
        String problem = postgresProblem();
        if (problem == null) {
            return;
        }
        String message = "PostgreSQL at " + SERVER + " is unreachable (" + problem + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + ": CI=true requires the PostgreSQL tests to run");
        }
        System.err.println("SKIPPED PostgreSQL tests: " + message);
        Assumptions.abort(message + ": skipping this PostgreSQL test");
    }

    private static String postgresProblem() {
        try (Connection c = DriverManager.getConnection(SERVER + "?connectTimeout=3", USER, "")) {
            return c.isValid(3) ? null : "no answer";
        } catch (SQLException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static StorageSettings settings(String url, String user) {
        return new StorageSettings(Path.of("target"), url, false, Optional.of(user), Optional.empty(), 8,
                Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofDays(30), 1000, Duration.ofHours(1), false);
    }

    /** A pool on this database with its schema migrated: each call is one more instance sharing it. */
    public HikariDataSource open() {
        HikariDataSource pool = StoreDatabase.open(settings);
        pools.add(pool);
        return pool;
    }

    public StorageSettings settings() {
        return settings;
    }

    /** The JDBC URL a runtime (a jar process) of a test would be given. */
    public String url() {
        return settings.jdbcUrl();
    }

    public Engine engine() {
        return engine;
    }

    @Override
    public String toString() {
        return engine.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        pools.forEach(HikariDataSource::close);
        if (engine == Engine.POSTGRESQL) {
            try (Connection c = DriverManager.getConnection(SERVER, USER, ""); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                throw new IllegalStateException("could not drop the test database " + name, e);
            }
        }
    }
}
