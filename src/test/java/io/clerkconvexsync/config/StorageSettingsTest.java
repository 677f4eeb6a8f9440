package io.clerkconvexsync.config;

import io.clerkconvexsync.support.ShippedProperties;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorageSettingsTest {
    static final String PASSWORD = "s3cret-db-password";

    /** application.properties as shipped, each {{env:NAME:default}} at its default. */
    private static Map<String, String> shipped() {
        return ShippedProperties.values();
    }

    private static StorageSettings load(Map<String, String> p) {
        return StorageSettings.load(key -> Optional.ofNullable(p.get(key)));
    }

    @Test
    void withoutAUrlTheEmbeddedH2InDataDirIsUsed() {
        StorageSettings s = load(shipped());
        assertTrue(s.embedded(), "no URL: the embedded database");
        assertTrue(s.jdbcUrl().startsWith("jdbc:h2:file:") && s.jdbcUrl().contains("AUTO_SERVER=TRUE"), s.jdbcUrl());
        assertEquals(Duration.ofDays(30), s.processedRetention());
        assertEquals(Duration.ofHours(1), s.retentionInterval());
    }

    @Test
    void aPostgresqlUrlWithCredentialsNeverShowsThePassword() {
        Map<String, String> p = shipped();
        p.put("storage.jdbc-url", "jdbc:postgresql://db:5432/sync?password=" + PASSWORD);
        p.put("storage.username", "sync");
        p.put("storage.password", PASSWORD);
        StorageSettings s = load(p);
        assertFalse(s.embedded());
        assertEquals(Optional.of(PASSWORD), s.password());
        assertFalse(s.toString().contains(PASSWORD), "toString must hide the password, in the URL too: " + s);
        assertTrue(s.toString().contains("username=sync"), s.toString());
    }

    @Test
    void refusesWhatWouldHangAWebhookOrForgetDuplicatesNamingTheSetting() {
        Map<String, String> p = shipped();
        p.put("storage.jdbc-url", "postgresql://db/" + PASSWORD);
        var url = assertThrows(InvalidSettingException.class, () -> load(p));
        assertTrue(url.getMessage().contains("STORAGE_JDBC_URL"), url.getMessage());
        assertFalse(url.getMessage().contains(PASSWORD), "the value is not echoed: " + url.getMessage());

        Map<String, String> slow = shipped();
        slow.put("storage.connection-timeout-ms", "20000");
        assertTrue(assertThrows(InvalidSettingException.class, () -> load(slow)).getMessage()
                .contains("storage.connection-timeout-ms"));

        Map<String, String> short_ = shipped();
        short_.put("storage.processed-retention", "12h");
        assertTrue(assertThrows(InvalidSettingException.class, () -> load(short_)).getMessage()
                .contains("storage.processed-retention"));

        Map<String, String> zero = shipped();
        zero.put("storage.retention-batch-size", "0");
        assertTrue(assertThrows(InvalidSettingException.class, () -> load(zero)).getMessage()
                .contains("storage.retention-batch-size"));
    }
}
