package io.clerkconvexsync.store;

import com.zaxxer.hikari.HikariDataSource;
import io.clerkconvexsync.config.StorageSettings;
import io.clerkconvexsync.support.OnBothDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessedRetentionTest extends OnBothDatabases {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final int OLD = 250;
    static final int RECENT = 40;

    HikariDataSource dataSource;
    StorageSettings settings;

    @BeforeEach
    void open() throws Exception {
        dataSource = database.open();
        StorageSettings s = database.settings();
        // small batches, so that a sweep takes several
        settings = new StorageSettings(s.dataDir(), s.jdbcUrl(), false, s.username(), s.password(), s.maxConnections(),
                s.connectionTimeout(), s.queryTimeout(), Duration.ofDays(30), 30, s.retentionInterval(),
                s.processedDurableCommit());
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO clerk_processed_webhook (svix_id, processed_at) VALUES (?, ?)")) {
            for (int i = 0; i < OLD; i++) {
                insert(ps, "msg_old_" + i, NOW.minus(Duration.ofDays(31)).minusSeconds(i));
            }
            for (int i = 0; i < RECENT; i++) {
                insert(ps, "msg_recent_" + i, NOW.minus(Duration.ofDays(29)).plusSeconds(i));
            }
            ps.executeBatch();
        }
    }

    private static void insert(PreparedStatement ps, String id, Instant at) throws Exception {
        ps.setString(1, id);
        ps.setTimestamp(2, Timestamp.from(at));
        ps.addBatch();
    }

    @Test
    void forgetsIdsOlderThanTheRetentionInBatchesAndKeepsRecentOnes() throws Exception {
        ProcessedRetention retention = new ProcessedRetention(dataSource, new JdbcLeaseStore(dataSource), CLOCK, settings, "one");
        assertEquals(OLD, retention.sweep(), "every id older than 30 days is deleted, across several batches of 30");
        assertEquals(List.of(RECENT, 0), List.of(count("msg_recent_%"), count("msg_old_%")), "recent ids stay, old ones go");
        assertEquals(0, retention.sweep(), "nothing left to forget");
    }

    @Test
    void twoInstancesSweepingAtOnceForgetEveryOldIdOnceAndKeepRecentOnes() throws Exception {
        HikariDataSource second = database.open();
        List<Callable<Integer>> sweeps = List.of(
                () -> new ProcessedRetention(dataSource, new JdbcLeaseStore(dataSource), CLOCK, settings, "a").sweep(),
                () -> new ProcessedRetention(second, new JdbcLeaseStore(second), CLOCK, settings, "b").sweep());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            int total = 0;
            for (Future<Integer> sweep : pool.invokeAll(sweeps, 60, TimeUnit.SECONDS)) {
                total += sweep.get();
            }
            assertTrue(total <= OLD, "no id is counted as deleted twice: " + total);
            assertEquals(List.of(RECENT, 0), List.of(count("msg_recent_%"), count("msg_old_%")),
                    "after both sweeps the old ids are gone and the recent ones stay");
        } finally {
            pool.shutdownNow();
        }
        assertTrue(new JdbcLeaseStore(dataSource).current(ProcessedRetention.LEASE, NOW).isEmpty(),
                "the sweep's lease is given back");
    }

    private int count(String pattern) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM clerk_processed_webhook WHERE svix_id LIKE ?")) {
            ps.setString(1, pattern);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
