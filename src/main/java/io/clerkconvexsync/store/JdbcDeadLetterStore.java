package io.clerkconvexsync.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link DeadLetterStore} on plain JDBC, in SQL that H2 and PostgreSQL both accept, so that several instances can
 * share one PostgreSQL. Its tables come from {@link SchemaMigrations}.
 */
public final class JdbcDeadLetterStore implements DeadLetterStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INSERT_HISTORY = """
            INSERT INTO clerk_dead_letter_failure (svix_id, failed_at, source, error_kind, http_status, error, attempts)
            VALUES (?, ?, ?, ?, ?, ?, ?)""";
    private static final String UPDATE = """
            UPDATE clerk_dead_letter SET attempts = attempts + ?, error_kind = ?, http_status = ?, error = ?,
              error_detail = ?, convex_function = ?, last_failed_at = ?, trace_id = COALESCE(?, trace_id),
              span_id = COALESCE(?, span_id) WHERE svix_id = ?""";
    private static final String INSERT = """
            INSERT INTO clerk_dead_letter (svix_id, event_type, convex_function, error_kind, http_status, error,
              error_detail, body, headers, attempts, first_failed_at, last_failed_at, trace_id, span_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /** The columns of a summary: everything but the large ones (error_detail, body, headers). */
    private static final String SUMMARY_COLUMNS = "id, svix_id, event_type, convex_function, error_kind, http_status, error,"
            + " attempts, first_failed_at, last_failed_at";
    private static final String HISTORY = """
            SELECT f.* FROM clerk_dead_letter_failure f JOIN clerk_dead_letter d ON d.svix_id = f.svix_id
            WHERE d.id = ? ORDER BY f.id""";
    /** Rows per round trip of a streamed read: with bodies of ~2.5 KB, about 0.5 MB in the driver at once. */
    private static final int FETCH_SIZE = 200;
    /** Dead letters per JDBC batch of an import. */
    private static final int RESTORE_BATCH = 200;
    /** The error column's length (V1 migration); longer errors are clipped, as they always were. */
    private static final int MAX_ERROR = 2000;

    private final DataSource dataSource;

    public JdbcDeadLetterStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public long record(DeadLetter d) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            long id;
            String source = "replay"; // the row existed: only a replay sends a stored event to Convex again
            if (update(c, d) == 0) {
                try {
                    id = insert(c, d);
                    source = "webhook";
                } catch (SQLException duplicate) {
                    // Another instance or thread stored the same svix-id between our UPDATE and INSERT.
                    if (update(c, d) == 0) {
                        throw duplicate;
                    }
                    id = idOf(c, d.svixId());
                }
            } else {
                id = idOf(c, d.svixId());
            }
            // After the dead letter itself: a lost history line must never cost the event.
            appendHistory(c, d.svixId(), new DeadLetterFailure(d.lastFailedAt(), source, d.errorKind(), d.httpStatus(),
                    d.error(), d.attempts()));
            forceToDisk(c);
            return id;
        } catch (SQLException e) {
            throw new StoreException("could not store the dead letter for " + d.svixId(), e);
        }
    }

    /**
     * The webhook is answered 2xx once this returns, so the dead letter must be on disk by then. PostgreSQL's commit
     * already is; embedded H2 writes commits every 500 ms, and its CHECKPOINT writes them now.
     */
    private static void forceToDisk(Connection c) throws SQLException {
        if ("H2".equals(c.getMetaData().getDatabaseProductName())) {
            try (Statement s = c.createStatement()) {
                s.execute("CHECKPOINT");
            }
        }
    }

    @Override
    public long count(DeadLetterFilter filter) {
        return matching(filter).count();
    }

    /** Count and highest id in one statement, so that both see the same rows. */
    @Override
    public Matching matching(DeadLetterFilter filter) {
        List<Object> values = new ArrayList<>();
        String sql = "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM clerk_dead_letter" + where(filter, values);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, values);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Matching(rs.getLong(1), rs.getLong(2));
        } catch (SQLException e) {
            throw new StoreException("could not count dead letters", e);
        }
    }

    @Override
    public List<DeadLetter> list(DeadLetterFilter filter) {
        List<Object> values = new ArrayList<>();
        return query("SELECT * FROM clerk_dead_letter" + where(filter, values) + " ORDER BY id", values, true);
    }

    @Override
    public List<DeadLetter> summaries(DeadLetterFilter filter, long afterId, int limit) {
        List<Object> values = new ArrayList<>();
        String sql = "SELECT " + SUMMARY_COLUMNS + " FROM clerk_dead_letter" + where(filter, values) + " AND id > ?"
                + " ORDER BY id LIMIT ?";
        values.add(afterId);
        values.add(limit);
        return query(sql, values, false);
    }

    /**
     * One read transaction: PostgreSQL's driver fetches a result set in pieces of the fetch size only with autocommit
     * off, and otherwise reads every row into memory at once. The history of each row is read on the same connection.
     */
    @Override
    public void forEach(DeadLetterFilter filter, boolean full, Visitor visitor) throws IOException {
        List<Object> values = new ArrayList<>();
        String sql = "SELECT " + (full ? "*" : SUMMARY_COLUMNS) + " FROM clerk_dead_letter" + where(filter, values)
                + " ORDER BY id";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = prepare(c, sql, values);
                 PreparedStatement history = c.prepareStatement(HISTORY)) {
                ps.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        DeadLetter d = read(rs, full);
                        visitor.visit(d, full ? history(history, d.id()) : List.of());
                    }
                }
            } finally {
                c.rollback(); // read only: nothing to keep
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("could not read dead letters", e);
        }
    }

    @Override
    public Optional<DeadLetter> find(long id) {
        return list(DeadLetterFilter.byId(id)).stream().findFirst();
    }

    @Override
    public List<DeadLetterFailure> history(long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(HISTORY)) {
            return history(ps, id);
        } catch (SQLException e) {
            throw new StoreException("could not read the history of dead letter #" + id, e);
        }
    }

    private static List<DeadLetterFailure> history(PreparedStatement ps, long id) throws SQLException {
        ps.setLong(1, id);
        List<DeadLetterFailure> found = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                found.add(new DeadLetterFailure(rs.getTimestamp("failed_at").toInstant(), rs.getString("source"),
                        rs.getString("error_kind"), rs.getInt("http_status"), rs.getString("error"), rs.getInt("attempts")));
            }
        }
        return found;
    }

    /** One conditional UPDATE: of two replayers racing for the same row, the database lets exactly one win. */
    @Override
    public boolean claim(long id, Instant now, Duration staleAfter) {
        String sql = "UPDATE clerk_dead_letter SET claimed_at = ? WHERE id = ? AND (claimed_at IS NULL OR claimed_at < ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setLong(2, id);
            ps.setTimestamp(3, Timestamp.from(now.minus(staleAfter)));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("could not claim dead letter #" + id, e);
        }
    }

    @Override
    public void release(long id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE clerk_dead_letter SET claimed_at = NULL WHERE id = ?")) {
            c.setAutoCommit(true);
            ps.setLong(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("could not release dead letter #" + id, e);
        }
    }

    @Override
    public void noteFailedReplay(long id, DeadLetterFailure failure) {
        String sql = "UPDATE clerk_dead_letter SET attempts = attempts + ?, last_failed_at = ? WHERE id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            ps.setInt(1, failure.attempts());
            ps.setTimestamp(2, Timestamp.from(failure.failedAt()));
            ps.setLong(3, id);
            if (ps.executeUpdate() == 1) {
                appendHistory(c, svixIdOf(c, id), failure);
            }
        } catch (SQLException e) {
            throw new StoreException("could not note the failed replay of dead letter #" + id, e);
        }
    }

    /**
     * The writes go out in JDBC batches; the dead letters themselves are read one at a time from {@code exported}
     * (an import streams its file), so a large import holds only a batch in memory.
     */
    @Override
    public int restoreAll(Iterator<Exported> exported) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            int restored = 0;
            try (PreparedStatement rows = c.prepareStatement(INSERT);
                 PreparedStatement history = c.prepareStatement(INSERT_HISTORY)) {
                Set<String> batched = new HashSet<>();
                while (exported.hasNext()) {
                    Exported e = exported.next();
                    DeadLetter d = e.deadLetter();
                    if (batched.contains(d.svixId()) || svixIdKnown(c, d.svixId())) {
                        continue;
                    }
                    bindInsert(rows, d);
                    rows.addBatch();
                    for (DeadLetterFailure f : e.history()) {
                        bindHistory(history, d.svixId(), f);
                        history.addBatch();
                    }
                    batched.add(d.svixId());
                    restored++;
                    if (batched.size() == RESTORE_BATCH) {
                        rows.executeBatch();
                        history.executeBatch();
                        batched.clear();
                    }
                }
                rows.executeBatch();
                history.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            forceToDisk(c);
            return restored;
        } catch (SQLException e) {
            throw new StoreException("could not restore the dead letters (nothing was stored)", e);
        }
    }

    private static boolean svixIdKnown(Connection c, String svixId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM clerk_dead_letter WHERE svix_id = ?")) {
            ps.setString(1, svixId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** One transaction: the histories of exactly the rows the second statement deletes, by the same conditions. */
    @Override
    public int deleteRange(DeadLetterFilter filter, long fromId, long toId) {
        List<Object> values = new ArrayList<>();
        String where = where(filter, values) + " AND id BETWEEN ? AND ?";
        values.add(fromId);
        values.add(toId);
        return inTransaction("could not delete dead letters #" + fromId + " to #" + toId, c -> {
            try (PreparedStatement history = prepare(c, "DELETE FROM clerk_dead_letter_failure WHERE svix_id IN"
                         + " (SELECT svix_id FROM clerk_dead_letter" + where + ")", values);
                 PreparedStatement rows = prepare(c, "DELETE FROM clerk_dead_letter" + where, values)) {
                history.executeUpdate();
                return rows.executeUpdate();
            }
        });
    }

    /** The history goes first: a crash between the two statements leaves the dead letter, never an orphan event. */
    @Override
    public boolean delete(long id) {
        return inTransaction("could not delete dead letter #" + id, c -> {
            String svixId = svixIdOf(c, id);
            if (svixId == null) {
                return false;
            }
            try (PreparedStatement history = c.prepareStatement("DELETE FROM clerk_dead_letter_failure WHERE svix_id = ?");
                 PreparedStatement row = c.prepareStatement("DELETE FROM clerk_dead_letter WHERE id = ?")) {
                history.setString(1, svixId);
                history.executeUpdate();
                row.setLong(1, id);
                return row.executeUpdate() == 1;
            }
        });
    }

    /** Work on one connection that commits together or not at all. */
    private interface Transaction<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(String failure, Transaction<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(failure, e);
        }
    }

    private static void where(StringBuilder sql, List<Object> values, String condition, Object value) {
        sql.append(condition);
        values.add(value);
    }

    private static String svixIdOf(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT svix_id FROM clerk_dead_letter WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static void appendHistory(Connection c, String svixId, DeadLetterFailure f) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_HISTORY)) {
            bindHistory(ps, svixId, f);
            ps.executeUpdate();
        }
    }

    private static void bindHistory(PreparedStatement ps, String svixId, DeadLetterFailure f) throws SQLException {
        ps.setString(1, svixId);
        ps.setTimestamp(2, Timestamp.from(f.failedAt()));
        ps.setString(3, f.source());
        ps.setString(4, f.errorKind());
        ps.setInt(5, f.httpStatus());
        ps.setString(6, clip(f.error() == null ? "" : f.error(), MAX_ERROR));
        ps.setInt(7, f.attempts());
    }

    private List<DeadLetter> query(String sql, List<Object> values, boolean full) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, values)) {
            List<DeadLetter> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(read(rs, full));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StoreException("could not read dead letters", e);
        }
    }

    /** The filter as a WHERE clause (never empty, so that more conditions can follow with AND). */
    private static String where(DeadLetterFilter filter, List<Object> values) {
        StringBuilder sql = new StringBuilder(" WHERE 1 = 1");
        filter.id().ifPresent(v -> where(sql, values, " AND id = ?", v));
        filter.type().ifPresent(v -> where(sql, values, " AND event_type = ?", v));
        filter.errorKind().ifPresent(v -> where(sql, values, " AND error_kind = ?", v));
        filter.since().ifPresent(v -> where(sql, values, " AND last_failed_at >= ?", Timestamp.from(v)));
        filter.until().ifPresent(v -> where(sql, values, " AND last_failed_at < ?", Timestamp.from(v)));
        filter.upToId().ifPresent(v -> where(sql, values, " AND id <= ?", v));
        return sql.toString();
    }

    private static PreparedStatement prepare(Connection c, String sql, List<Object> values) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < values.size(); i++) {
            ps.setObject(i + 1, values.get(i));
        }
        return ps;
    }

    private static DeadLetter read(ResultSet rs, boolean full) throws SQLException {
        return new DeadLetter(rs.getLong("id"), rs.getString("svix_id"), rs.getString("event_type"),
                rs.getString("convex_function"), rs.getString("error_kind"), rs.getInt("http_status"), rs.getString("error"),
                full ? rs.getString("error_detail") : null, full ? rs.getString("body") : null,
                full ? headers(rs.getString("headers")) : Map.of(), rs.getInt("attempts"),
                rs.getTimestamp("first_failed_at").toInstant(), rs.getTimestamp("last_failed_at").toInstant(),
                full ? rs.getString("trace_id") : null, full ? rs.getString("span_id") : null);
    }

    private static int update(Connection c, DeadLetter d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
            ps.setInt(1, d.attempts());
            ps.setString(2, d.errorKind());
            ps.setInt(3, d.httpStatus());
            ps.setString(4, clip(d.error(), MAX_ERROR));
            ps.setString(5, d.errorDetail());
            ps.setString(6, d.function());
            ps.setTimestamp(7, Timestamp.from(d.lastFailedAt()));
            ps.setString(8, d.traceId());
            ps.setString(9, d.spanId());
            ps.setString(10, d.svixId());
            return ps.executeUpdate();
        }
    }

    private static long insert(Connection c, DeadLetter d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
            bindInsert(ps, d);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static void bindInsert(PreparedStatement ps, DeadLetter d) throws SQLException {
        ps.setString(1, d.svixId());
        ps.setString(2, d.eventType());
        ps.setString(3, d.function());
        ps.setString(4, d.errorKind());
        ps.setInt(5, d.httpStatus());
        ps.setString(6, clip(d.error(), MAX_ERROR));
        ps.setString(7, d.errorDetail());
        ps.setString(8, d.body());
        ps.setString(9, headersJson(d.headers()));
        ps.setInt(10, d.attempts());
        ps.setTimestamp(11, Timestamp.from(d.firstFailedAt()));
        ps.setTimestamp(12, Timestamp.from(d.lastFailedAt()));
        ps.setString(13, d.traceId());
        ps.setString(14, d.spanId());
    }

    private static long idOf(Connection c, String svixId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM clerk_dead_letter WHERE svix_id = ?")) {
            ps.setString(1, svixId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The headers as the store keeps them: a JSON object. */
    public static String headersJson(Map<String, String> headers) {
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> headers(String json) {
        try {
            return JSON.readValue(json, new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
