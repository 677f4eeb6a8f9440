package io.clerkconvexsync.cli;

import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.JdbcDeadLetterStore;
import io.clerkconvexsync.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadLettersExportImportTest {
    final TestDatabase from = TestDatabase.create(TestDatabase.Engine.H2);
    final TestDatabase to = TestDatabase.create(TestDatabase.Engine.H2);
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path temp;

    @AfterEach
    void close() {
        from.close();
        to.close();
    }

    @Test
    void exportWritesJsonLinesToStdoutThatImportReadsBackFromAFile() throws Exception {
        JdbcDeadLetterStore source = new JdbcDeadLetterStore(from.open());
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        source.record(new DeadLetter(0, "msg_cli", "user.created", "users:upsertFromClerk", "function_error", 200,
                "refused", null, "{}", Map.of(), 1, at, at));
        assertEquals(0, DeadLettersCommand.run(new String[] {"dead-letters", "export"}, source, print(out), print(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("1 dead letter(s) exported"), err.toString(StandardCharsets.UTF_8));

        Path file = Files.writeString(temp.resolve("backup.jsonl"), out.toString(StandardCharsets.UTF_8));
        out.reset();
        JdbcDeadLetterStore target = new JdbcDeadLetterStore(to.open());
        assertEquals(0, DeadLettersCommand.run(new String[] {"dead-letters", "import", file.toString()}, target,
                print(out), print(err)));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("1 dead letter(s) imported, 0 skipped"),
                out.toString(StandardCharsets.UTF_8));
        assertEquals("msg_cli", target.list().get(0).svixId(), "the dead letter arrived");
    }

    @Test
    void importOfAMissingOrMalformedFileSaysSoAndExitsOne() throws Exception {
        JdbcDeadLetterStore target = new JdbcDeadLetterStore(to.open());
        assertEquals(1, DeadLettersCommand.run(new String[] {"dead-letters", "import", temp.resolve("none").toString()},
                target, print(out), print(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("No such file"), err.toString(StandardCharsets.UTF_8));

        Path bad = Files.writeString(temp.resolve("bad.jsonl"), "[1,2]\n");
        assertEquals(1, DeadLettersCommand.run(new String[] {"dead-letters", "import", bad.toString()}, target,
                print(out), print(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Nothing imported: " + bad + " line 1: not a JSON object"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(64, DeadLettersCommand.run(new String[] {"dead-letters", "import"}, target, print(out), print(err)),
                "import without a file is bad usage");
    }

    @Test
    void importOfALineTooLongForTheStoreNamesLineAndFieldExitsOneAndStoresNothing() throws Exception {
        JdbcDeadLetterStore target = new JdbcDeadLetterStore(to.open());
        StringBuilder file = new StringBuilder();
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        for (int i = 1; i <= 11; i++) {
            String svixId = i == 6 ? "msg_" + "x".repeat(296) : "msg_" + i;
            file.append(io.clerkconvexsync.admin.DeadLetterAdmin.full(new DeadLetter(0, svixId, "user.created", null,
                    "rejected", 400, "bad", null, "{}", Map.of(), 1, at, at), java.util.List.of())).append('\n');
        }
        Path path = Files.writeString(temp.resolve("eleven.jsonl"), file);
        assertEquals(1, DeadLettersCommand.run(new String[] {"dead-letters", "import", path.toString()}, target,
                print(out), print(err)));
        assertEquals("Nothing imported: " + path + " line 6: svixId is 300 characters, more than the 200 the store holds",
                err.toString(StandardCharsets.UTF_8).strip());
        assertEquals(0, target.count(), "none of the five lines before it is stored");
    }

    @Test
    void exportToAFileCreatesItOwnerOnlyAndNeverOverwrites() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews()
                .contains("posix"), "POSIX file modes");
        JdbcDeadLetterStore source = new JdbcDeadLetterStore(from.open());
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        source.record(new DeadLetter(0, "msg_file", "user.created", null, "rejected", 400, "bad", null, "{}", Map.of(), 1,
                at, at));
        Path file = temp.resolve("backup.jsonl");
        assertEquals(0, DeadLettersCommand.run(new String[] {"dead-letters", "export", "--output", file.toString()},
                source, print(out), print(err)), err.toString(StandardCharsets.UTF_8));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).contains("msg_file"), "the export is in the file");
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing on standard output");

        Files.writeString(file, "kept");
        assertEquals(1, DeadLettersCommand.run(new String[] {"dead-letters", "export", "-o", file.toString()},
                source, print(out), print(err)));
        assertEquals("kept", Files.readString(file), "an existing file is left alone");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("exists already"), err.toString(StandardCharsets.UTF_8));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
