package io.clerkconvexsync.config;

/**
 * The embedded H2 database runs with AUTO_SERVER so that the CLI can reach it while the runtime holds it: the first
 * process serves it to the others over TCP, on a random port written to the lock file in DATA_DIR, together with a
 * random key every client must present. H2 binds that port to every interface unless told otherwise; this keeps it
 * on the loopback interface, so the database is never reachable from another machine.
 */
public final class H2Network {
    private static final String BIND_ADDRESS = "h2.bindAddress";

    private H2Network() {
    }

    /** Must run before H2 first opens a database in this JVM (H2 reads the setting once). */
    public static void keepLocal() {
        if (System.getProperty(BIND_ADDRESS) == null) {
            System.setProperty(BIND_ADDRESS, "127.0.0.1");
        }
    }
}
