package io.smpsim.machine;

import io.smpsim.cpu.Cpu;
import java.util.SplittableRandom;

/**
 * Steps every core on the calling thread in a seeded interleaving with seeded quanta, so a seed
 * reproduces a run exactly: the same instructions, the same interrupts at the same places. Time
 * follows the same rules as the threaded executor: a running core stays within the skew window of
 * the slowest running core, halted cores follow the slowest running core, and when every core is
 * halted time jumps to the earliest timer deadline.
 */
public final class DeterministicExecutor implements Executor {
    private final long seed;
    private final long minQuantum;
    private final long maxQuantum;
    private final long window;

    public DeterministicExecutor(long seed) {
        this(seed, 50, 2_000, DEFAULT_SKEW_WINDOW);
    }

    /** Quanta are drawn uniformly from [minQuantum, maxQuantum] cycles. */
    public DeterministicExecutor(long seed, long minQuantum, long maxQuantum, long window) {
        if (minQuantum < 1 || maxQuantum < minQuantum || window < 1) {
            throw new IllegalArgumentException("need 1 <= minQuantum <= maxQuantum and window >= 1");
        }
        this.seed = seed;
        this.minQuantum = minQuantum;
        this.maxQuantum = maxQuantum;
        this.window = window;
    }

    public long seed() {
        return seed;
    }

    @Override
    public RunResult run(Machine m, RunLimits limits) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = m.cores();
        Cpu[] cpus = m.cpus().toArray(Cpu[]::new);
        int[] eligible = new int[n];
        long startRetired = m.retired();
        long t0 = System.nanoTime();
        RunResult.Outcome outcome;
        while (true) {
            if (limits.stopRequested()) {
                outcome = RunResult.Outcome.STOPPED;
                break;
            }
            long done = m.retired() - startRetired;
            if (limits.maxInstructions() > 0 && done >= limits.maxInstructions()) {
                outcome = RunResult.Outcome.INSTRUCTION_LIMIT;
                break;
            }
            long minRunning = Long.MAX_VALUE;
            for (Cpu c : cpus) {
                if (c.state() == Cpu.State.RUNNING) {
                    minRunning = Math.min(minRunning, c.cycles());
                }
            }
            if (limits.maxCycles() > 0 && minRunning != Long.MAX_VALUE && minRunning >= limits.maxCycles()) {
                outcome = RunResult.Outcome.CYCLE_LIMIT;
                break;
            }
            if (minRunning != Long.MAX_VALUE) {
                for (Cpu c : cpus) {
                    if (c.state() == Cpu.State.HALTED) {
                        c.advanceIdleClock(minRunning);
                        if (c.canWake()) {
                            c.wake();
                        }
                    }
                }
            } else if (!wakeIdle(cpus)) {
                outcome = RunResult.Outcome.ALL_STOPPED;
                break;
            } else {
                continue;
            }
            int count = 0;
            for (int i = 0; i < n; i++) {
                Cpu c = cpus[i];
                if (c.state() == Cpu.State.RUNNING && c.cycles() <= minRunning + window) {
                    eligible[count++] = i;
                }
            }
            Cpu c = cpus[eligible[rnd.nextInt(count)]];
            long quantum = minQuantum + rnd.nextLong(maxQuantum - minQuantum + 1);
            long minOther = Long.MAX_VALUE;
            for (Cpu o : cpus) {
                if (o != c && o.state() == Cpu.State.RUNNING) {
                    minOther = Math.min(minOther, o.cycles());
                }
            }
            long limit = c.cycles() + quantum;
            if (minOther != Long.MAX_VALUE) {
                limit = Math.min(limit, Math.max(minOther + window, c.cycles() + 1));
            }
            if (limits.maxCycles() > 0) {
                limit = Math.min(limit, Math.max(limits.maxCycles(), c.cycles() + 1));
            }
            long insLimit = limits.maxInstructions() > 0 ? limits.maxInstructions() - done : Long.MAX_VALUE;
            c.run(limit, insLimit);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long maxCycles = 0;
        for (Cpu c : cpus) {
            maxCycles = Math.max(maxCycles, c.cycles());
        }
        return new RunResult(outcome, m.retired() - startRetired, maxCycles, secs);
    }

    /**
     * Every core is halted or shut down: wake those with something pending, else jump time to the
     * earliest timer deadline. Returns false if nothing can ever wake.
     */
    static boolean wakeIdle(Cpu[] cpus) {
        boolean woke = false;
        for (Cpu c : cpus) {
            if (c.state() == Cpu.State.HALTED && c.canWake()) {
                c.wake();
                woke = true;
            }
        }
        if (woke) {
            return true;
        }
        long deadline = Long.MAX_VALUE;
        for (Cpu c : cpus) {
            if (c.state() == Cpu.State.HALTED) {
                deadline = Math.min(deadline, c.nextDeadline());
            }
        }
        if (deadline == Long.MAX_VALUE) {
            return false;
        }
        for (Cpu c : cpus) {
            if (c.state() == Cpu.State.HALTED) {
                c.advanceIdleClock(deadline);
                if (c.canWake()) {
                    c.wake();
                    woke = true;
                }
            }
        }
        return woke;
    }
}
