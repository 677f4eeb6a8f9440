package io.clerkconvexsync.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the runtime keeps its state (processed svix-ids, dead letters, leases) and how it reaches it: the embedded H2 file
 * under DATA_DIR by default, or a shared database (PostgreSQL) for several instances.
 *
 * @param dataDir            DATA_DIR: the embedded database and its credentials file live here
 * @param jdbcUrl            the JDBC URL actually used (the embedded H2 URL when storage.jdbc-url is empty)
 * @param embedded           true when jdbcUrl is the default embedded H2 file, whose credentials the runtime owns
 * @param username           STORAGE_USERNAME, for a database given by URL
 * @param password           STORAGE_PASSWORD; never printed, see {@link #toString()}
 * @param maxConnections     pooled connections per instance
 * @param connectionTimeout  longest wait for a pooled connection (and for a new one to be opened)
 * @param queryTimeout       longest wait for a database answer on an open connection (PostgreSQL's socket timeout)
 * @param processedRetention processed svix-ids older than this are deleted
 * @param retentionBatchSize ids deleted per statement (one short transaction each)
 * @param retentionInterval  time between two retention sweeps
 * @param processedDurableCommit whether a group of processed svix-ids waits for PostgreSQL's disk flush
 */
public record StorageSettings(Path dataDir, String jdbcUrl, boolean embedded, Optional<String> username,
                              Optional<String> password, int maxConnections, Duration connectionTimeout,
                              Duration queryTimeout, Duration processedRetention, int retentionBatchSize,
                              Duration retentionInterval, boolean processedDurableCommit) {

    public static final String DATA_DIR = "storage.data-dir";
    public static final String JDBC_URL = "storage.jdbc-url";

    /** Svix waits 15 s for an answer; a database wait must leave room for the rest of the webhook. */
    private static final Duration LONGEST_DATABASE_WAIT = Duration.ofSeconds(10);
    /** Svix retries for about 27 hours and Clerk replays recent messages: a shorter window would forget a duplicate. */
    private static final Duration SHORTEST_RETENTION = Duration.ofDays(2);

    /**
     * Reads and checks the storage settings.
     *
     * @throws InvalidSettingException naming the first setting that is missing or malformed, never its value
     */
    public static StorageSettings load(Function<String, Optional<String>> lookup) {
        SettingsReader r = new SettingsReader(lookup);
        Path dataDir = Path.of(r.required(DATA_DIR, "DATA_DIR"));
        Optional<String> url = r.optional(JDBC_URL);
        // the embedded database's page cache is part of its URL (storage.h2-cache-kib)
        int h2CacheKib = r.positiveInt("storage.h2-cache-kib");
        if (url.isPresent() && !url.get().startsWith("jdbc:")) {
            // The value is not echoed: a URL may carry a password.
            throw new InvalidSettingException("STORAGE_JDBC_URL", "is not a JDBC URL; expected e.g. jdbc:postgresql://db:5432/clerk_sync");
        }
        StorageSettings settings = new StorageSettings(dataDir, url.orElseGet(() -> h2Url(dataDir, h2CacheKib)), url.isEmpty(),
                r.optional("storage.username"), lookup.apply("storage.password").filter(p -> !p.isEmpty()),
                r.positiveInt("storage.max-connections"),
                Duration.ofMillis(r.positiveInt("storage.connection-timeout-ms")),
                Duration.ofMillis(r.positiveInt("storage.query-timeout-ms")),
                r.positiveDuration("storage.processed-retention"),
                r.positiveInt("storage.retention-batch-size"),
                r.positiveDuration("storage.retention-interval"),
                r.bool("storage.processed-durable-commit"));
        within("storage.connection-timeout-ms", settings.connectionTimeout);
        within("storage.query-timeout-ms", settings.queryTimeout);
        if (settings.processedRetention.compareTo(SHORTEST_RETENTION) < 0) {
            throw new InvalidSettingException("storage.processed-retention",
                    "must be at least 2d: Svix retries a message for about 27 hours");
        }
        return settings;
    }

    private static void within(String key, Duration wait) {
        if (wait.compareTo(LONGEST_DATABASE_WAIT) > 0) {
            throw new InvalidSettingException(key, "must be at most 10000: a webhook is answered within Svix's 15 s");
        }
    }

    /**
     * The embedded default: an H2 file in DATA_DIR, kept open for the life of the process (opening the file per lookup
     * is slow). H2 writes commits to the file every 500 ms (its WRITE_DELAY): writing each at once was half the CPU
     * per webhook. What must not wait is forced to disk before its 2xx: the dead-letter store checkpoints after each
     * write (see JdbcDeadLetterStore); a processed svix-id that a kill -9 catches in those 500 ms only makes a manual
     * replay of that message call Convex again, which the companion functions treat as a no-op. AUTO_SERVER lets
     * the CLI (dead-letters list/show/replay/purge) in while the runtime holds the file: the first process to open it
     * serves it to the others over a loopback TCP port (see {@link H2Network}), to clients that know the password in
     * DATA_DIR; a second runtime on the same DATA_DIR would share it the same way rather than fail. Its page cache
     * is small (H2's default is 16 MiB): cached pages outlive the young generation and were most of what filled the
     * 80 MiB heap's old generation, so a smaller cache means fewer full collections (BENCHMARKS.md).
     */
    static String h2Url(Path dataDir, int cacheKib) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("clerk-convex-sync")
                + ";DB_CLOSE_DELAY=-1;AUTO_SERVER=TRUE;CACHE_SIZE=" + cacheKib;
    }

    /** Everything but the password, so that a log line or an error that prints the record never shows it. */
    @Override
    public String toString() {
        return "StorageSettings[dataDir=" + dataDir + ", jdbcUrl=" + redactedUrl() + ", embedded=" + embedded
                + ", username=" + username.orElse("") + ", password=" + (password.isPresent() ? "****" : "")
                + ", maxConnections=" + maxConnections + ", connectionTimeout=" + connectionTimeout
                + ", queryTimeout=" + queryTimeout + ", processedRetention=" + processedRetention
                + ", retentionBatchSize=" + retentionBatchSize + ", retentionInterval=" + retentionInterval
                + ", processedDurableCommit=" + processedDurableCommit + "]";
    }

    /** The URL with any password= parameter (PostgreSQL's driver accepts one) masked. */
    private String redactedUrl() {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }
}
