package io.clerkconvexsync.store;

import com.zaxxer.hikari.HikariDataSource;
import io.clerkconvexsync.config.StorageSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded H2 database as the runtime opens it: owner-only files, a generated password, in-place upgrades. */
class StoreDatabaseTest {

    @TempDir
    Path temp;

    static StorageSettings embedded(Path dataDir) {
        Map<String, String> p = Map.of("storage.data-dir", dataDir.toString(), "storage.max-connections", "4",
                "storage.connection-timeout-ms", "3000", "storage.query-timeout-ms", "5000",
                "storage.processed-retention", "30d", "storage.retention-batch-size", "1000",
                "storage.retention-interval", "1h", "storage.h2-cache-kib", "2048",
                "storage.processed-durable-commit", "false");
        return StorageSettings.load(key -> Optional.ofNullable(p.get(key)));
    }

    @Test
    void createsDataDirOwnerOnlyWithAPasswordOnlyItsUserCanRead() throws Exception {
        Path dataDir = temp.resolve("fresh");
        StorageSettings settings = embedded(dataDir);
        try (HikariDataSource ignored = StoreDatabase.open(settings)) {
            assertEquals("rwx------", mode(dataDir), "DATA_DIR is created with mode 700");
            assertEquals("rw-------", mode(dataDir.resolve(H2Credentials.DATABASE_FILE)), "the database file is 600");
            Path passwordFile = dataDir.resolve(H2Credentials.PASSWORD_FILE);
            assertEquals("rw-------", mode(passwordFile), "the password file is 600");
            String password = Files.readString(passwordFile).trim();
            assertTrue(password.length() >= 32, "a long random password, not a default");

            assertThrows(SQLException.class, () -> DriverManager.getConnection(settings.jdbcUrl(), "sa", "").close(),
                    "the default empty password must be refused");
            try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), "sa", password)) {
                assertTrue(c.isValid(2), "the password in DATA_DIR opens the database");
            }
        }
        try (HikariDataSource again = StoreDatabase.open(settings)) {
            assertTrue(again.getConnection().isValid(2), "a restart opens it with the same password");
        }
    }

    @Test
    void upgradesADataDirOfTheReleaseBeforeMigrationsAndKeepsItsDeadLetters() throws Exception {
        Path dataDir = temp.resolve("old");
        Files.createDirectories(dataDir);
        try (InputStream old = getClass().getResourceAsStream("/upgrade/58e32ca/" + H2Credentials.DATABASE_FILE)) {
            Files.copy(old, dataDir.resolve(H2Credentials.DATABASE_FILE));
        }
        StorageSettings settings = embedded(dataDir);
        try (HikariDataSource dataSource = StoreDatabase.open(settings)) {
            JdbcDeadLetterStore deadLetters = new JdbcDeadLetterStore(dataSource);
            assertEquals(List.of("msg_fixture_1", "msg_fixture_2", "msg_fixture_3"),
                    deadLetters.list().stream().map(DeadLetter::svixId).toList(), "the old release's dead letters are kept");
            DeadLetter first = deadLetters.list().get(0);
            assertEquals("user.created", first.eventType());
            assertTrue(first.body().contains("\"type\""), "with the body as received");
            assertEquals(1, deadLetters.history(first.id()).size(), "and their history");
            assertTrue(new JdbcProcessedWebhooks(dataSource, java.time.Clock.systemUTC()).contains("msg_fixture_1"),
                    "processed svix-ids are kept: a retry of an old message is still a duplicate");
            assertTrue(deadLetters.claim(first.id(), java.time.Instant.now(), java.time.Duration.ofMinutes(5)),
                    "the upgraded table takes replay claims");
            assertEquals(List.of("0", "1", "2", "3"), appliedVersions(dataSource), "baselined, then every migration applied");
            assertTrue(new JdbcLeaseStore(dataSource).acquire("x", "me", java.time.Instant.now(), java.time.Duration.ofSeconds(5)),
                    "the tables the old release lacked are added");
        }
        String password = Files.readString(dataDir.resolve(H2Credentials.PASSWORD_FILE)).trim();
        assertThrows(SQLException.class, () -> DriverManager.getConnection(settings.jdbcUrl(), "sa", "").close(),
                "after the upgrade the old empty password no longer opens it");
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), "sa", password)) {
            assertTrue(c.isValid(2), "the generated password does");
        }
    }

    @Test
    void aDatabaseThatRefusesTheDefaultPasswordWithoutItsFileIsANamedSettingError() throws Exception {
        Path dataDir = temp.resolve("lost");
        StorageSettings settings = embedded(dataDir);
        StoreDatabase.open(settings).close();
        Files.delete(dataDir.resolve(H2Credentials.PASSWORD_FILE));
        var e = assertThrows(io.clerkconvexsync.config.InvalidSettingException.class, () -> StoreDatabase.open(settings));
        assertTrue(e.getMessage().contains("DATA_DIR") && e.getMessage().contains(H2Credentials.PASSWORD_FILE), e.getMessage());
        try (var left = Files.list(dataDir)) {
            assertFalse(left.anyMatch(f -> f.getFileName().toString().startsWith(H2Credentials.PASSWORD_FILE)),
                    "no password file, not even a half-written one, is left behind");
        }
    }

    /** Finding 14 of issue 18: H2's lock and trace files are 600, and a DATA_DIR others may enter is warned about. */
    @Test
    void h2sLockAndTraceFilesAreOwnerOnlyAndAnOpenDataDirIsWarnedAbout() throws Exception {
        Path dataDir = Files.createDirectory(temp.resolve("shared"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(StoreDatabase.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (HikariDataSource ignored = StoreDatabase.open(embedded(dataDir))) {
            assertEquals("rw-------", mode(dataDir.resolve(StoreDatabase.LOCK_FILE)), "the lock file, while open");
            assertEquals("rw-------", mode(dataDir.resolve(StoreDatabase.TRACE_FILE)), "the trace file");
            assertEquals("rw-------", mode(dataDir.resolve(H2Credentials.DATABASE_FILE)));
        } finally {
            logger.detachAppender(logged);
        }
        assertEquals("rwxr-xr-x", mode(dataDir), "an existing DATA_DIR keeps its mode");
        assertTrue(logged.list.stream().anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                        && e.getFormattedMessage().contains("is open to other users (mode rwxr-xr-x)")
                        && e.getFormattedMessage().contains("chmod 700")),
                "warned: " + logged.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList());

        logged.list.clear();
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        logger.addAppender(logged);
        try (HikariDataSource ignored = StoreDatabase.open(embedded(dataDir))) {
            assertTrue(logged.list.stream().noneMatch(e -> e.getFormattedMessage().contains("open to other users")),
                    "no warning once it is 700");
        } finally {
            logger.detachAppender(logged);
        }
    }

    private static List<String> appliedVersions(HikariDataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"version\" FROM \"" + SchemaMigrations.HISTORY_TABLE
                     + "\" WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            List<String> versions = new java.util.ArrayList<>();
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
            return versions;
        }
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
