package io.smpsim.apic;

import java.util.SplittableRandom;

/**
 * An external interrupt source for stress: a device that raises {@code vector} on one core at a
 * seeded random rate (exponential inter-arrival times, mean = cycles per second / rate). It is
 * clocked by the target core's own cycle counter, so the same seed gives the same interrupts at
 * the same places in the deterministic executor.
 */
public final class InterruptStorm {
    private final int vector;
    private final double meanCycles;
    private final SplittableRandom rnd;
    private long next;
    private long raised;

    /**
     * @param vector          the vector to raise (32..255)
     * @param ratePerSecond   interrupts per simulated second
     * @param cyclesPerSecond the simulated core frequency
     * @param seed            the RNG seed (give each target core its own)
     */
    public InterruptStorm(int vector, double ratePerSecond, double cyclesPerSecond, long seed) {
        if (vector < 32 || vector > 255) {
            throw new IllegalArgumentException("storm vector must be 32..255, not " + vector);
        }
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("storm rate must be positive");
        }
        this.vector = vector;
        this.meanCycles = cyclesPerSecond / ratePerSecond;
        this.rnd = new SplittableRandom(seed);
        this.next = sample();
    }

    private long sample() {
        double u = 1.0 - rnd.nextDouble();
        return Math.max(1, (long) (-Math.log(u) * meanCycles));
    }

    int vector() {
        return vector;
    }

    long deadline() {
        return next;
    }

    /** Returns true if at least one interrupt arrived by {@code now} (several coalesce in the IRR). */
    boolean arrive(long now) {
        if (now < next) {
            return false;
        }
        while (next <= now) {
            next += sample();
            raised++;
        }
        return true;
    }

    public long raised() {
        return raised;
    }
}
