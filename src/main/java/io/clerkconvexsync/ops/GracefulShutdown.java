package io.clerkconvexsync.ops;

import io.clerkconvexsync.listener.ListenerGuard;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM (what an orchestrator or {@code kill} sends on a deploy) ends the runtime like a normal completion rather
 * than through the JVM's shutdown hooks: new webhooks are answered 503 {@code shutting_down} (see ListenerGuard),
 * Camel stops its consumers, so nothing new is taken, waits for the webhooks in
 * flight (at most {@code camel.main.shutdown-timeout} seconds), and the process then exits 0. Left to the JVM, the same
 * graceful stop would run inside a shutdown hook and the exit code would be 143, which supervisors count as a crash.
 */
public final class GracefulShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private GracefulShutdown() {
    }

    /** Makes SIGTERM complete {@code main}'s run. */
    public static void onSigterm(Main main) {
        Signal.handle(new Signal("TERM"), signal -> {
            LOG.info("SIGTERM: no new webhooks taken; finishing those in flight, then exiting");
            ListenerGuard guard = main.getCamelContext() == null ? null
                    : main.getCamelContext().getRegistry().lookupByNameAndType(ListenerGuard.NAME, ListenerGuard.class);
            if (guard != null) {
                guard.stopTaking();
            }
            main.completed();
        });
    }
}
