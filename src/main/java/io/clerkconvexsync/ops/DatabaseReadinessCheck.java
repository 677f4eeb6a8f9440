package io.clerkconvexsync.ops;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Map;

/**
 * Readiness DOWN when the runtime's database cannot be written: every webhook would then be answered 503, because
 * nothing may be acknowledged that is not durably recorded. Proves it with a real committed write to a one-row table
 * (created by the schema migrations). It comes back UP by itself: the pool opens new connections once the database
 * answers again.
 */
public final class DatabaseReadinessCheck extends AbstractHealthCheck {

    private final DataSource dataSource;
    private final Clock clock;

    public DatabaseReadinessCheck(DataSource dataSource, Clock clock) {
        super("clerk-convex-sync", "database");
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public boolean isLiveness() {
        return false; // a full disk is not fixed by a restart loop
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            write();
            builder.up();
        } catch (SQLException | RuntimeException e) {
            builder.down().message("the database cannot be written (" + e.getClass().getSimpleName() + ": "
                    + firstLine(e.getMessage()) + ")");
        }
    }

    private void write() throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement update = c.prepareStatement("UPDATE clerk_health_probe SET checked_at = ? WHERE id = 1")) {
                update.setTimestamp(1, now);
                if (update.executeUpdate() == 1) {
                    return;
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO clerk_health_probe (id, checked_at) VALUES (1, ?)")) {
                insert.setTimestamp(1, now);
                insert.executeUpdate();
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
