package io.clerkconvexsync.store;

import com.zaxxer.hikari.HikariDataSource;
import io.clerkconvexsync.support.OnBothDatabases;
import io.clerkconvexsync.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdbcProcessedWebhooksTest extends OnBothDatabases {

    HikariDataSource dataSource;
    Optional<HikariDataSource> commits;
    JdbcProcessedWebhooks store;

    @BeforeEach
    void open() {
        dataSource = database.open();
        // as the runtime wires it: on PostgreSQL the group commit writes through its own pool
        commits = StoreDatabase.openGroupCommitPool(database.settings());
        store = new JdbcProcessedWebhooks(dataSource, commits.orElse(dataSource), Clock.systemUTC());
    }

    @AfterEach
    void closeCommits() {
        commits.ifPresent(HikariDataSource::close);
    }

    /** Only the processed-id writes skip PostgreSQL's flush; dead letters and leases go through the store's own pool. */
    @Test
    void onlyTheGroupCommitPoolCommitsWithoutFlushOnPostgres() throws Exception {
        assertEquals(database.engine() == TestDatabase.Engine.POSTGRESQL, commits.isPresent());
        if (commits.isPresent()) {
            assertEquals("off", synchronousCommit(commits.get()));
            assertEquals("on", synchronousCommit(dataSource));
        }
    }

    private static String synchronousCommit(HikariDataSource pool) throws Exception {
        try (Connection c = pool.getConnection(); ResultSet rs = c.createStatement().executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void remembersAnIdOnceAndReportsTheSecondAddAsDuplicate() {
        assertFalse(store.contains("msg_1"));
        assertTrue(store.add("msg_1"), "the first add stores the id");
        assertTrue(store.contains("msg_1"));
        assertFalse(store.add("msg_1"), "a second add of the same id is a duplicate");
        assertTrue(store.remove("msg_1"));
        assertFalse(store.contains("msg_1"));
    }

    /** Many threads at once, with repeats: every id stored exactly once, exactly one add of each reported as new. */
    @Test
    void concurrentAddsShareCommitsWithoutLosingOrDoublingAnId() throws Exception {
        store.add("msg_already_there"); // forces the one-by-one path for any batch that repeats it
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Boolean>> results = new ArrayList<>();
        int distinct = 400;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < distinct; i++) {
                String id = "msg_" + i;
                results.add(pool.submit((Callable<Boolean>) () -> store.add(id)));
            }
            results.add(pool.submit((Callable<Boolean>) () -> store.add("msg_already_there")));
        }
        long inserted = 0;
        for (Future<Boolean> result : results) {
            if (result.get(30, TimeUnit.SECONDS)) {
                inserted++;
            }
        }
        pool.shutdown();
        assertEquals(distinct, inserted, "each new id reported as new exactly once");
        try (Connection c = dataSource.getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM clerk_processed_webhook")) {
            rs.next();
            assertEquals(distinct + 1, rs.getInt(1), "every id stored, none twice");
        }
        for (int i = 0; i < distinct; i++) {
            assertTrue(store.contains("msg_" + i), "msg_" + i + " was lost");
        }
    }
}
