package io.smpsim.machine;

import io.smpsim.cpu.Cpu;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One JVM platform thread per simulated core, all running the same step code as the
 * deterministic executor. Time rules (DESIGN §6):
 * <ul>
 * <li>A running core may not get more than {@code window} cycles ahead of the slowest core; it
 *     waits (spin, then yield, then a short park). A halted core with a timer counts as being at
 *     its deadline, so nobody runs far past the moment it must wake.</li>
 * <li>A halted core's thread parks. The delivery that wakes it unparks it ({@link Cpu#signal()}); a
 *     running core that passes its deadline unparks it too. On waking it joins the slowest
 *     running core's time.</li>
 * <li>When every core is halted, time jumps to the earliest deadline.</li>
 * <li>The run ends when a limit is reached, a stop is requested, or every core is halted with
 *     nothing that can wake it (checked by the calling thread, which supervises).</li>
 * </ul>
 */
public final class ThreadedExecutor implements Executor {
    private static final long MAX = Long.MAX_VALUE;
    private final long quantum;
    private final long window;

    public ThreadedExecutor() {
        this(2_000, DEFAULT_SKEW_WINDOW);
    }

    public ThreadedExecutor(long quantum, long window) {
        if (quantum < 1 || window < 1) {
            throw new IllegalArgumentException("quantum and window must be positive");
        }
        this.quantum = quantum;
        this.window = window;
    }

    @Override
    public RunResult run(Machine m, RunLimits limits) {
        return new Run(m, limits).execute();
    }

    /** The state of one run, shared by the core threads and the supervising caller. */
    private final class Run {
        final Machine machine;
        final RunLimits limits;
        final Cpu[] cpus;
        final int n;
        /** Cycles of each running core; MAX while halted or shut down (whom halted cores follow). */
        final AtomicLongArray clock;
        /** Where each core is in time for the skew bound: running = cycles, halted = its deadline. */
        final AtomicLongArray horizon;
        final AtomicLongArray retiredAt;
        final AtomicInteger running = new AtomicInteger();
        final AtomicLong wakeups = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final boolean oversubscribed;
        final long startRetired;
        volatile boolean done;
        volatile RunResult.Outcome outcome;

        Run(Machine m, RunLimits limits) {
            this.machine = m;
            this.limits = limits;
            this.cpus = m.cpus().toArray(Cpu[]::new);
            this.n = cpus.length;
            this.clock = new AtomicLongArray(n);
            this.horizon = new AtomicLongArray(n);
            this.retiredAt = new AtomicLongArray(n);
            this.oversubscribed = Runtime.getRuntime().availableProcessors() < n;
            this.startRetired = m.retired();
            for (int i = 0; i < n; i++) {
                Cpu c = cpus[i];
                boolean run = c.state() == Cpu.State.RUNNING;
                clock.set(i, run ? c.cycles() : MAX);
                horizon.set(i, run ? c.cycles() : (c.state() == Cpu.State.HALTED ? c.nextDeadline() : MAX));
                retiredAt.set(i, c.retired());
                if (run) {
                    running.incrementAndGet();
                }
            }
        }

        RunResult execute() {
            long t0 = System.nanoTime();
            Thread[] threads = new Thread[n];
            for (int i = 0; i < n; i++) {
                final int id = i;
                threads[i] = Thread.ofPlatform().name("smpsim-cpu-" + i).unstarted(() -> work(id));
                threads[i].setUncaughtExceptionHandler((t, e) -> {
                    failure.compareAndSet(null, e);
                    finish(RunResult.Outcome.STOPPED);
                });
            }
            for (Thread t : threads) {
                t.start();
            }
            supervise();
            for (int i = 0; i < n; i++) {
                cpus[i].requestStop();
                LockSupport.unpark(threads[i]);
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (Cpu c : cpus) {
                c.clearStop();
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a core thread failed", failure.get());
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long maxCycles = 0;
            for (Cpu c : cpus) {
                maxCycles = Math.max(maxCycles, c.cycles());
            }
            return new RunResult(outcome, machine.retired() - startRetired, maxCycles, secs);
        }

        void finish(RunResult.Outcome o) {
            if (!done) {
                outcome = o;
                done = true;
            }
        }

        /** The calling thread watches the limits and detects quiescence. */
        void supervise() {
            long quietSince = -1;
            long lastWakeups = -1;
            long lastRetired = -1;
            while (!done) {
                LockSupport.parkNanos(2_000_000);
                if (limits.stopRequested()) {
                    finish(RunResult.Outcome.STOPPED);
                    break;
                }
                long retired = totalRetired();
                if (limits.maxInstructions() > 0 && retired >= limits.maxInstructions()) {
                    finish(RunResult.Outcome.INSTRUCTION_LIMIT);
                    break;
                }
                if (running.get() == 0 && allHorizonsEndless()) {
                    long w = wakeups.get();
                    if (quietSince < 0 || w != lastWakeups || retired != lastRetired) {
                        quietSince = System.nanoTime();
                        lastWakeups = w;
                        lastRetired = retired;
                    } else if (System.nanoTime() - quietSince > 20_000_000) {
                        finish(RunResult.Outcome.ALL_STOPPED);
                        break;
                    }
                } else {
                    quietSince = -1;
                }
            }
        }

        long totalRetired() {
            long s = 0;
            for (int i = 0; i < n; i++) {
                s += retiredAt.get(i);
            }
            return s - startRetired;
        }

        boolean allHorizonsEndless() {
            for (int i = 0; i < n; i++) {
                if (horizon.get(i) != MAX) {
                    return false;
                }
            }
            return true;
        }

        long minHorizonOthers(int self) {
            long min = MAX;
            for (int i = 0; i < n; i++) {
                if (i != self) {
                    min = Math.min(min, horizon.get(i));
                }
            }
            return min;
        }

        long minClock() {
            long min = MAX;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, clock.get(i));
            }
            return min;
        }

        void work(int i) {
            Cpu c = cpus[i];
            while (!done) {
                switch (c.state()) {
                    case RUNNING -> step(i, c);
                    case HALTED -> idle(i, c);
                    default -> {
                        clock.set(i, MAX);
                        horizon.set(i, MAX);
                        while (!done) {
                            LockSupport.parkNanos(5_000_000);
                        }
                    }
                }
            }
        }

        void step(int i, Cpu c) {
            long now = c.cycles();
            long others = minHorizonOthers(i);
            if (others != MAX && now > others + window) {
                waitBehind(i, now);
                return;
            }
            long limit = now + quantum;
            if (others != MAX) {
                limit = Math.min(limit, Math.max(others + window, now + 1));
            }
            if (limits.maxCycles() > 0) {
                limit = Math.min(limit, Math.max(limits.maxCycles(), now + 1));
            }
            long insLimit = MAX;
            if (limits.maxInstructions() > 0) {
                insLimit = Math.max(1, limits.maxInstructions() - totalRetired());
            }
            int x = c.run(limit, insLimit);
            long after = c.cycles();
            retiredAt.set(i, c.retired());
            if (c.state() == Cpu.State.RUNNING) {
                clock.set(i, after);
                horizon.set(i, after);
            } else if (c.state() == Cpu.State.SHUTDOWN) {
                clock.set(i, MAX);
                horizon.set(i, MAX);
                running.decrementAndGet();
            }
            wakeDue(i, after);
            if (limits.maxCycles() > 0 && after >= limits.maxCycles() && minClock() >= limits.maxCycles()) {
                finish(RunResult.Outcome.CYCLE_LIMIT);
            }
            if (limits.maxInstructions() > 0 && totalRetired() >= limits.maxInstructions()) {
                finish(RunResult.Outcome.INSTRUCTION_LIMIT);
            }
            if (x == Cpu.EXIT_PAUSE_LOOP) {
                if (oversubscribed) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
            }
        }

        /** Unparks halted cores whose timer deadline this core has passed. */
        void wakeDue(int self, long now) {
            for (int j = 0; j < n; j++) {
                if (j != self && cpus[j].state() == Cpu.State.HALTED && horizon.get(j) <= now) {
                    cpus[j].signal();
                }
            }
        }

        /**
         * This core is more than the window ahead: wait for the slowest to publish. With a host
         * core of our own the slowest is running, so spin (up to 50 us); when oversubscribed, give
         * the host core away at once.
         */
        void waitBehind(int i, long now) {
            long spinUntil = oversubscribed ? 0 : System.nanoTime() + 50_000;
            for (int k = 0; !done; k++) {
                long others = minHorizonOthers(i);
                if (others == MAX || now <= others + window) {
                    return;
                }
                if (!oversubscribed && System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else if ((k & 15) != 15) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(10_000);
                }
            }
        }

        void idle(int i, Cpu c) {
            clock.set(i, MAX);
            horizon.set(i, c.nextDeadline());
            if (running.decrementAndGet() == 0) {
                // the last core to halt: every halted core must look at the time jump
                for (Cpu o : cpus) {
                    o.signal();
                }
            }
            try {
                while (!done) {
                    long follow = minClock();
                    if (follow != MAX) {
                        c.advanceIdleClock(follow); // follow the slowest running core
                    } else {
                        long jump = MAX;
                        for (int j = 0; j < n; j++) {
                            if (cpus[j].state() == Cpu.State.HALTED) {
                                jump = Math.min(jump, horizon.get(j));
                            }
                        }
                        if (jump != MAX) {
                            c.advanceIdleClock(jump); // every core halted: time jumps to the earliest deadline
                        }
                    }
                    c.setParkedThread(Thread.currentThread());
                    if (c.canWake()) {
                        c.setParkedThread(null);
                        c.wake();
                        wakeups.incrementAndGet();
                        return;
                    }
                    horizon.set(i, c.nextDeadline());
                    LockSupport.parkNanos(1_000_000);
                    c.setParkedThread(null);
                }
            } finally {
                if (c.state() == Cpu.State.RUNNING) {
                    c.advanceIdleClock(minClockOrSelf(c));
                    clock.set(i, c.cycles());
                    horizon.set(i, c.cycles());
                    running.incrementAndGet();
                }
            }
        }

        long minClockOrSelf(Cpu c) {
            long m = minClock();
            return m == MAX ? c.cycles() : m;
        }
    }
}
