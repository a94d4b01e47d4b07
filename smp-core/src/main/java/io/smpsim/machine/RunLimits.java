package io.smpsim.machine;

/**
 * Limits and the stop signal of one run. A stop request (Ctrl-C, a checker that found a violation,
 * a watchdog) makes the executor return at the next quantum boundary of every core.
 */
public final class RunLimits {
    private final long maxInstructions;
    private final long maxCycles;
    private volatile boolean stop;
    private volatile String stopReason;

    /**
     * @param maxInstructions total instructions over all cores (0: no limit)
     * @param maxCycles       simulated cycles of the slowest running core (0: no limit)
     */
    public RunLimits(long maxInstructions, long maxCycles) {
        if (maxInstructions < 0 || maxCycles < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        this.maxInstructions = maxInstructions;
        this.maxCycles = maxCycles;
    }

    public static RunLimits none() {
        return new RunLimits(0, 0);
    }

    public long maxInstructions() {
        return maxInstructions;
    }

    public long maxCycles() {
        return maxCycles;
    }

    public void requestStop(String reason) {
        if (!stop) {
            stopReason = reason;
            stop = true;
        }
    }

    public boolean stopRequested() {
        return stop;
    }

    public String stopReason() {
        return stopReason;
    }
}
