package io.smpsim.cli;

import picocli.CommandLine;

/** Entry point of the {@code smpsim} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (0 ok, 1 violation found, 2 usage, 3 internal). */
    public static int execute(String... args) {
        return SmpsimCommand.commandLine().execute(args);
    }
}
