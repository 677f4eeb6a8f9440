package io.clerkconvexsync.cli;

import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.ops.LogFormat;
import io.clerkconvexsync.runtime.RuntimeMain;
import io.clerkconvexsync.store.StoreException;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The command line: with no command, or with {@code run}, the runtime; otherwise one of its tools. A new command is one
 * more class in {@code subcommands}.
 *
 * <p>Exit codes: 0 done, 1 the command ran but failed (not found, not delivered, no connection), 2 a setting is missing
 * or malformed (the message names it), 64 bad usage (EX_USAGE from sysexits.h).
 */
@Command(name = "clerk-convex-sync",
        description = "Receives Clerk webhooks (signed by Svix) and keeps Convex in step with Clerk: users,"
                + " organizations, memberships, roles, billing and invitations; reconciles them from Clerk's Backend API"
                + " and keeps what Convex refused as dead letters.",
        subcommands = {RunCommand.class, SendTestEvent.class, DeadLettersCommand.class, ReconcileCommand.class},
        footer = {"", "With no command, 'run' is meant. Settings come from the environment and application.properties;"
                + " see the README."},
        exitCodeOnInvalidInput = Cli.USAGE)
public final class Cli implements Callable<Integer> {
    /** Bad usage: an unknown command or option, a missing or malformed argument. */
    public static final int USAGE = 64;
    /** The command ran but failed (not found, not delivered, no connection, the database unreachable at startup). */
    public static final int FAILED = 1;
    /** A setting is missing or malformed. */
    public static final int INVALID_SETTING = 2;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call() throws Exception {
        return new RunCommand().call();
    }

    /**
     * The level of the libraries' log lines (logback.xml's root logger). A command other than {@code run} prints its
     * own output and real warnings only: Camel's, HikariCP's and Flyway's INFO lines on starting and stopping what the
     * command opens would bury it. {@code -D}{@value}{@code =INFO} shows them again.
     */
    public static final String LOG_LEVEL_PROPERTY = "clerk-convex-sync.log-level";

    /** Runs the command line and returns the process's exit code. */
    public static int execute(String... args) {
        try {
            LogFormat.select(); // before anything logs: logback reads it once
        } catch (InvalidSettingException e) {
            System.err.println(e.getMessage());
            return INVALID_SETTING;
        }
        boolean runtime = args.length == 0 || "run".equals(args[0]);
        if (!runtime && System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, "WARN");
        }
        // With no arguments only the runtime's own command is built: picocli's model of every command and option
        // took 0.2 s of a 1.4 s start (BENCHMARKS.md, "Start"); its exit codes and error lines stay the same
        return args.length == 0 ? commandLine(new RunCommand()).execute() : commandLine(new Cli()).execute(args);
    }

    /** The command line around {@code command}, with the runtime's exit codes and error messages. */
    static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command);
        HelpText.keepIdentifiersWhole(cli);
        cli.setParameterExceptionHandler(Cli::badUsage);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            InvalidSettingException invalid = cause(e, InvalidSettingException.class);
            if (invalid != null) {
                commandLine.getErr().println(invalid.getMessage());
                return INVALID_SETTING;
            }
            // The database unreachable or refusing at startup: one line with the driver's reason, not a stack trace;
            // exit 1 (not 2) because the settings may be right and an orchestrator's restart then gets it going.
            StoreException store = cause(e, StoreException.class);
            if (store != null) {
                commandLine.getErr().println("Cannot start: " + store.getMessage() + ": " + DeadLettersCommand.rootMessage(store));
                return FAILED;
            }
            throw e;
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

    static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * Reads settings as the runtime does (application.properties with its env overrides) without starting Camel: for
     * the commands that only need a few of them.
     */
    public static <T> T withSettings(Function<CamelContext, T> read) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation(RuntimeMain.PROPERTY_LOCATIONS);
            return read.apply(context);
        }
    }
}
