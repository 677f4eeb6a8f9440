package io.clerkconvexsync.cli;

import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.ops.LogFormat;
import io.clerkconvexsync.reconcile.ReconcileCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The command line: with no command, or with {@code run}, the runtime; otherwise one of its tools. A new command is one
 * more class in {@code subcommands}.
 *
 * <p>Exit codes: 0 done, 1 the command ran but failed (not found, not delivered, no connection), 2 a setting is missing
 * or malformed (the message names it), 64 bad usage (EX_USAGE from sysexits.h).
 */
@Command(name = "clerk-convex-sync",
        description = "Receives Clerk webhooks (signed by Svix) and keeps Convex users in step.",
        subcommands = {RunCommand.class, SendTestEvent.class, DeadLettersCommand.class, ReconcileCommand.class},
        footer = {"", "With no command, 'run' is meant. Settings come from the environment and application.properties;"
                + " see the README."},
        exitCodeOnInvalidInput = Cli.USAGE)
public final class Cli implements Callable<Integer> {
    /** Bad usage: an unknown command or option, a missing or malformed argument. */
    public static final int USAGE = 64;
    /** A setting is missing or malformed. */
    public static final int INVALID_SETTING = 2;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call() throws Exception {
        return new RunCommand().call();
    }

    /** Runs the command line and returns the process's exit code. */
    public static int execute(String... args) {
        try {
            LogFormat.select(); // before anything logs: logback reads it once
        } catch (InvalidSettingException e) {
            System.err.println(e.getMessage());
            return INVALID_SETTING;
        }
        return commandLine(new Cli()).execute(args);
    }

    /** The command line around {@code command}, with the runtime's exit codes and error messages. */
    static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setParameterExceptionHandler(Cli::badUsage);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            InvalidSettingException invalid = invalidSetting(e);
            if (invalid == null) {
                throw e;
            }
            commandLine.getErr().println(invalid.getMessage());
            return INVALID_SETTING;
        });
        return cli;
    }

    /** One line naming what was wrong, then where help is, rather than the whole usage text. */
    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        if (e instanceof UnmatchedArgumentException unmatched && !command.getSubcommands().isEmpty()
                && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
            err.println("Unknown command '" + unmatched.getUnmatched().get(0) + "' for '"
                    + command.getCommandSpec().qualifiedName() + "'. Commands: "
                    + String.join(", ", command.getSubcommands().keySet()) + ".");
        } else {
            err.println(e.getMessage());
        }
        err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        return USAGE;
    }

    static InvalidSettingException invalidSetting(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidSettingException invalid) {
                return invalid;
            }
        }
        return null;
    }
}
