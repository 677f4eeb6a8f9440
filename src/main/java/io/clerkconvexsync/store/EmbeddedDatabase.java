package io.clerkconvexsync.store;

import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.config.SyncSettings;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runtime's own state (idempotency keys, dead letters) in one database reached through a pooled JDBC
 * {@link DataSource}. By default an embedded H2 file under DATA_DIR; nothing else in the code knows which database it is.
 */
public final class EmbeddedDatabase {

    private static final long DATABASE_WAIT_MS = 3_000;

    private EmbeddedDatabase() {
    }

    /**
     * Opens the pool. HikariCP keeps each connection's database session (and H2's parsed-statement cache) across
     * uses; H2's own pool handed out a new wrapper and rolled it back on every close.
     */
    public static HikariDataSource open(SyncSettings settings) {
        if (settings.jdbcUrl().startsWith("jdbc:h2:file:")) {
            ensureWritable(settings.dataDir());
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("clerk-convex-sync");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(settings.storageConnections());
        config.setMinimumIdle(1);
        // A stuck database must turn into a 503 well inside Svix's 15 s, not hold the webhook.
        config.setConnectionTimeout(DATABASE_WAIT_MS);
        return new HikariDataSource(config);
    }

    private static void ensureWritable(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new InvalidSettingException("DATA_DIR", "cannot be created (" + e.getClass().getSimpleName() + ")");
        }
        if (!Files.isWritable(dataDir)) {
            throw new InvalidSettingException("DATA_DIR", "is not writable by this process");
        }
    }
}
