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
