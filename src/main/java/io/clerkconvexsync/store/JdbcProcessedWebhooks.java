package io.clerkconvexsync.store;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The svix-ids already processed, as a Camel {@link IdempotentRepository} on plain JDBC.
 *
 * <p>Written here rather than taken from camel-sql's JdbcMessageIdRepository because that one runs every lookup and
 * insert in its own Spring transaction (a COUNT query, then a second query and the insert): profiling the benchmark
 * showed it as a quarter of the runtime's CPU per webhook. Here a lookup is one indexed SELECT and inserts of
 * concurrent webhooks share one commit, in SQL that H2 and PostgreSQL both accept. Its table comes from
 * {@link SchemaMigrations}; {@link ProcessedRetention} forgets old ids.
 */
public final class JdbcProcessedWebhooks extends ServiceSupport implements IdempotentRepository {

    private static final String SELECT = "SELECT 1 FROM clerk_processed_webhook WHERE svix_id = ?";
    private static final String INSERT = "INSERT INTO clerk_processed_webhook (svix_id, processed_at) VALUES (?, ?)";
    private static final String DELETE = "DELETE FROM clerk_processed_webhook WHERE svix_id = ?";

    private final DataSource dataSource;
    private final Clock clock;
    private final Queue<PendingId> pending = new ConcurrentLinkedQueue<>();
    private final ReentrantLock commitLock = new ReentrantLock();

    public JdbcProcessedWebhooks(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public boolean contains(String svixId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setString(1, svixId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StoreException("could not look up a processed webhook", e);
        }
    }

    /**
     * Records the id; returns false when it was already there (another attempt of the same message finished
     * first). Concurrent callers share one commit: see {@link #commitPending()}.
     */
    @Override
    public boolean add(String svixId) {
        PendingId mine = new PendingId(svixId);
        pending.add(mine);
        commitLock.lock();
        try {
            if (!mine.settled) {
                commitPending();
            }
        } finally {
            commitLock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.inserted;
    }

    /**
     * Group commit, written here because no JDBC library does it: whoever holds the lock writes every id queued so
     * far in one transaction, so webhooks that finish together pay for one commit instead of one each (a commit that
     * is written at once, as PostgreSQL's is, costs a disk write). Callers that queued meanwhile find their id settled
     * when they get the lock.
     */
    private void commitPending() {
        List<PendingId> batch = new ArrayList<>();
        for (PendingId next; (next = pending.poll()) != null; ) {
            batch.add(next);
        }
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = dataSource.getConnection()) {
            try {
                insertTogether(c, batch, now);
            } catch (SQLException alreadyThere) {
                // One id of the batch is stored already (a retry racing its first attempt): one by one, then.
                insertOneByOne(c, batch, now);
            }
        } catch (SQLException e) {
            StoreException failure = new StoreException("could not record processed webhooks", e);
            batch.forEach(p -> p.fail(failure));
        }
    }

    private static void insertTogether(Connection c, List<PendingId> batch, Timestamp now) throws SQLException {
        Set<String> unique = new HashSet<>();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (PendingId p : batch) {
                if (unique.add(p.svixId)) {
                    ps.setString(1, p.svixId);
                    ps.setTimestamp(2, now);
                    ps.addBatch();
                }
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        unique.clear();
        batch.forEach(p -> p.settle(unique.add(p.svixId)));
    }

    private static void insertOneByOne(Connection c, List<PendingId> batch, Timestamp now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(INSERT); PreparedStatement select = c.prepareStatement(SELECT)) {
            for (PendingId p : batch) {
                try {
                    insert.setString(1, p.svixId);
                    insert.setTimestamp(2, now);
                    p.settle(insert.executeUpdate() == 1);
                } catch (SQLException e) {
                    select.setString(1, p.svixId);
                    try (ResultSet rs = select.executeQuery()) {
                        if (rs.next()) {
                            p.settle(false);
                        } else {
                            p.fail(new StoreException("could not record a processed webhook", e));
                        }
                    }
                }
            }
        }
    }

    /** One caller's id on its way to the database; written and read under {@link #commitLock}. */
    private static final class PendingId {
        final String svixId;
        boolean settled;
        boolean inserted;
        StoreException failure;

        PendingId(String svixId) {
            this.svixId = svixId;
        }

        void settle(boolean wasInserted) {
            inserted = wasInserted;
            settled = true;
        }

        void fail(StoreException e) {
            failure = e;
            settled = true;
        }
    }

    @Override
    public boolean remove(String svixId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setString(1, svixId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("could not remove a processed webhook", e);
        }
    }

    @Override
    public boolean confirm(String svixId) {
        return true;
    }

    @Override
    public void clear() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM clerk_processed_webhook");
        } catch (SQLException e) {
            throw new StoreException("could not clear the processed webhooks", e);
        }
    }
}
