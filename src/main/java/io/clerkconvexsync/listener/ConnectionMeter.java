package io.clerkconvexsync.listener;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One connection's view for {@link ListenerGuard}: its timers, and a Netty handler placed just before Vert.x's own, so
 * it sees every decoded piece of a request body before Vert.x buffers it. Each piece is charged to the shared budget
 * as it arrives ({@link Charge}); a request that has sent no body byte holds nothing.
 *
 * <p>Netty-level because neither Vert.x nor Camel lets a handler see body bytes without taking them from Camel's body
 * handler. Touched only on the connection's event loop, except {@link Charge#release()}, which may run on the thread
 * that ends the answer.
 */
final class ConnectionMeter extends ChannelInboundHandlerAdapter {
    /** The name of Vert.x's HTTP handler in the pipeline (vertx-core 4.5 HttpServerWorker). */
    static final String VERTX_HANDLER = "handler";

    private final Budget budget;
    /** Requests whose headers have arrived and that the router has not seen yet (pipelined ones queue here). */
    private final ArrayDeque<Charge> ungated = new ArrayDeque<>();
    /** The request whose body is arriving now. */
    private Charge receiving;
    private long headerTimer = -1;
    private long bodyTimer = -1;

    /** The bytes of all bodies being received or processed, and their bound. */
    interface Budget {
        /** Adds {@code bytes}; false (and nothing added) when they do not fit. */
        boolean take(long bytes);

        void give(long bytes);
    }

    ConnectionMeter(Budget budget) {
        this.budget = budget;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest head) {
            receiving = new Charge(budget);
            if (head.decoderResult().isSuccess()) { // Vert.x answers a malformed head itself; no router sees it
                ungated.add(receiving);
            }
        }
        if (msg instanceof HttpContent content && receiving != null && !receiving.admit(content.content().readableBytes())) {
            content.release();
            if (msg instanceof LastHttpContent) {
                ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT); // the request still ends: its answer closes
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** The charge of the next request the router sees, in the order their heads arrived; null if none. */
    Charge next() {
        return ungated.poll();
    }

    /** The connection is gone: whatever its requests still hold goes back. */
    void closed(Vertx vertx) {
        cancelTimers(vertx);
        ungated.forEach(Charge::release);
        ungated.clear();
        if (receiving != null) {
            receiving.release();
        }
    }

    void awaitHeaders(Vertx vertx, long millis, Runnable onExpiry) {
        headerTimer = vertx.setTimer(millis, t -> onExpiry.run());
    }

    void awaitBody(Vertx vertx, long millis, Runnable onExpiry) {
        bodyTimer = vertx.setTimer(millis, t -> onExpiry.run());
    }

    void cancelTimers(Vertx vertx) {
        if (headerTimer >= 0) {
            vertx.cancelTimer(headerTimer);
            headerTimer = -1;
        }
        if (bodyTimer >= 0) {
            vertx.cancelTimer(bodyTimer);
            bodyTimer = -1;
        }
    }

    /** The bytes of one request's body: charged as they arrive, given back when its answer is sent or it is closed. */
    static final class Charge {
        private final Budget budget;
        private long bytes;
        /** Its bytes are dropped unread: it was answered early, or did not fit. */
        private boolean discarding;
        private boolean released;
        private RoutingContext rc;
        private Consumer<RoutingContext> onOverflow;

        Charge(Budget budget) {
            this.budget = budget;
        }

        /** Whether a piece of {@code n} bytes may go on to Vert.x; one that does not fit turns the request away. */
        boolean admit(int n) {
            RoutingContext turnAway;
            Consumer<RoutingContext> overflow;
            synchronized (this) {
                if (discarding || released) {
                    return false;
                }
                if (n == 0 || budget.take(n)) {
                    bytes += n;
                    return true;
                }
                discarding = true;
                turnAway = rc;
                overflow = onOverflow;
            }
            if (turnAway != null) {
                overflow.accept(turnAway);
            }
            return false;
        }

        /**
         * Bound once the router sees the request, with what to do should a later piece not fit; false when one did
         * not fit already (before the router saw it), so the caller turns it away.
         */
        synchronized boolean gate(RoutingContext context, Consumer<RoutingContext> overflow) {
            rc = context;
            onOverflow = overflow;
            return !discarding;
        }

        /** Its bytes received so far (some may come before the router sees the request). */
        synchronized long bytes() {
            return bytes;
        }

        /** Stops taking its bytes: the request is answered without its body. */
        synchronized void discard() {
            discarding = true;
        }

        synchronized void release() {
            if (!released) {
                released = true;
                budget.give(bytes);
                bytes = 0;
            }
        }
    }
}
