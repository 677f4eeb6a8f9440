package io.clerkconvexsync.cli;

import io.clerkconvexsync.store.DeadLetterStore;
import io.clerkconvexsync.admin.DeadLetterTransfer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code dead-letters export} (JSON lines to standard output) and {@code dead-letters import <file>}: moves dead letters
 * between stores, e.g. from the embedded H2 of one instance to the PostgreSQL of several, and keeps a backup.
 */
final class DeadLetterTransferCommand {
    static final String EXPORT = "export";
    static final String IMPORT = "import";
    static final String USAGE = """
              export                        every dead letter with its history, one JSON object per line, to stdout
              import <file>                 the dead letters of an export file; svix-ids already stored are skipped""";

    private DeadLetterTransferCommand() {
    }

    static boolean handles(String[] args) {
        return args.length >= 2 && (EXPORT.equals(args[1]) || IMPORT.equals(args[1]));
    }

    /** Checks the arguments before any database is opened; empty when they are right. */
    static String usageError(String[] args) {
        if (EXPORT.equals(args[1]) && args.length != 2) {
            return "export takes no arguments";
        }
        if (IMPORT.equals(args[1]) && args.length != 3) {
            return "import takes one file";
        }
        return "";
    }

    /** Exit code 0 on success, 1 when the file cannot be read or holds a line that is not a dead letter. */
    static int run(String[] args, DeadLetterStore store, PrintStream out, PrintStream err) throws IOException {
        DeadLetterTransfer transfer = new DeadLetterTransfer(store);
        if (EXPORT.equals(args[1])) {
            int count = transfer.exportTo(out);
            err.println(count + " dead letter(s) exported");
            return 0;
        }
        Path file = Path.of(args[2]);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            DeadLetterTransfer.ImportResult result = transfer.importFrom(in);
            out.println(result.imported() + " dead letter(s) imported, " + result.skipped()
                    + " skipped (their svix-id was already stored)");
            return 0;
        } catch (NoSuchFileException e) {
            err.println("No such file: " + file);
            return 1;
        } catch (DeadLetterTransfer.MalformedLineException e) {
            err.println("Nothing imported: " + file + " " + e.getMessage());
            return 1;
        }
    }
}
