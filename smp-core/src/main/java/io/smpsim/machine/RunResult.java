package io.smpsim.machine;

/** How a run ended and how much it did. */
public record RunResult(Outcome outcome, long instructions, long cycles, double hostSeconds) {
    public enum Outcome {
        /** Every core halted with nothing that can wake it, or shut down. */
        ALL_STOPPED,
        /** The instruction limit was reached. */
        INSTRUCTION_LIMIT,
        /** The cycle limit was reached. */
        CYCLE_LIMIT,
        /** Someone asked the run to stop (a signal, a checker, a watchdog). */
        STOPPED
    }

    /** Simulated instructions per host second, in millions. */
    public double mips() {
        return hostSeconds > 0 ? instructions / hostSeconds / 1e6 : 0;
    }
}
