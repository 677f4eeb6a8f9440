package io.clerkconvexsync.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/** Owner-only modes for what the runtime writes (DATA_DIR, exports), on file systems that have POSIX modes. */
public final class FileModes {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private FileModes() {
    }

    /** Creates the directory (and its parents) with mode 700 when it does not exist; an existing one is left as it is. */
    static void createOwnerOnlyDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.toAbsolutePath().getParent() != null) {
            Files.createDirectories(dir.toAbsolutePath().getParent());
        }
        if (POSIX) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // the umask may have taken bits away, never added them; set the mode exactly anyway
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } else {
            Files.createDirectory(dir);
        }
    }

    /**
     * The mode of a directory that group or others may read, enter or write, as {@code rwxr-xr-x}; empty when only its
     * owner may (or the file system has no POSIX modes).
     */
    static Optional<String> openToOthers(Path dir) throws IOException {
        if (!POSIX) {
            return Optional.empty();
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        boolean open = mode.stream().anyMatch(p -> !p.name().startsWith("OWNER_"));
        return open ? Optional.of(PosixFilePermissions.toString(mode)) : Optional.empty();
    }

    /** Creates an empty file with mode 600 unless it exists, so that whoever appends to it later keeps that mode. */
    static void createOwnerOnlyIfAbsent(Path file) throws IOException {
        try {
            Files.createFile(file, ownerOnlyFile());
            ownerOnly(file);
        } catch (FileAlreadyExistsException exists) {
            ownerOnly(file);
        }
    }

    /** Mode 600. */
    static void ownerOnly(Path file) throws IOException {
        if (POSIX && Files.exists(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /**
     * A new file, mode 600 from its creation whatever the umask, open for writing.
     *
     * @throws java.nio.file.FileAlreadyExistsException when it exists: an export never overwrites a file
     */
    public static OutputStream createOwnerOnlyFile(Path file) throws IOException {
        Files.createFile(file, ownerOnlyFile());
        ownerOnly(file);
        return new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.WRITE));
    }

    static FileAttribute<?>[] ownerOnlyFile() {
        return POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }
}
