package io.smpsim.trace;

/**
 * Hashes the event stream of each core (type, cycle count, RIP and payload of every event, in
 * order) and combines the per-core hashes in core order: two runs that took the same interrupts at
 * the same places on every core have the same hash, whatever threads consumed the events.
 */
public final class EventHash implements TraceConsumer.Factory {
    private final long[] perCpu;
    private final long[] counts;

    public EventHash(int cores) {
        perCpu = new long[cores];
        counts = new long[cores];
    }

    @Override
    public TraceConsumer forCpu(int cpu) {
        return (type, cycles, rip, a, b) -> {
            long h = perCpu[cpu];
            h = mix(h ^ type);
            h = mix(h ^ cycles);
            h = mix(h ^ rip);
            h = mix(h ^ a);
            h = mix(h ^ b);
            perCpu[cpu] = h;
            counts[cpu]++;
        };
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** The combined hash; read after the pipeline is closed. */
    public long value() {
        long h = 0x9e3779b97f4a7c15L;
        for (long p : perCpu) {
            h = mix(h ^ p);
        }
        return h;
    }

    public long events() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }
}
