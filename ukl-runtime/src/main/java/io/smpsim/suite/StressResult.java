package io.smpsim.suite;

import io.smpsim.check.Violation;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What a stress run did and found.
 *
 * @param ending            why the run ended
 * @param drainedAtSyscalls the system-call count when the budget ran out (-1: it did not), which a
 *                          replay uses as its budget so that it starts the same processes
 * @param wakeupLatency     cycles from a wakeup to the woken task running
 */
public record StressResult(StressConfig config, Ending ending, long instructions, long cycles,
                           double hostSeconds, long syscalls, long interrupts, long exceptions, long contextSwitches,
                           long migrations, long doubleFaults, long stackGrowths, long processesChecked,
                           long injections, long drainedAtSyscalls, Histogram wakeupLatency, List<Violation> violations,
                           Coverage coverage) {
    /** Why a run ended. */
    public enum Ending {
        /** The budget was spent and every process in flight finished and was checked. */
        DRAINED,
        /** An invariant broke (the run stops at the first violation). */
        VIOLATION,
        /** The cycle limit was reached. */
        CYCLE_LIMIT,
        /** It was stopped from outside (a signal, a hard deadline) before it drained. */
        STOPPED,
        /** Still running: a snapshot. */
        RUNNING
    }

    public boolean clean() {
        return violations.isEmpty();
    }

    public double syscallsPerSecond() {
        return hostSeconds > 0 ? syscalls / hostSeconds : 0;
    }

    /** Simulated cycles per system call over all CPUs (the run's cycles times its CPUs). */
    public double cyclesPerSyscall() {
        return syscalls > 0 ? (double) cycles * config.cores() / syscalls : 0;
    }
}
