package io.smpsim.cli;

import io.smpsim.asm.AsmException;
import io.smpsim.report.ReportException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code smpsim} command and its error handling. */
@Command(name = "smpsim", mixinStandardHelpOptions = true, versionProvider = SmpsimCommand.Version.class,
    description = "Multi-core x86-64 simulator for stress-testing the UKL system-call entry path.",
    subcommands = {StressCommand.class, ReplayCommand.class, VariantsCommand.class, SoakCommand.class,
        MergeCommand.class, RunCommand.class, CommandLine.HelpCommand.class})
public final class SmpsimCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** A configured command line: usage errors exit 2 with a one-line reason, internal errors exit 3. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SmpsimCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof UsageException || ex instanceof AsmException || ex instanceof ReportException) {
                err.println(ex.getMessage());
                return ExitCodes.USAGE;
            }
            err.println("smpsim: internal error: " + ex);
            if (System.getenv("SMPSIM_DEBUG") != null) {
                ex.printStackTrace(err);
            } else {
                err.println("(set SMPSIM_DEBUG=1 for the stack trace)");
            }
            return ExitCodes.INTERNAL;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            if (ex instanceof CommandLine.UnmatchedArgumentException u && cmd.getParent() == null
                    && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
                err.println("smpsim: unknown command `" + u.getUnmatched().get(0) + "'; the commands are "
                    + String.join(", ", cmd.getSubcommands().keySet()));
                return ExitCodes.USAGE;
            }
            err.println(cmd.getCommandName() + ": " + ex.getMessage());
            err.println("Try `" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
            return ExitCodes.USAGE;
        });
        return cl;
    }

    /** The version, from the jar manifest when packaged. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SmpsimCommand.class.getPackage().getImplementationVersion();
            return new String[] {"smpsim " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
