package io.smpsim.cli;

/** Whether the process talks to a person at a terminal (progress bar) or to a log (status lines). */
final class Terminal {
    private Terminal() {}

    static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal() && System.getenv("SMPSIM_NO_PROGRESS") == null;
    }
}
