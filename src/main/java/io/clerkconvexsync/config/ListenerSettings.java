package io.clerkconvexsync.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The two HTTP listeners: where they bind, and the bounds that keep unauthenticated traffic from taking the instance
 * down (body size, bytes of bodies in flight, open connections, and the idle, header and body timeouts). The same
 * bounds apply to the webhook port and the management port, each port with its own connection count.
 *
 * @param webhookEnabled    whether the webhook listener is started ({@code camel.server.enabled})
 * @param webhookHost       BIND_ADDRESS
 * @param webhookPort       PORT; 0 picks a free port
 * @param managementEnabled whether the management listener is started ({@code camel.management.enabled})
 * @param managementHost    MANAGEMENT_BIND_ADDRESS
 * @param managementPort    MANAGEMENT_PORT
 * @param maxBodySize       largest request body accepted (bytes); larger ones are answered 413 unread
 * @param bodyBudget        bytes of request bodies held at once, across both ports; beyond it requests are answered 503
 * @param maxConnections    open connections per port; more are closed as they arrive
 * @param idleTimeout       a connection with nothing read or written for this long is closed
 * @param headerTimeout     a request's line and headers must arrive within this long of the connection opening or the
 *                          previous response
 * @param bodyTimeout       a request's body must arrive within this long of its headers
 */
public record ListenerSettings(
        boolean webhookEnabled,
        String webhookHost,
        int webhookPort,
        boolean managementEnabled,
        String managementHost,
        int managementPort,
        long maxBodySize,
        long bodyBudget,
        int maxConnections,
        Duration idleTimeout,
        Duration headerTimeout,
        Duration bodyTimeout) {

    public static final String WEBHOOK_HOST = "camel.server.host";
    public static final String WEBHOOK_PORT = "camel.server.port";
    public static final String MANAGEMENT_HOST = "camel.management.host";
    public static final String MAX_BODY_SIZE = "camel.server.max-body-size";

    /**
     * Reads and checks the listener settings, without touching the network.
     *
     * @throws InvalidSettingException naming the first setting that is missing or malformed
     */
    public static ListenerSettings load(Function<String, Optional<String>> lookup) {
        SettingsReader r = new SettingsReader(lookup);
        ListenerSettings settings = new ListenerSettings(
                r.bool("camel.server.enabled"),
                address(r, WEBHOOK_HOST, "BIND_ADDRESS"),
                r.port(WEBHOOK_PORT, "PORT", true),
                r.bool("camel.management.enabled"),
                address(r, MANAGEMENT_HOST, "MANAGEMENT_BIND_ADDRESS"),
                r.port(SyncSettings.MANAGEMENT_PORT, "MANAGEMENT_PORT", false),
                r.positiveInt(MAX_BODY_SIZE),
                r.positiveInt("listener.body-budget-bytes"),
                r.positiveInt("listener.max-connections"),
                r.positiveDuration("listener.idle-timeout"),
                r.positiveDuration("listener.header-timeout"),
                r.positiveDuration("listener.body-timeout"));
        if (settings.bodyBudget < settings.maxBodySize) {
            throw new InvalidSettingException("listener.body-budget-bytes", "must be at least " + MAX_BODY_SIZE
                    + ", or no body of the largest size could ever be read");
        }
        if (settings.webhookEnabled && settings.managementEnabled && settings.webhookPort != 0
                && settings.webhookPort == settings.managementPort) {
            throw new InvalidSettingException("MANAGEMENT_PORT", "must differ from PORT: health, metrics and the admin API"
                    + " must not be served on the public webhook port");
        }
        return settings;
    }

    /**
     * Fails when a port is already taken, before anything starts: the HTTP server would only log a warning and the
     * process would run on with no listener.
     */
    public void checkPortsFree() {
        if (webhookEnabled) {
            checkFree("PORT", webhookHost, webhookPort);
        }
        if (managementEnabled) {
            checkFree("MANAGEMENT_PORT", managementHost, managementPort);
        }
    }

    private static void checkFree(String env, String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the HTTP server binds: a socket in TIME_WAIT does not count as busy
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new InvalidSettingException(env, port + " cannot be bound on " + host + " (" + e.getMessage()
                    + "); is another instance running?");
        }
    }

    private static String address(SettingsReader r, String key, String env) {
        String host = r.required(key, env);
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new InvalidSettingException(env, "is not an address of this machine (e.g. 0.0.0.0 or 127.0.0.1)");
        }
        return host;
    }
}
