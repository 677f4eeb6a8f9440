package io.clerkconvexsync.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Cli.commandLine(new Cli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void helpListsEveryCommandAndNotCamelsRunnerOptions() {
        assertEquals(0, run("--help"));
        String help = out.toString();
        for (String command : new String[] {"run", "send-test-event", "dead-letters"}) {
            assertTrue(help.contains("  " + command + " "), command + " should be listed: " + help);
        }
        assertFalse(help.contains("-properties"), "Camel Main's runner options are not ours: " + help);
    }

    /** Issue 21, finding 10: the description names what it syncs, and no identifier is broken at a dot. */
    @Test
    void helpSaysWhatItSyncsAndNeverBreaksAnIdentifierAtADot() {
        assertEquals(0, run("--help"));
        String top = out.toString();
        assertFalse(top.contains("keeps Convex users in step"), "users are not all it syncs: " + top);
        for (String kind : new String[] {"users", "organizations", "memberships", "roles", "billing", "invitations"}) {
            assertTrue(top.contains(kind), kind + " is named: " + top);
        }
        for (String[] args : helpOfEveryCommand(Cli.commandLine(new Cli()), new java.util.ArrayList<>())) {
            out.getBuffer().setLength(0);
            assertEquals(0, run(args), String.join(" ", args));
            java.util.List<String> lines = out.toString().lines().toList();
            // a continuation line (indented) going on in lower case after a line ending in "word."
            for (int i = 0; i + 1 < lines.size(); i++) {
                assertFalse(lines.get(i).matches(".*\\w\\.$") && lines.get(i + 1).matches(" {3,}[a-z].*"),
                        String.join(" ", args) + " breaks an identifier at a dot:\n" + lines.get(i) + "\n" + lines.get(i + 1));
            }
        }
    }

    /** {@code --help} after every command's path, the top one included. */
    private static java.util.List<String[]> helpOfEveryCommand(CommandLine command, java.util.List<String> path) {
        java.util.List<String[]> all = new java.util.ArrayList<>();
        java.util.List<String> args = new java.util.ArrayList<>(path);
        args.add("--help");
        all.add(args.toArray(String[]::new));
        command.getSubcommands().forEach((name, sub) -> {
            java.util.List<String> deeper = new java.util.ArrayList<>(path);
            deeper.add(name);
            all.addAll(helpOfEveryCommand(sub, deeper));
        });
        return all;
    }

    @Test
    void subcommandHelpListsItsCommands() {
        assertEquals(0, run("dead-letters", "--help"));
        for (String command : new String[] {"list", "show", "replay", "purge"}) {
            assertTrue(out.toString().contains("  " + command + " "), command + " should be listed: " + out);
        }
    }

    @Test
    void anUnknownCommandIsNamedWithExitCode64() {
        assertEquals(64, run("frobnicate"));
        assertTrue(err.toString().startsWith("Unknown command 'frobnicate' for 'clerk-convex-sync'"), err.toString());
        assertTrue(err.toString().contains("--help"), "says where help is: " + err);
    }

    @Test
    void anUnknownDeadLettersCommandIsNamedWithExitCode64() {
        assertEquals(64, run("dead-letters", "frobnicate"));
        assertTrue(err.toString().startsWith("Unknown command 'frobnicate' for 'clerk-convex-sync dead-letters'"),
                err.toString());
        assertTrue(err.toString().contains("list, show, replay, purge"), err.toString());
    }

    @Test
    void deadLettersWithoutACommandSaysWhichExist() {
        assertEquals(64, run("dead-letters"));
        assertTrue(err.toString().contains("'dead-letters' needs a command: list, show, replay, purge"), err.toString());
    }

    @Test
    void anUnknownOptionIsBadUsage() {
        assertEquals(64, run("send-test-event", "--frobnicate"));
        assertTrue(err.toString().contains("'--frobnicate'"), err.toString());
        assertEquals(64, run("send-test-event", "user.frobnicated"));
        assertTrue(err.toString().contains("Unknown event type 'user.frobnicated'"), err.toString());
    }

    @Test
    void aBadReconcileKindsIsBadUsageBeforeAnythingStarts() {
        assertEquals(64, run("reconcile", "--kinds", "users,teams"));
        assertTrue(err.toString().startsWith("--kinds 'users,teams' is not a comma-separated list of roles,organizations,users,"
                + "memberships,invitations,plans,subscriptionItems"), err.toString());
        assertEquals(64, run("reconcile", "--kinds"), "a missing value");
    }
}
