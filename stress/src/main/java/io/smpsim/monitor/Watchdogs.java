package io.smpsim.monitor;

import io.smpsim.cpu.Cpu;
import io.smpsim.isa.Rflags;
import io.smpsim.kernel.Kernel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/**
 * Host-side watchdogs of a long run, looked at from the monitor thread (the kernel's own hung-task
 * watchdog runs inside the simulation): a soft lockup (a CPU running kernel code with interrupts off
 * for longer than {@code lockupTicks} timer ticks, taking no interrupt meanwhile) and a host stall
 * (no simulated CPU retires an instruction for {@code stallSeconds} of host time while not every one
 * is halted: a deadlock or livelock of the simulator's own threads). Each reports a violation with
 * the state of every CPU; a host stall adds the Java threads' stacks.
 */
public final class Watchdogs {
    private final Kernel kernel;
    private final long lockupCycles;
    private final double stallSeconds;
    private final long[] lastInterrupts;
    private final long[] lastRetired;
    /** Cycle count at which each CPU was first seen in kernel code with IF = 0 and no interrupt since. */
    private final long[] offSince;
    private double lastProgress = -1;
    private long lastTotalRetired = -1;
    private boolean fired;

    public Watchdogs(Kernel kernel, int lockupTicks, double stallSeconds) {
        this.kernel = kernel;
        this.lockupCycles = (long) lockupTicks * kernel.config().tickCycles();
        this.stallSeconds = stallSeconds;
        int n = kernel.machine().cores();
        this.lastInterrupts = new long[n];
        this.lastRetired = new long[n];
        this.offSince = new long[n];
        java.util.Arrays.fill(offSince, -1);
    }

    /** Looks at every CPU once, at host time {@code now} seconds; returns true if a watchdog fired. */
    public boolean check(double now) {
        if (fired) {
            return true;
        }
        long total = 0;
        boolean allHalted = true;
        for (Cpu c : kernel.machine().cpus()) {
            int id = c.id();
            long irqs = c.interruptsTaken();
            long retired = c.retired();
            long cycles = c.cycles();
            total += retired;
            boolean halted = c.state() != Cpu.State.RUNNING;
            allHalted &= halted;
            boolean off = !halted && c.cpl() == 0 && (c.rflags() & Rflags.IF) == 0;
            if (off && irqs == lastInterrupts[id] && retired != lastRetired[id]) {
                if (offSince[id] < 0) {
                    offSince[id] = cycles;
                } else if (cycles - offSince[id] > lockupCycles) {
                    fire(id, "soft-lockup", "CPU " + id + " has run kernel code with interrupts off for "
                        + (cycles - offSince[id]) + " cycles (more than " + lockupCycles / kernel.config().tickCycles()
                        + " ticks) without taking an interrupt");
                    return true;
                }
            } else {
                offSince[id] = -1;
            }
            lastInterrupts[id] = irqs;
            lastRetired[id] = retired;
        }
        if (total != lastTotalRetired || allHalted) {
            lastTotalRetired = total;
            lastProgress = now;
        } else if (lastProgress >= 0 && now - lastProgress > stallSeconds) {
            fire(0, "host-stall", "no simulated CPU retired an instruction for " + Math.round(now - lastProgress)
                + " s of host time while not all are halted (a deadlock of the simulator's threads?)\n" + threadDump());
            return true;
        }
        return false;
    }

    private void fire(int cpu, String invariant, String message) {
        fired = true;
        kernel.reportViolation(cpu, invariant, message);
    }

    private static String threadDump() {
        StringBuilder sb = new StringBuilder("Java threads:\n");
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            sb.append(t.toString());
        }
        return sb.toString();
    }
}
