package io.clerkconvexsync.ops;

import io.clerkconvexsync.config.InvalidSettingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Through the system property, which LogFormat reads before the environment (as logback does). */
class LogFormatTest {

    @AfterEach
    void clear() {
        System.clearProperty(LogFormat.VARIABLE);
    }

    @Test
    void acceptsPlainAndJsonInAnyCaseAndHandsLogbackLowerCase() {
        System.setProperty(LogFormat.VARIABLE, " JSON ");
        assertEquals("json", LogFormat.select());
        assertEquals("json", System.getProperty(LogFormat.VARIABLE), "logback's appender names are lower case");
        System.setProperty(LogFormat.VARIABLE, "Plain");
        assertEquals("plain", LogFormat.select());
    }

    @Test
    void refusesAnythingElseEmptyIncluded() {
        for (String bad : new String[] {"xml", "", "  ", "jsonl"}) {
            System.setProperty(LogFormat.VARIABLE, bad);
            InvalidSettingException e = assertThrows(InvalidSettingException.class, LogFormat::select, "'" + bad + "'");
            assertEquals("Invalid configuration: LOG_FORMAT must be plain or json", e.getMessage());
        }
    }
}
