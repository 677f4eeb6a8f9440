package io.clerkconvexsync.store;

import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.config.SyncSettings;
import org.h2.jdbcx.JdbcConnectionPool;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runtime's own state (idempotency keys, dead letters) in one database reached through a pooled JDBC
 * {@link DataSource}. By default an embedded H2 file under DATA_DIR; nothing else in the code knows which database it is.
 */
public final class EmbeddedDatabase {

    private EmbeddedDatabase() {
    }

    /** Opens the pool; H2's own pool is enough for an embedded file. */
    public static JdbcConnectionPool open(SyncSettings settings) {
        if (settings.jdbcUrl().startsWith("jdbc:h2:file:")) {
            ensureWritable(settings.dataDir());
        }
        JdbcConnectionPool pool = JdbcConnectionPool.create(settings.jdbcUrl(), "sa", "");
        pool.setMaxConnections(settings.storageConnections());
        return pool;
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
