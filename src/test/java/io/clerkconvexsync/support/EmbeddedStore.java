package io.clerkconvexsync.support;

import com.zaxxer.hikari.HikariDataSource;
import io.clerkconvexsync.config.StorageSettings;
import io.clerkconvexsync.store.StoreDatabase;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * A DATA_DIR's embedded database prepared by a test (seeded or empty) and then shut, so that the jar started next opens
 * the file itself, as a command run beside no runtime does, rather than through this JVM's AUTO_SERVER.
 */
public final class EmbeddedStore {

    /** What the test writes into the open store. */
    public interface Writes {
        void into(HikariDataSource pool) throws Exception;
    }

    private EmbeddedStore() {
    }

    public static void prepare(Path dataDir, Writes writes) throws Exception {
        Map<String, String> p = Map.of("storage.data-dir", dataDir.toString(), "storage.max-connections", "2",
                "storage.connection-timeout-ms", "3000", "storage.query-timeout-ms", "10000",
                "storage.processed-retention", "30d", "storage.retention-batch-size", "1000",
                "storage.retention-interval", "1h", "storage.h2-cache-kib", "2048", "storage.processed-durable-commit", "false");
        try (HikariDataSource pool = StoreDatabase.open(StorageSettings.load(key -> Optional.ofNullable(p.get(key))))) {
            writes.into(pool);
            Connection c = pool.getConnection();
            c.createStatement().execute("SHUTDOWN");
            try {
                c.close();
            } catch (SQLException closedByTheShutdown) {
                // the pool's rollback on return finds the database closed, which was the point
            }
        }
    }
}
