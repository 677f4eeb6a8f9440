package io.clerkconvexsync.store;

import io.clerkconvexsync.config.StorageSettings;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;

/**
 * Forgets processed svix-ids older than storage.processed-retention, so the table stops growing. Deletes in batches of
 * storage.retention-batch-size, each its own short transaction, so a sweep never holds many locks or a long
 * transaction beside the webhooks. Of several instances one sweeps at a time, under a lease; the others skip that run.
 */
public final class ProcessedRetention {

    static final String LEASE = "processed-retention";
    /** Renewed after every batch; a sweeper that dies leaves the next run of another instance waiting this long at most. */
    private static final Duration LEASE_TTL = Duration.ofMinutes(5);
    private static final String DELETE_OLDEST = """
            DELETE FROM clerk_processed_webhook WHERE svix_id IN (
              SELECT svix_id FROM clerk_processed_webhook WHERE processed_at < ? ORDER BY processed_at LIMIT ?)""";

    private final DataSource dataSource;
    private final LeaseStore leases;
    private final Clock clock;
    private final Duration retention;
    private final int batchSize;
    private final String holder;

    public ProcessedRetention(DataSource dataSource, LeaseStore leases, Clock clock, StorageSettings settings, String holder) {
        this.dataSource = dataSource;
        this.leases = leases;
        this.clock = clock;
        this.retention = settings.processedRetention();
        this.batchSize = settings.retentionBatchSize();
        this.holder = holder;
    }

    /**
     * One sweep: deletes batch after batch until a batch comes back short.
     *
     * @return how many ids it deleted; 0 as well when another instance holds the sweep
     */
    public int sweep() {
        if (!leases.acquire(LEASE, holder, clock.instant(), LEASE_TTL)) {
            return 0;
        }
        try {
            Timestamp cutoff = Timestamp.from(clock.instant().minus(retention));
            int total = 0;
            int deleted;
            do {
                deleted = deleteBatch(cutoff);
                total += deleted;
            } while (deleted == batchSize && leases.renew(LEASE, holder, clock.instant(), LEASE_TTL));
            return total;
        } finally {
            leases.release(LEASE, holder);
        }
    }

    private int deleteBatch(Timestamp cutoff) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DELETE_OLDEST)) {
            c.setAutoCommit(true);
            ps.setTimestamp(1, cutoff);
            ps.setInt(2, batchSize);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("could not delete old processed webhooks", e);
        }
    }
}
