package io.clerkconvexsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link LeaseStore} as one row per lease, in SQL that H2 and PostgreSQL both accept. Written here rather than taken
 * from Camel's master component because the leases guard work started from a CLI or an HTTP call as well as from
 * routes, and must work on the embedded H2 as on PostgreSQL; each change is one conditional statement, so the
 * database decides between two racing instances. Its table comes from {@link SchemaMigrations}.
 */
public final class JdbcLeaseStore implements LeaseStore {

    private static final String TAKE_OVER = """
            UPDATE clerk_lease SET holder = ?, expires_at = ? WHERE name = ? AND (holder = ? OR expires_at < ?)""";
    private static final String INSERT = "INSERT INTO clerk_lease (name, holder, expires_at) VALUES (?, ?, ?)";
    private static final String RENEW = "UPDATE clerk_lease SET expires_at = ? WHERE name = ? AND holder = ? AND expires_at >= ?";
    private static final String RELEASE = "DELETE FROM clerk_lease WHERE name = ? AND holder = ?";
    private static final String SELECT = "SELECT holder, expires_at FROM clerk_lease WHERE name = ? AND expires_at >= ?";

    private final DataSource dataSource;

    public JdbcLeaseStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public boolean acquire(String name, String holder, Instant now, Duration ttl) {
        Timestamp until = Timestamp.from(now.plus(ttl));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement(TAKE_OVER)) {
                ps.setString(1, holder);
                ps.setTimestamp(2, until);
                ps.setString(3, name);
                ps.setString(4, holder);
                ps.setTimestamp(5, Timestamp.from(now));
                if (ps.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, name);
                ps.setString(2, holder);
                ps.setTimestamp(3, until);
                return ps.executeUpdate() == 1;
            } catch (SQLException held) {
                // The row exists and is held by another (or it was inserted by a racing instance just now).
                return false;
            }
        } catch (SQLException e) {
            throw new StoreException("could not take the lease " + name, e);
        }
    }

    @Override
    public boolean renew(String name, String holder, Instant now, Duration ttl) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RENEW)) {
            c.setAutoCommit(true);
            ps.setTimestamp(1, Timestamp.from(now.plus(ttl)));
            ps.setString(2, name);
            ps.setString(3, holder);
            ps.setTimestamp(4, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("could not renew the lease " + name, e);
        }
    }

    @Override
    public void release(String name, String holder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RELEASE)) {
            c.setAutoCommit(true);
            ps.setString(1, name);
            ps.setString(2, holder);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("could not release the lease " + name, e);
        }
    }

    @Override
    public Optional<Lease> current(String name, Instant now) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setString(1, name);
            ps.setTimestamp(2, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Lease(name, rs.getString(1), rs.getTimestamp(2).toInstant()))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the lease " + name, e);
        }
    }
}
