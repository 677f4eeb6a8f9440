package io.clerkconvexsync.listener;

import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxWrapper;

/**
 * The Vert.x instance both platform-http servers (webhook and management) are built on, bound in the registry where
 * camel-platform-http-vertx looks for one. Camel 4.18 builds each server from a bare {@code new HttpServerOptions()}
 * with no setting for timeouts or connection bounds, so this is the one place they can be applied: every HTTP server
 * created here gets the idle timeout of {@link ListenerGuard} and its connection handler (connection bound, header
 * timeout) before Camel makes it listen.
 */
final class GuardedVertx extends VertxWrapper {
    private final ListenerGuard guard;

    GuardedVertx(VertxInternal delegate, ListenerGuard guard) {
        super(delegate);
        this.guard = guard;
    }

    @Override
    public HttpServer createHttpServer(HttpServerOptions options) {
        HttpServer server = super.createHttpServer(guard.apply(options));
        server.connectionHandler(guard.newConnectionBound());
        return server;
    }

    @Override
    public HttpServer createHttpServer() {
        return createHttpServer(new HttpServerOptions());
    }
}
