package io.smpsim.machine;

import io.smpsim.cpu.Cpu;
import java.util.SplittableRandom;

/**
 * Steps every core on the calling thread in a seeded interleaving with seeded quanta, so a seed
 * reproduces a run exactly: the same instructions, the same interrupts at the same places. Time
 * follows the same rules as the threaded executor: a running core stays within the skew window of
 * the slowest running core, halted cores follow the slowest running core, and when every core is
 * halted time jumps to the earliest timer deadline.
 *
 * <p>With PCT-style priorities (after Burckhardt et al.'s probabilistic concurrency testing) the
 * core to run is not drawn uniformly: each core gets a seeded priority, the eligible core with the
 * highest runs, and at seeded change points (on average one step in {@code changeEvery}) the running
 * core drops below every other. One core then races ahead to the edge of the skew window while the
 * others stand still, the schedule shape that uniform draws almost never produce and that exposes
 * windows a few instructions wide on one CPU against a long path on another.
 */
public final class DeterministicExecutor implements Executor {
    private final long seed;
    private final long minQuantum;
    private final long maxQuantum;
    private final long window;
    /** 0: uniform choice; else the mean number of steps between PCT priority change points. */
    private final int changeEvery;

    public DeterministicExecutor(long seed) {
        this(seed, 50, 2_000, DEFAULT_SKEW_WINDOW);
    }

    /** PCT-style priorities with a change point every 256 steps on average. */
    public static DeterministicExecutor pct(long seed) {
        return new DeterministicExecutor(seed, 50, 2_000, DEFAULT_SKEW_WINDOW, 256);
    }

    /** Quanta are drawn uniformly from [minQuantum, maxQuantum] cycles. */
    public DeterministicExecutor(long seed, long minQuantum, long maxQuantum, long window) {
        this(seed, minQuantum, maxQuantum, window, 0);
    }

    public DeterministicExecutor(long seed, long minQuantum, long maxQuantum, long window, int changeEvery) {
        if (minQuantum < 1 || maxQuantum < minQuantum || window < 1 || changeEvery < 0) {
            throw new IllegalArgumentException("need 1 <= minQuantum <= maxQuantum, window >= 1, changeEvery >= 0");
        }
        this.seed = seed;
        this.minQuantum = minQuantum;
        this.maxQuantum = maxQuantum;
        this.window = window;
        this.changeEvery = changeEvery;
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
        // PCT: distinct priorities, a seeded permutation; a demoted core goes below every other
        int[] priority = new int[n];
        for (int i = 0; i < n; i++) {
            priority[i] = i;
        }
        for (int i = n - 1; i > 0 && changeEvery > 0; i--) { // the uniform mode draws nothing here
            int j = rnd.nextInt(i + 1);
            int t = priority[i];
            priority[i] = priority[j];
            priority[j] = t;
        }
        int lowest = 0;
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
            int pick;
            if (changeEvery == 0) {
                pick = eligible[rnd.nextInt(count)];
            } else {
                pick = eligible[0];
                for (int k = 1; k < count; k++) {
                    if (priority[eligible[k]] > priority[pick]) {
                        pick = eligible[k];
                    }
                }
                if (rnd.nextInt(changeEvery) == 0) {
                    priority[pick] = --lowest; // a change point: the running core drops below all
                }
            }
            Cpu c = cpus[pick];
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
