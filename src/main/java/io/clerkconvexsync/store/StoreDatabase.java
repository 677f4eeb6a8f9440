package io.clerkconvexsync.store;

import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.config.StorageSettings;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The runtime's own state (idempotency keys, dead letters, leases) in one database reached through a pooled JDBC
 * {@link DataSource}, its schema migrated on opening: by default an embedded H2 file under DATA_DIR, or a PostgreSQL
 * shared by several instances. Nothing else in the code knows which database it is.
 */
public final class StoreDatabase {

    private static final Duration SHORTEST_VALIDATION = Duration.ofMillis(250);
    /**
     * H2's files beside the database: its lock file (while it is open; it holds the AUTO_SERVER port and key) and its
     * trace file (H2's own error log, which may quote SQL and values). H2 creates both with the umask's mode.
     */
    static final String LOCK_FILE = "clerk-convex-sync.lock.db";
    static final String TRACE_FILE = "clerk-convex-sync.trace.db";

    private static final Logger LOG = LoggerFactory.getLogger(StoreDatabase.class);

    private StoreDatabase() {
    }

    /**
     * Opens the pool and migrates the schema. HikariCP keeps each connection's database session (and H2's
     * parsed-statement cache) across uses; H2's own pool handed out a new wrapper and rolled it back on every close.
     *
     * @throws InvalidSettingException when DATA_DIR cannot hold the embedded database
     * @throws StoreException when the database cannot be reached or migrated
     */
    public static HikariDataSource open(StorageSettings settings) {
        HikariConfig config = poolConfig(settings);
        if (settings.embedded()) {
            try {
                // made now, owner-only, so that H2 appends to it rather than create it with the umask's mode
                FileModes.createOwnerOnlyIfAbsent(settings.dataDir().resolve(TRACE_FILE));
            } catch (IOException e) {
                throw new InvalidSettingException("DATA_DIR", "cannot hold H2's trace file (" + e.getClass().getSimpleName() + ")");
            }
        }
        HikariDataSource dataSource = start(config, settings);
        try {
            SchemaMigrations.migrate(dataSource);
            if (settings.embedded()) {
                for (String file : List.of(H2Credentials.DATABASE_FILE, LOCK_FILE, TRACE_FILE)) {
                    FileModes.ownerOnly(settings.dataDir().resolve(file));
                }
            }
            return dataSource;
        } catch (RuntimeException | IOException e) {
            dataSource.close();
            throw e instanceof RuntimeException r ? r : new StoreException("could not secure the database file", e);
        }
    }

    /**
     * The pool the group commit of processed svix-ids writes through, when it differs from the store's own: on
     * PostgreSQL with {@code storage.processed-durable-commit=false}, two connections whose commits do not wait for
     * the disk flush (synchronous_commit off). That halved the time of a group's INSERT and cut the tail
     * (BENCHMARKS.md). Losing the last few ids on a database crash is harmless: the events were delivered and
     * Convex's upserts are idempotent. The embedded H2 already writes commits every 500 ms.
     *
     * @return empty when the processed svix-ids are written through the store's own pool
     */
    public static Optional<HikariDataSource> openGroupCommitPool(StorageSettings settings) {
        if (settings.processedDurableCommit() || !isPostgres(settings)) {
            return Optional.empty();
        }
        HikariConfig config = poolConfig(settings);
        config.setPoolName("clerk-convex-sync-processed-ids");
        // one leader commits at a time (JdbcProcessedWebhooks); the second covers a connection being replaced
        config.setMaximumPoolSize(2);
        config.addDataSourceProperty("options", "-c synchronous_commit=off");
        return Optional.of(start(config, settings));
    }

    /** Starts a pool; a database that cannot be reached becomes a StoreException naming where it was looked for. */
    private static HikariDataSource start(HikariConfig config, StorageSettings settings) {
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            throw new StoreException(settings.embedded() ? "the H2 database in DATA_DIR cannot be opened"
                    : "the database named by STORAGE_JDBC_URL cannot be reached or refused the login", e.getCause());
        }
    }

    private static boolean isPostgres(StorageSettings settings) {
        return settings.jdbcUrl().startsWith("jdbc:postgresql:");
    }

    /** Whether DATA_DIR holds an embedded database already. */
    public static boolean existsIn(Path dataDir) {
        return Files.exists(dataDir.resolve(H2Credentials.DATABASE_FILE));
    }

    /**
     * The pool's settings. A stuck or unreachable database must turn into a 503 well inside Svix's 15 s, never hold
     * the webhook: waits for a connection, for a new connection and for an answer on one are all bounded.
     */
    static HikariConfig poolConfig(StorageSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("clerk-convex-sync");
        config.setJdbcUrl(settings.jdbcUrl());
        if (settings.embedded()) {
            ensureWritable(settings.dataDir());
            config.setUsername(H2Credentials.USER);
            config.setPassword(H2Credentials.password(settings.dataDir(), settings.jdbcUrl()));
        } else {
            settings.username().ifPresent(config::setUsername);
            settings.password().ifPresent(config::setPassword);
        }
        config.setMaximumPoolSize(settings.maxConnections());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        Duration validation = settings.connectionTimeout().dividedBy(2);
        config.setValidationTimeout(Math.max(SHORTEST_VALIDATION.toMillis(), validation.toMillis()));
        if (isPostgres(settings)) {
            // In seconds, as PostgreSQL's driver takes them; rounded up so that a sub-second setting is not "no limit".
            long connectSeconds = Math.max(1, (settings.connectionTimeout().toMillis() + 999) / 1000);
            long answerSeconds = Math.max(1, (settings.queryTimeout().toMillis() + 999) / 1000);
            config.addDataSourceProperty("connectTimeout", Long.toString(connectSeconds));
            config.addDataSourceProperty("loginTimeout", Long.toString(connectSeconds));
            config.addDataSourceProperty("socketTimeout", Long.toString(answerSeconds));
            config.addDataSourceProperty("ApplicationName", "clerk-convex-sync");
        }
        return config;
    }

    /**
     * DATA_DIR is created owner-only (700): it holds the database and its password. One that exists keeps its mode,
     * with a warning when other users may enter it: the runtime's own files in it are 600, but what H2 adds there
     * later (a new trace file when the old one rolls over, a lock file between its creation and our chmod) follows
     * the umask, and only the directory's mode keeps those private. A warning, not a refusal: an existing deployment (a volume mounted 755)
     * keeps running after an upgrade, and the warning names the fix.
     */
    private static void ensureWritable(Path dataDir) {
        try {
            boolean existed = Files.isDirectory(dataDir);
            FileModes.createOwnerOnlyDirectory(dataDir);
            if (existed) {
                FileModes.openToOthers(dataDir).ifPresent(mode -> LOG.warn("DATA_DIR {} is open to other users (mode {}):"
                        + " files H2 adds to it follow the umask; run chmod 700 on it", dataDir.toAbsolutePath(), mode));
            }
        } catch (IOException e) {
            throw new InvalidSettingException("DATA_DIR", "cannot be created (" + e.getClass().getSimpleName() + ")");
        }
        if (!Files.isWritable(dataDir)) {
            throw new InvalidSettingException("DATA_DIR", "is not writable by this process");
        }
    }
}
