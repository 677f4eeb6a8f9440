package io.clerkconvexsync.listener;

import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.config.ListenerSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * What keeps unauthenticated traffic from taking the instance down, on both HTTP ports: a memory budget for request
 * bodies, a bound on open connections, and idle, header and body timeouts.
 *
 * <p>Written by hand because neither camel-platform-http-vertx 4.18 nor Vert.x offers it: Camel exposes only
 * {@code max-body-size}, Vert.x's {@code HttpServerOptions} only an idle timeout (which a client sending one byte a
 * second never trips), and neither bounds the bytes of all bodies being read at once, which is what ran the heap out
 * (500 concurrent 1 MB bodies). The pieces:
 * <ul>
 *   <li>a request handler placed first on each port's Vert.x router, before Camel's body handler reads anything:
 *       bodies declared larger than the limit are answered 413 unread; a body is answered 503 at once (Svix retries
 *       503) when the bytes held by all bodies leave no room for it (at least {@link #MIN_RESERVATION}); during
 *       shutdown new webhooks are answered 503 with a JSON body;</li>
 *   <li>a {@link ConnectionMeter} in each connection's Netty pipeline that charges body bytes to one budget shared by
 *       both ports as they arrive, and gives them back when the answer is sent. A piece that does not fit turns its
 *       request away with the same 503 and drops the rest unread. So the budget counts bytes in flight, as Envoy's
 *       buffer watermarks, Netty's HttpObjectAggregator and Vert.x's BodyHandler count what they have buffered, and as
 *       nginx holds a body buffer only once bytes come: a connection that declared a length and sent no byte holds
 *       nothing (it had held its whole declared length until the body timeout, so 16 such connections kept every
 *       webhook out). A fair share per client address was not taken: behind a proxy or NAT every client has one;</li>
 *   <li>a connection handler on each server: connections beyond the bound are closed as they arrive, and a connection
 *       whose request headers have not all arrived within the header timeout (of its opening, or of the previous
 *       answer on a kept-alive connection) is closed, as is one whose body has not all arrived within the body
 *       timeout of its headers.</li>
 * </ul>
 * Everything turned away is counted in {@code listener_rejections_total{reason}} and logged at most once per
 * {@link #LOG_EVERY_MS} per reason, so a flood cannot flood the log too.
 */
public final class ListenerGuard {
    /** Room a body needs left in the budget to be let in at least: its headers, exchange and copies cost memory too. */
    static final long MIN_RESERVATION = 16 * 1024;
    static final long LOG_EVERY_MS = 10_000;
    private static final String BUSY = "too many requests in flight; retry later";
    /** How long a turned-away request may go on sending before its connection is closed (at most a Clerk-sized body). */
    static final long LINGER_MS = 1_000;
    /** Runs before every route Camel adds to a port's router. */
    private static final int FIRST = Integer.MIN_VALUE;
    /** Marks a routing context the gate has seen (and paired with its connection's next charge). */
    private static final String GATED = "listenerGuard.gated";
    private static final Logger LOG = LoggerFactory.getLogger(ListenerGuard.class);
    /** Its name in the registry. */
    public static final String NAME = "listenerGuard";

    /** Why a request or connection was turned away: the {@code reason} tag, the HTTP status, the log text. */
    enum Reason {
        BODY_TOO_LARGE(413, "rejected", "the body is larger than camel.server.max-body-size"),
        OVERLOADED(503, "retried", "more than listener.body-budget-bytes of request bodies in flight"),
        SHUTTING_DOWN(503, "retried", "this instance is shutting down"),
        TOO_MANY_CONNECTIONS(0, null, "more than listener.max-connections open connections on the port"),
        HEADER_TIMEOUT(0, null, "request headers not received within listener.header-timeout"),
        BODY_TIMEOUT(0, null, "request body not received within listener.body-timeout"),
        BAD_REQUEST(400, "rejected", "a request Vert.x refuses before any route (HTTP/1.1 without Host, an empty target)"),
        TARGET_NOT_A_PATH(404, "rejected", "a request target that is not a path (OPTIONS *, CONNECT host:port, no leading /)");

        final int status;
        final String outcome;
        final String description;

        Reason(int status, String outcome, String description) {
            this.status = status;
            this.outcome = outcome;
            this.description = description;
        }

        String tag() {
            return name().toLowerCase();
        }
    }

    private final ListenerSettings settings;
    private final CamelContext context;
    private final AtomicLong bodyBytes = new AtomicLong();
    private final Map<HttpConnection, ConnectionMeter> connections = new ConcurrentHashMap<>();
    private final ConnectionMeter.Budget budget = new ConnectionMeter.Budget() {
        @Override
        public boolean take(long bytes) {
            if (bodyBytes.addAndGet(bytes) <= settings.bodyBudget()) {
                return true;
            }
            bodyBytes.addAndGet(-bytes);
            return false;
        }

        @Override
        public void give(long bytes) {
            bodyBytes.addAndGet(-bytes);
        }
    };
    private final Map<Reason, Counter> rejections = new EnumMap<>(Reason.class);
    private final Map<Reason, AtomicLong> unlogged = new EnumMap<>(Reason.class);
    private final Map<Reason, AtomicLong> loggedAt = new EnumMap<>(Reason.class);
    private volatile Vertx vertx;
    private volatile boolean draining;

    ListenerGuard(ListenerSettings settings, CamelContext context, MeterRegistry registry) {
        this.settings = settings;
        this.context = context;
        for (Reason reason : Reason.values()) {
            rejections.put(reason, Counter.builder("listener.rejections")
                    .description("Requests and connections the HTTP listeners turned away before the runtime saw them")
                    .tag("reason", reason.tag()).register(registry));
            unlogged.put(reason, new AtomicLong());
            loggedAt.put(reason, new AtomicLong(Long.MIN_VALUE / 2));
        }
        Gauge.builder("listener.body.bytes", bodyBytes, AtomicLong::get)
                .description("Bytes of request bodies received and held by requests in flight").register(registry);
    }

    /**
     * Binds the guarded Vert.x instance where both platform-http servers pick it up, and installs the request gate on
     * their routers once they listen. Must run before Camel Main configures the servers.
     */
    public static void install(CamelContext context, ListenerSettings settings, MeterRegistry registry) throws Exception {
        ListenerGuard guard = new ListenerGuard(settings, context, registry);
        GuardedVertx vertx = new GuardedVertx((VertxInternal) Vertx.vertx(new VertxOptions()), guard);
        guard.vertx = vertx;
        context.getRegistry().bind("vertx", vertx);
        context.getRegistry().bind(NAME, guard);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                vertx.close(); // after the HTTP servers: services stop in the reverse order of their adding
            }
        }, true, true);
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext camel, boolean alreadyStarted) {
                guard.guardRouters();
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext camel, boolean alreadyStarted) {
                guard.logEndpoints();
            }
        });
    }

    /**
     * From now on new webhooks are answered 503 {@code shutting_down}: called on SIGTERM, a moment before Camel's
     * context reports itself stopping, so that no webhook is taken in between.
     */
    public void stopTaking() {
        draining = true;
    }

    /** Timeouts Vert.x itself enforces; HTTP/2 over clear text is off (Svix speaks HTTP/1.1). */
    HttpServerOptions apply(HttpServerOptions options) {
        return options.setIdleTimeout((int) settings.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setHttp2ClearTextEnabled(false);
    }

    /** The connection handler of one server: its own count of open connections, the header deadline, the meter. */
    Handler<HttpConnection> newConnectionBound() {
        AtomicInteger open = new AtomicInteger();
        return connection -> {
            ConnectionMeter meter = new ConnectionMeter(budget);
            connection.closeHandler(closed -> {
                open.decrementAndGet();
                ConnectionMeter gone = connections.remove(connection);
                if (gone != null) {
                    gone.closed(vertx);
                }
            });
            if (open.incrementAndGet() > settings.maxConnections()) {
                reject(Reason.TOO_MANY_CONNECTIONS);
                connection.close();
                return;
            }
            // Vert.x internals: Vert.x offers no way to see body bytes before Camel's body handler takes them
            ((ConnectionBase) connection).channelHandlerContext().pipeline()
                    .addBefore(ConnectionMeter.VERTX_HANDLER, "listenerBodyMeter", meter);
            connections.put(connection, meter);
            awaitHeaders(connection, meter, settings.headerTimeout().toMillis());
        };
    }

    private void awaitHeaders(HttpConnection connection, ConnectionMeter meter, long millis) {
        meter.awaitHeaders(vertx, millis, () -> {
            reject(Reason.HEADER_TIMEOUT);
            connection.close();
        });
    }

    /**
     * Each listener's URLs with the address it is bound to (Camel's own summary writes 0.0.0.0 whatever the bind
     * address, so logback.xml quiets it): one line per port, once every route is on its router.
     */
    private void logEndpoints() {
        for (VertxPlatformHttpRouter router : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            if (router.getServer() == null || router.getServer().getServer() == null) {
                continue;
            }
            String host = router.isManagementServer() ? settings.managementHost() : settings.webhookHost();
            String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                    + router.getServer().getServer().actualPort();
            String urls = router.getRoutes().stream().filter(route -> route.getPath() != null)
                    .map(route -> base + route.getPath() + (route.methods() == null || route.methods().isEmpty() ? ""
                            : " " + route.methods().stream().map(HttpMethod::name).sorted().toList()))
                    .distinct().sorted().collect(Collectors.joining(", "));
            LOG.info("{} listener: {}", router.isManagementServer() ? "Management" : "Webhook", urls);
        }
    }

    /** Verifies both listeners are up and puts the request gate first on their routers. */
    private void guardRouters() {
        for (VertxPlatformHttpRouter router : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            if (router.getServer() != null && router.getServer().getServer() != null
                    && router.getServer().getServer().actualPort() <= 0) {
                String setting = router.isManagementServer() ? "MANAGEMENT_PORT" : "PORT";
                throw new InvalidSettingException(setting, router.getServer().getConfigurationPort()
                        + " could not be bound; is another instance running?");
            }
            boolean webhook = !router.isManagementServer();
            router.route().order(FIRST).handler(rc -> gate(rc, webhook)).failureHandler(this::failed);
        }
    }

    /**
     * A failure of a request the gate has seen goes on as {@link #closedUnanswered}; one it has not seen was refused by
     * Vert.x's router as it arrived, before any route (no Host: 400; a target that is not a path: 404). Such a request
     * still had its head and body bytes metered, so it takes its connection's next charge here, as the gate would:
     * left there, its bytes stayed held until the connection's next request, which then got this one's charge.
     */
    private void failed(RoutingContext rc) {
        if (rc.get(GATED) != null) {
            closedUnanswered(rc);
            return;
        }
        rc.put(GATED, Boolean.TRUE);
        ConnectionMeter.Charge charge = nextCharge(connections.get(rc.request().connection()));
        Reason reason = rc.statusCode() == 404 ? Reason.TARGET_NOT_A_PATH : Reason.BAD_REQUEST;
        answer(rc, charge, reason, reason == Reason.TARGET_NOT_A_PATH ? "the request target is not a path"
                : "malformed request (HTTP/1.1 needs a Host header)");
    }

    /**
     * A request whose connection closed before its body was read (the body timeout, or the sender gave up) fails in
     * Camel's body handler with HttpClosedException, which Vert.x would log at ERROR with a stack trace, once per
     * connection. There is no one left to answer and the body timeout is already counted and logged (throttled) as a
     * rejection, so it ends here; any other failure goes on to Vert.x's handling.
     */
    private static void closedUnanswered(RoutingContext rc) {
        if (rc.failure() instanceof HttpClosedException) {
            LOG.debug("Request ended by a closed connection before it was read");
            return;
        }
        rc.next();
    }

    /**
     * The charge of the request now reaching a route, its connection's timers stopped; null for a connection the meter
     * does not know.
     */
    private ConnectionMeter.Charge nextCharge(ConnectionMeter meter) {
        if (meter == null) {
            return null;
        }
        meter.cancelTimers(vertx);
        return meter.next();
    }

    private void gate(RoutingContext rc, boolean webhookPort) {
        rc.put(GATED, Boolean.TRUE);
        HttpServerRequest request = rc.request();
        HttpConnection connection = request.connection();
        ConnectionMeter meter = connections.get(connection);
        ConnectionMeter.Charge charge = nextCharge(meter);
        if (webhookPort && (draining || context.isStopping() || context.isStopped())) {
            answer(rc, charge, Reason.SHUTTING_DOWN, "this instance is shutting down; retry later");
            return;
        }
        long declared = contentLength(request);
        if (declared > settings.maxBodySize()) {
            answer(rc, charge, Reason.BODY_TOO_LARGE, "the body is larger than " + settings.maxBodySize()
                    + " bytes; Clerk events are a few KB");
            return;
        }
        ConnectionMeter.Charge mine = charge;
        long heldByOthers = bodyBytes.get() - (mine == null ? 0 : mine.bytes());
        if ((expectsBody(request, declared) && heldByOthers + Math.max(MIN_RESERVATION, declared) > settings.bodyBudget())
                || (mine != null && !mine.gate(rc, overflowed -> answer(overflowed, mine, Reason.OVERLOADED, BUSY)))) {
            answer(rc, charge, Reason.OVERLOADED, BUSY);
            return;
        }
        if (meter != null && !request.isEnded()) {
            meter.awaitBody(vertx, settings.bodyTimeout().toMillis(), () -> {
                if (!request.isEnded()) {
                    reject(Reason.BODY_TIMEOUT);
                    connection.close();
                }
            });
        }
        rc.addEndHandler(ended -> {
            if (mine != null) {
                mine.release();
            }
            ConnectionMeter open = connections.get(connection);
            if (open != null) {
                open.cancelTimers(vertx);
                // kept alive: the next request's headers must come within the idle timeout, byte by byte or not
                awaitHeaders(connection, open, settings.idleTimeout().toMillis());
            }
        });
        rc.next();
    }

    /** -1 when the request declares no length (chunked, or no body). */
    private static long contentLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // Vert.x has refused most such requests already; never read one
        }
    }

    private static boolean expectsBody(HttpServerRequest request, long declared) {
        if (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) {
            return false; // health checks and scrapes always get through
        }
        return declared > 0 || (declared < 0 && request.headers().contains(HttpHeaders.TRANSFER_ENCODING));
    }

    /** Answers at once, in the webhook reply's shape, and closes the connection without keeping its body. */
    private void answer(RoutingContext rc, ConnectionMeter.Charge charge, Reason reason, String message) {
        if (charge != null) {
            charge.discard();
            charge.release();
        }
        if (rc.response().ended() || rc.response().headWritten()) {
            return;
        }
        reject(reason);
        String body = "{\"outcome\":\"" + reason.outcome + "\",\"error\":\"" + reason.tag() + "\",\"message\":\""
                + message + "\"}";
        HttpServerRequest request = rc.request();
        rc.response().setStatusCode(reason.status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close").end(body)
                .onComplete(sent -> lingerThenClose(request));
    }

    /**
     * Closes once the sender has sent the rest of its request, or after {@link #LINGER_MS}, dropping what arrives
     * meanwhile (nothing is buffered). Closing with bytes unread makes the kernel answer with a reset, which can destroy
     * the answer before the sender reads it: a sender still writing its body would see a broken connection, not 413.
     */
    private void lingerThenClose(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (request.isEnded()) {
            connection.close();
            return;
        }
        long timer = vertx.setTimer(LINGER_MS, late -> connection.close());
        request.handler(dropped -> { });
        request.exceptionHandler(failed -> connection.close());
        request.endHandler(sent -> {
            vertx.cancelTimer(timer);
            connection.close();
        });
        request.resume();
    }

    private void reject(Reason reason) {
        rejections.get(reason).increment();
        unlogged.get(reason).incrementAndGet();
        long now = System.currentTimeMillis();
        AtomicLong last = loggedAt.get(reason);
        long previous = last.get();
        if (now - previous >= LOG_EVERY_MS && last.compareAndSet(previous, now)) {
            long turnedAway = unlogged.get(reason).getAndSet(0);
            LOG.warn("Listener turned away {} request(s) or connection(s) since the last such line, reason={}: {}",
                    turnedAway, reason.tag(), reason.description);
        }
    }

}
