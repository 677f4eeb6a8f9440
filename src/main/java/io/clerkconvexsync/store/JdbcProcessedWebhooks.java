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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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

    /** Ids per statement at most: one INSERT stays small even when a stall has let thousands queue up. */
    private static final int MAX_BATCH = 256;
    /** The INSERT for each number of rows, built once (statement caches of both databases key on the text). */
    private static final String[] INSERT_ROWS = new String[MAX_BATCH + 1];
    /** Batches a leader commits for others after its own before it hands the lead on: bounds its own wait. */
    private static final int LEADER_EXTRA_BATCHES = 2;

    private final DataSource dataSource;
    /** Where the group commit writes: the same database, possibly through connections that commit without a flush. */
    private final DataSource commits;
    private final Clock clock;
    private final Queue<PendingId> pending = new ConcurrentLinkedQueue<>();
    /** Held by the leader: the one caller that commits for everyone queued. */
    private final ReentrantLock commitLock = new ReentrantLock();

    public JdbcProcessedWebhooks(DataSource dataSource, Clock clock) {
        this(dataSource, dataSource, clock);
    }

    /** Looks ids up through dataSource and writes them through commits (see StoreDatabase#openGroupCommitPool). */
    public JdbcProcessedWebhooks(DataSource dataSource, DataSource commits, Clock clock) {
        this.dataSource = dataSource;
        this.commits = commits;
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
     * first). Concurrent callers share one commit.
     *
     * <p>Group commit by a leader, written here because no JDBC library does it. A caller queues its id; if no one is
     * committing it becomes the leader and writes every queued id in one statement, then any that queued meanwhile;
     * the others sleep until their id is settled. A leader hands the lead to the oldest waiter when it leaves. So
     * webhooks that finish together pay for one commit and one round trip instead of one each, and the leader pays
     * no thread hand-off at all. Both earlier forms were slower on PostgreSQL (see BENCHMARKS.md): a lock taken and
     * released by every waiter in turn (a convoy), and a writer thread (two hand-offs per webhook).
     */
    @Override
    public boolean add(String svixId) {
        PendingId mine = new PendingId(svixId);
        pending.add(mine);
        if (commitLock.tryLock() || mine.awaitSettledOrLead()) {
            lead(mine);
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.inserted;
    }

    /** Called holding {@link #commitLock}; on leaving, whoever queued meanwhile gets the lead. */
    private void lead(PendingId mine) {
        try {
            for (int extra = 0; !mine.isSettled() || (extra < LEADER_EXTRA_BATCHES && !pending.isEmpty()); ) {
                if (mine.isSettled()) {
                    extra++;
                }
                commitPending();
            }
        } finally {
            commitLock.unlock();
        }
        // After the unlock: a caller that queued while this leader held the lock and then found it taken is asleep.
        PendingId next = pending.peek();
        if (next != null) {
            next.offerLead();
        }
    }

    private void commitPending() {
        PendingId first = pending.poll();
        if (first != null) {
            commitPending(first);
        }
    }

    /** Commits first and up to {@link #MAX_BATCH} ids queued after it; called by the leader. */
    private void commitPending(PendingId first) {
        List<PendingId> batch = new ArrayList<>();
        batch.add(first);
        for (PendingId next; batch.size() < MAX_BATCH && (next = pending.poll()) != null; ) {
            batch.add(next);
        }
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = commits.getConnection()) {
            try {
                insertTogether(c, batch, now);
            } catch (SQLException alreadyThere) {
                // One id of the batch is stored already (a retry racing its first attempt): one by one, then.
                insertOneByOne(c, batch, now);
            }
        } catch (SQLException | RuntimeException e) {
            StoreException failure = new StoreException("could not record processed webhooks", e);
            batch.forEach(p -> p.fail(failure));
        }
    }

    /**
     * The batch as one multi-row INSERT in autocommit: one statement is atomic on both databases and costs one round
     * trip, where a transaction around a JDBC batch costs two (the batch, then the commit).
     */
    private static void insertTogether(Connection c, List<PendingId> batch, Timestamp now) throws SQLException {
        Set<String> unique = new LinkedHashSet<>();
        batch.forEach(p -> unique.add(p.svixId));
        try (PreparedStatement ps = c.prepareStatement(insertRows(unique.size()))) {
            int i = 0;
            for (String svixId : unique) {
                ps.setString(++i, svixId);
                ps.setTimestamp(++i, now);
            }
            ps.executeUpdate();
        }
        unique.clear();
        batch.forEach(p -> p.settle(unique.add(p.svixId)));
    }

    private static String insertRows(int rows) {
        String sql = INSERT_ROWS[rows];
        if (sql == null) {
            sql = INSERT + ", (?, ?)".repeat(rows - 1);
            INSERT_ROWS[rows] = sql; // a benign race: every thread builds the same string
        }
        return sql;
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

    /** One caller's id on its way to the database, and how its caller sleeps until it is settled or leads. */
    private final class PendingId {
        private static final int QUEUED = 0;
        private static final int LEAD = 1;
        private static final int SETTLED = 2;

        final String svixId;
        final Thread caller = Thread.currentThread();
        final AtomicInteger state = new AtomicInteger(QUEUED);
        boolean inserted;
        StoreException failure;

        PendingId(String svixId) {
            this.svixId = svixId;
        }

        boolean isSettled() {
            return state.get() == SETTLED;
        }

        /** Sleeps; true when this caller was handed the lead, which it takes once the lock is free. */
        boolean awaitSettledOrLead() {
            // uninterruptible, as the lock it replaced: an interrupt set would make park return at once (a busy loop)
            boolean interrupted = false;
            while (state.get() == QUEUED) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (state.get() == SETTLED) {
                return false;
            }
            commitLock.lock();
            return true;
        }

        void offerLead() {
            if (state.compareAndSet(QUEUED, LEAD)) {
                LockSupport.unpark(caller);
            }
        }

        void settle(boolean wasInserted) {
            inserted = wasInserted;
            wake();
        }

        void fail(StoreException e) {
            if (!isSettled()) {
                failure = e;
                wake();
            }
        }

        private void wake() {
            // a caller handed the lead meanwhile finds its id settled and commits whatever else is queued
            if (state.getAndSet(SETTLED) != SETTLED && Thread.currentThread() != caller) {
                LockSupport.unpark(caller);
            }
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
