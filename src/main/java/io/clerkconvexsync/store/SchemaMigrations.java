package io.clerkconvexsync.store;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Brings the runtime's tables to the version this jar expects, with Flyway and the scripts in
 * {@code db/migration} (one set for H2 and PostgreSQL). Every instance runs it at startup, and of several instances
 * starting together one migrates and the others find the work done: on PostgreSQL Flyway holds an advisory lock while
 * it migrates; on H2 its lock is a {@code SELECT ... FOR UPDATE} on the history table, which locks nothing while that
 * table is empty, so there the runtime holds a lock of its own around the whole migration (see {@link #H2_LOCK_TABLE}).
 */
public final class SchemaMigrations {

    /** Flyway's own bookkeeping, named like the runtime's tables so that a shared database shows whose it is. */
    static final String HISTORY_TABLE = "clerk_schema_history";
    private static final String LOCATION = "classpath:db/migration";
    /** A table every database of the release before migrations has. */
    private static final String FIRST_RELEASE_TABLE = "clerk_processed_webhook";
    /**
     * One row that an H2 instance locks for the length of its migration. Written by hand because Flyway's own H2 lock
     * does not hold on an empty database: instances then ran the first script side by side and H2 failed one of them
     * (a ConcurrentModificationException reading the history, seen in CI). Outside the migrations, since it must exist
     * before they run, and in a schema of its own, since Flyway refuses to migrate a schema that has tables and no
     * history.
     */
    static final String H2_LOCK_TABLE = "\"clerk_migration\".\"lock\"";
    /** H2's "timeout trying to lock table" error code. */
    private static final int H2_LOCK_TIMEOUT = 50200;
    /** How often creating the lock table may fail before startup does: H2's concurrent-DDL races clear at once. */
    private static final int CREATION_ATTEMPTS = 5;

    private SchemaMigrations() {
    }

    /**
     * Migrates. A database written before migrations existed (the first release's tables, no history) is baselined at
     * version 0 and then migrated like an empty one: the first script only creates what is missing, so its dead letters
     * stay.
     *
     * <p>The baseline is decided here rather than with Flyway's baselineOnMigrate: that one also fires for an instance
     * that finds the history table another instance has just created and not yet filled, and fails it ("already exists,
     * and is empty"). Only an embedded H2 can hold first-release tables, and there the decision is taken under the
     * runtime's own lock; everything else waits on Flyway's migration lock.
     *
     * @return how many scripts ran
     * @throws StoreException when the database cannot be reached, another instance holds the lock longer than Flyway
     *                        would wait for its own, or a script fails
     */
    public static int migrate(HikariDataSource dataSource) {
        try {
            Flyway flyway = Flyway.configure(SchemaMigrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(LOCATION)
                    .table(HISTORY_TABLE)
                    .baselineVersion("0")
                    .load();
            if (!dataSource.getJdbcUrl().startsWith("jdbc:h2:")) {
                return flyway.migrate().migrationsExecuted;
            }
            // beside the pool, whose every connection Flyway may need (it takes two; the CLI's pool has two)
            try (Connection lock = DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(),
                    dataSource.getPassword())) {
                holdH2Lock(lock, Duration.ofSeconds(flyway.getConfiguration().getLockRetryCount()));
                try {
                    if (firstReleaseWithoutHistory(dataSource)) {
                        flyway.baseline();
                    }
                    return flyway.migrate().migrationsExecuted;
                } finally {
                    lock.rollback(); // releases the row for the next instance
                }
            }
        } catch (FlywayException e) {
            throw new StoreException("could not bring the database schema up to date", e);
        } catch (SQLException e) {
            throw new StoreException("could not take the schema migration lock", e);
        }
    }

    /**
     * Locks the one row of {@link #H2_LOCK_TABLE} in an open transaction on {@code lock}, creating it if missing.
     * Waits as long as Flyway waits for its own lock on PostgreSQL, in H2's lock-timeout steps (a failed statement
     * leaves H2's transaction open); an instance that dies mid-migration releases the row with its session.
     */
    private static void holdH2Lock(Connection lock, Duration patience) throws SQLException {
        long deadline = System.nanoTime() + patience.toNanos();
        createH2Lock(lock, deadline);
        lock.setAutoCommit(false);
        while (true) {
            try (Statement s = lock.createStatement()) {
                s.executeQuery("SELECT id FROM " + H2_LOCK_TABLE + " WHERE id = 1 FOR UPDATE").close();
                return;
            } catch (SQLException e) {
                if (!waitedOut(e, deadline)) {
                    throw e;
                }
            }
        }
    }

    /** Whether {@code e} is H2's lock timeout with time left before {@code deadline}: then the statement is tried again. */
    private static boolean waitedOut(SQLException e, long deadline) {
        return e.getErrorCode() == H2_LOCK_TIMEOUT && System.nanoTime() <= deadline;
    }

    /**
     * The lock's schema, table and row, each created unless there. The DDL waits on H2's schema lock, which another
     * instance's migration holds, so a lock timeout is waited out as above; and H2 can fail one of two sessions running
     * the same CREATE ... IF NOT EXISTS at once ("object already exists"), so another failure is tried again, a few
     * times.
     */
    private static void createH2Lock(Connection lock, long deadline) throws SQLException {
        int failures = 0;
        while (true) {
            try (Statement s = lock.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS \"clerk_migration\"");
                s.execute("CREATE TABLE IF NOT EXISTS " + H2_LOCK_TABLE + " (id INT NOT NULL PRIMARY KEY)");
                s.execute("INSERT INTO " + H2_LOCK_TABLE + " SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM " + H2_LOCK_TABLE + ")");
                return;
            } catch (SQLException e) {
                if (!waitedOut(e, deadline) && ++failures >= CREATION_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static boolean firstReleaseWithoutHistory(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return exists(c, FIRST_RELEASE_TABLE) && !exists(c, "\"" + HISTORY_TABLE + "\"");
        } catch (SQLException e) {
            throw new StoreException("could not read the database schema", e);
        }
    }

    /** Asked of the table itself, so that H2's upper-case and PostgreSQL's lower-case catalogues need no care. */
    private static boolean exists(Connection c, String table) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0")) {
            return true;
        } catch (SQLException missing) {
            return false;
        }
    }
}
