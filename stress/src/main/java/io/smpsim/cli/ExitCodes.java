package io.smpsim.cli;

/** Exit codes of every smpsim command. */
public final class ExitCodes {
    private ExitCodes() {}

    /** The run completed and found no violation. */
    public static final int OK = 0;
    /** A violation was found (and reported). */
    public static final int VIOLATION = 1;
    /** The command line or an input file was wrong. */
    public static final int USAGE = 2;
    /** smpsim itself failed. */
    public static final int INTERNAL = 3;
}
