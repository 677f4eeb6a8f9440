package io.clerkconvexsync.admin;

import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;

/**
 * A platform-http engine whose consumers bind to the Vert.x router of the server on one given port (Vert.x routers
 * are registered under their port). Used for the admin API on the management port, and for the webhook listener
 * too: with two platform-http components, the stock engine's guess of "the" server port no longer finds the webhook
 * server, so each component is told its port (see {@link AdminApiRoute}).
 */
public final class PortBoundEngine extends VertxPlatformHttpEngine {
    private final int port;

    public PortBoundEngine(int port) {
        this.port = port;
    }

    @Override
    public int getServerPort() {
        return port;
    }
}
