package io.clerkconvexsync.config;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenerSettingsTest {

    private static Map<String, String> valid() {
        Map<String, String> p = new HashMap<>();
        p.put("camel.server.enabled", "true");
        p.put("camel.server.host", "0.0.0.0");
        p.put("camel.server.port", "8080");
        p.put("camel.management.enabled", "true");
        p.put("camel.management.host", "127.0.0.1");
        p.put("camel.management.port", "9876");
        p.put("camel.server.max-body-size", "262144");
        p.put("listener.body-budget-bytes", "4194304");
        p.put("listener.max-connections", "2048");
        p.put("listener.idle-timeout", "30s");
        p.put("listener.header-timeout", "10s");
        p.put("listener.body-timeout", "10s");
        return p;
    }

    private static ListenerSettings load(Map<String, String> p) {
        return ListenerSettings.load(key -> Optional.ofNullable(p.get(key)));
    }

    private static String refused(Map<String, String> p) {
        return assertThrows(InvalidSettingException.class, () -> load(p), "startup should have been refused").getMessage();
    }

    @Test
    void loadsTheShippedDefaults() {
        ListenerSettings s = load(valid());
        assertEquals(8080, s.webhookPort());
        assertEquals("127.0.0.1", s.managementHost());
        assertEquals(Duration.ofSeconds(10), s.headerTimeout());
        assertEquals(262_144, s.maxBodySize());
    }

    @Test
    void refusesAPortThatIsNotANumberOrOutOfRangeNamingTheVariable() {
        for (String bad : new String[] {"abc", "70000", "-1", "8080.5"}) {
            Map<String, String> p = valid();
            p.put("camel.server.port", bad);
            String message = refused(p);
            assertTrue(message.startsWith("Invalid configuration: PORT must be a port number"), bad + ": " + message);
            assertFalse(message.contains(bad), "the value is not echoed: " + message);
        }
        Map<String, String> p = valid();
        p.put("camel.management.port", "0");
        assertTrue(refused(p).contains("MANAGEMENT_PORT must be a port number from 1 to 65535"));
    }

    @Test
    void refusesTheManagementPortOnTheWebhookPort() {
        Map<String, String> p = valid();
        p.put("camel.management.port", "8080");
        assertTrue(refused(p).contains("MANAGEMENT_PORT must differ from PORT"));
    }

    @Test
    void refusesAnAddressThatDoesNotResolve() {
        Map<String, String> p = valid();
        p.put("camel.management.host", "no-such-host.invalid");
        assertTrue(refused(p).contains("MANAGEMENT_BIND_ADDRESS is not an address of this machine"));
    }

    @Test
    void refusesABudgetSmallerThanOneBodyAndZeroTimeouts() {
        Map<String, String> p = valid();
        p.put("listener.body-budget-bytes", "1000");
        assertTrue(refused(p).contains("listener.body-budget-bytes must be at least camel.server.max-body-size"));
        p = valid();
        p.put("listener.idle-timeout", "0s");
        assertTrue(refused(p).contains("listener.idle-timeout must be greater than 0"));
    }

    @Test
    void aBusyPortFailsBeforeAnythingStartsNamingTheVariable() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Map<String, String> p = valid();
            p.put("camel.server.host", "127.0.0.1");
            p.put("camel.server.port", Integer.toString(taken.getLocalPort()));
            ListenerSettings settings = load(p);
            InvalidSettingException e = assertThrows(InvalidSettingException.class, settings::checkPortsFree);
            assertEquals("PORT", e.setting(), e.getMessage());
            assertTrue(e.getMessage().contains("is another instance running?"), e.getMessage());

            p.put("camel.server.enabled", "false");
            assertDoesNotThrow(load(p)::checkPortsFree, "a listener that is off needs no port (the replay command)");
        }
    }
}
