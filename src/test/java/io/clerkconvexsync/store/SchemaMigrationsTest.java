package io.clerkconvexsync.store;

import com.zaxxer.hikari.HikariDataSource;
import io.clerkconvexsync.support.OnBothDatabases;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SchemaMigrationsTest extends OnBothDatabases {

    @Test
    void instancesStartingTogetherOnAnEmptyDatabaseMigrateItOnce() throws Exception {
        int instances = 8; // four sufficed to catch H2's unlocked first migration in CI, once in a while
        CountDownLatch together = new CountDownLatch(instances);
        List<Callable<HikariDataSource>> starts = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            starts.add(() -> {
                together.countDown();
                together.await(30, TimeUnit.SECONDS);
                return database.open(); // opens its pool and migrates, as an instance does at startup
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        try {
            for (Future<HikariDataSource> started : pool.invokeAll(starts, 120, TimeUnit.SECONDS)) {
                started.get(); // every instance starts: none fails on another's half-done migration
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = database.open().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"version\" FROM \"" + SchemaMigrations.HISTORY_TABLE
                     + "\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            List<String> versions = new ArrayList<>();
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
            assertEquals(List.of("1", "2", "3"), versions, "each migration ran once, whichever instance ran it");
        }
    }
}
