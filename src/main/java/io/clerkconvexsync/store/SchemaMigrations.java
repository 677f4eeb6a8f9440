package io.clerkconvexsync.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import javax.sql.DataSource;

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

    private SchemaMigrations() {
    }

    /**
     * Migrates. A database written before migrations existed (tables, no history) is baselined at version 0 and then
     * migrated like an empty one: the first script only creates what is missing, so its dead letters stay.
     *
     * @return how many scripts ran
     * @throws StoreException when the database cannot be reached or a script fails
     */
    public static int migrate(DataSource dataSource) {
        try {
            return Flyway.configure(SchemaMigrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(LOCATION)
                    .table(HISTORY_TABLE)
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate()
                    .migrationsExecuted;
        } catch (FlywayException e) {
            throw new StoreException("could not bring the database schema up to date", e);
        }
    }
}
