package io.clerkconvexsync.store;

import io.clerkconvexsync.config.InvalidSettingException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * The embedded H2 database's password: random, generated on the first start into a file in DATA_DIR that only the
 * runtime's user can read, and used by the runtime and the CLI alike. H2's AUTO_SERVER serves the file to other local
 * processes over a loopback port; with a password, only those that can read DATA_DIR get in.
 *
 * <p>A DATA_DIR written before the password existed holds a database of user {@code sa} with an empty password: the
 * first start sets the new password on it (H2's ALTER USER), then writes the file.
 */
public final class H2Credentials {

    public static final String USER = "sa";
    /** In DATA_DIR beside the database; mode 600. */
    public static final String PASSWORD_FILE = "database.password";
    static final String DATABASE_FILE = "clerk-convex-sync.mv.db";

    private H2Credentials() {
    }

    /** The password of the database at {@code jdbcUrl} in {@code dataDir}, generated (and set on an older database) if needed. */
    public static String password(Path dataDir, String jdbcUrl) {
        Path file = dataDir.resolve(PASSWORD_FILE);
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            String password = HexFormat.of().formatHex(randomBytes());
            // written aside first and moved into place last: no file ever holds a password the database does not have
            Path pending = Files.createTempFile(dataDir, PASSWORD_FILE, ".new", FileModes.ownerOnlyFile());
            try {
                Files.writeString(pending, password, StandardCharsets.US_ASCII);
                FileModes.ownerOnly(pending);
                if (Files.exists(dataDir.resolve(DATABASE_FILE))) {
                    setOnExistingDatabase(jdbcUrl, password);
                }
                publish(pending, file);
                return password;
            } catch (FileAlreadyExistsException raced) {
                return read(file); // another process on the same DATA_DIR got there first
            } finally {
                Files.deleteIfExists(pending);
            }
        } catch (IOException e) {
            throw new InvalidSettingException("DATA_DIR", "cannot hold the database password file " + PASSWORD_FILE
                    + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A hard link appears at once and never replaces an existing file, so of two racing processes one wins. */
    private static void publish(Path pending, Path file) throws IOException {
        try {
            Files.createLink(file, pending);
        } catch (UnsupportedOperationException noHardLinks) {
            Files.move(pending, file);
        }
    }

        private static byte[] randomBytes() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static String read(Path file) throws IOException {
        String password = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (password.isEmpty()) {
            throw new InvalidSettingException("DATA_DIR", "holds an empty " + PASSWORD_FILE);
        }
        return password;
    }

    /** The password is hex, so writing it into the statement cannot break out of the quotes. */
    private static void setOnExistingDatabase(String jdbcUrl, String password) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, USER, ""); Statement s = c.createStatement()) {
            s.execute("ALTER USER " + USER + " SET PASSWORD '" + password + "'");
        } catch (SQLException e) {
            throw new InvalidSettingException("DATA_DIR", "holds a database that refuses the default credentials, and no "
                    + PASSWORD_FILE + " to open it with (restore the file, or stop the process holding the database)");
        }
    }
}
