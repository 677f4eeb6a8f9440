package io.clerkconvexsync.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps {@code --help} from breaking identifiers at their dots ({@code organization.⏎deleted},
 * {@code reconcile.⏎max-delete-fraction}). picocli wraps text where {@link java.text.BreakIterator#getLineInstance()}
 * allows, which includes after a dot followed by a letter, and it offers no setting for that (it protects only '-', by
 * hiding it from the iterator). So the same trick for dots: inside identifiers they are swapped for a letter the
 * texts never hold before picocli lays the help out, and swapped back in what each help section renders.
 */
final class HelpText {
    /** A letter to the line-break rules (picocli hides '-' behind the same one); never in the help texts. */
    private static final char DOT_STAND_IN = '\u00ff';
    private static final Pattern IDENTIFIER_DOT = Pattern.compile("(?<=\\w)\\.(?=\\w)");

    private HelpText() {
    }

    /** Applies to {@code cli} and all its subcommands. */
    static void keepIdentifiersWhole(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        spec.usageMessage().description(hide(spec.usageMessage().description()));
        spec.usageMessage().footer(hide(spec.usageMessage().footer()));
        // options are immutable: one whose description changes is replaced (only those, so the rest stay as built)
        for (OptionSpec option : List.copyOf(spec.options())) {
            String[] hidden = hide(option.description());
            if (!Arrays.equals(hidden, option.description())) {
                spec.remove(option);
                spec.addOption(option.toBuilder().description(hidden).build());
            }
        }
        for (PositionalParamSpec positional : List.copyOf(spec.positionalParameters())) {
            String[] hidden = hide(positional.description());
            if (!Arrays.equals(hidden, positional.description())) {
                spec.remove(positional);
                spec.addPositional(positional.toBuilder().description(hidden).build());
            }
        }
        cli.getHelpSectionMap().replaceAll((section, renderer) ->
                help -> renderer.render(help).replace(DOT_STAND_IN, '.'));
        cli.getSubcommands().values().forEach(HelpText::keepIdentifiersWhole);
    }

    private static String[] hide(String[] lines) {
        String[] hidden = new String[lines.length];
        for (int i = 0; i < lines.length; i++) {
            hidden[i] = IDENTIFIER_DOT.matcher(lines[i]).replaceAll(String.valueOf(DOT_STAND_IN));
        }
        return hidden;
    }
}
