package io.smpsim.kernel;

import io.smpsim.cpu.CostTable;
import io.smpsim.sched.SchedParams;

/**
 * How to build a kernel machine.
 *
 * @param cores           simulated CPUs
 * @param memory          physical memory in bytes
 * @param hz              timer ticks per simulated second
 * @param cyclesPerSecond the simulated clock (turns HZ and nanosleep times into cycles)
 * @param variant         the entry variant: a shipped name (entry/NAME.S) or a path to a .S file
 * @param costs           the cycle cost table
 * @param hungTaskCycles  a futex waiter asleep this long is reported as a hung task (lost wakeup)
 * @param checkEveryTicks how often a ticking CPU checks the scheduler invariants
 * @param sequential      the oracle's reference mode: no periodic tick, and nanosleep yields instead
 *                        of arming a timer, so that no interrupt at all reaches the program
 */
public record KernelConfig(int cores, long memory, int hz, double cyclesPerSecond, String variant, CostTable costs,
                           long hungTaskCycles, int checkEveryTicks, boolean sequential) {
    public KernelConfig {
        if (cores < 1 || cores > 64) {
            throw new IllegalArgumentException("cores must be 1..64, not " + cores);
        }
        if (hz < 10 || hz > 1_000_000) {
            throw new IllegalArgumentException("hz must be 10..1000000, not " + hz);
        }
    }

    public static KernelConfig defaults(int cores) {
        return new KernelConfig(cores, 256L << 20, 1000, 2e9, "linux-syscall", CostTable.defaults(),
            20_000_000_000L, 8, false);
    }

    public long tickCycles() {
        return (long) (cyclesPerSecond / hz);
    }

    public SchedParams schedParams() {
        return SchedParams.forTick(tickCycles());
    }

    public KernelConfig withCores(int n) {
        return new KernelConfig(n, memory, hz, cyclesPerSecond, variant, costs, hungTaskCycles, checkEveryTicks, sequential);
    }

    public KernelConfig withHz(int h) {
        return new KernelConfig(cores, memory, h, cyclesPerSecond, variant, costs, hungTaskCycles, checkEveryTicks, sequential);
    }

    public KernelConfig withVariant(String v) {
        return new KernelConfig(cores, memory, hz, cyclesPerSecond, v, costs, hungTaskCycles, checkEveryTicks, sequential);
    }

    public KernelConfig withMemory(long m) {
        return new KernelConfig(cores, m, hz, cyclesPerSecond, variant, costs, hungTaskCycles, checkEveryTicks, sequential);
    }

    public KernelConfig withCosts(CostTable c) {
        return new KernelConfig(cores, memory, hz, cyclesPerSecond, variant, c, hungTaskCycles, checkEveryTicks, sequential);
    }

    public KernelConfig withHungTaskCycles(long c) {
        return new KernelConfig(cores, memory, hz, cyclesPerSecond, variant, costs, c, checkEveryTicks, sequential);
    }

    public KernelConfig withSequential(boolean on) {
        return new KernelConfig(cores, memory, hz, cyclesPerSecond, variant, costs, hungTaskCycles, checkEveryTicks, on);
    }
}
