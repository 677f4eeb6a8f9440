package io.clerkconvexsync.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Brings the runtime's tables to the version this jar expects, with Flyway and the scripts in
 * {@code db/migration} (one set for H2 and PostgreSQL). Every instance runs it at startup: Flyway holds a lock while it
 * migrates (an advisory lock on PostgreSQL, a table lock on H2), so of several instances starting together one migrates
 * and the others find the work done.
 */
public final class SchemaMigrations {

    /** Flyway's own bookkeeping, named like the runtime's tables so that a shared database shows whose it is. */
    static final String HISTORY_TABLE = "clerk_schema_history";
    private static final String LOCATION = "classpath:db/migration";
    /** A table every database of the release before migrations has. */
    private static final String FIRST_RELEASE_TABLE = "clerk_processed_webhook";

    private SchemaMigrations() {
    }

    /**
     * Migrates. A database written before migrations existed (the first release's tables, no history) is baselined at
     * version 0 and then migrated like an empty one: the first script only creates what is missing, so its dead letters
     * stay.
     *
     * <p>The baseline is decided here rather than with Flyway's baselineOnMigrate: that one also fires for an instance
     * that finds the history table another instance has just created and not yet filled, and fails it ("already exists,
     * and is empty"). Only an embedded H2 can hold first-release tables, and one process opens it first, so deciding
     * the baseline before migrating leaves no such window; everything else waits on Flyway's migration lock.
     *
     * @return how many scripts ran
     * @throws StoreException when the database cannot be reached or a script fails
     */
    public static int migrate(DataSource dataSource) {
        try {
            Flyway flyway = Flyway.configure(SchemaMigrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(LOCATION)
                    .table(HISTORY_TABLE)
                    .baselineVersion("0")
                    .load();
            if (firstReleaseWithoutHistory(dataSource)) {
                flyway.baseline();
            }
            return flyway.migrate().migrationsExecuted;
        } catch (FlywayException e) {
            throw new StoreException("could not bring the database schema up to date", e);
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
