package io.smpsim.check;

import io.smpsim.trace.TraceEvent;
import io.smpsim.trace.TraceSink;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the last events of every CPU in fixed rings, written synchronously by the core that emits
 * them (no allocation, no lag), and forwards every event to the next sink. A violation report
 * takes its "last events of every CPU" from here.
 */
public final class FlightRecorder implements TraceSink {
    private static final int SIZE = 64;
    private final TraceSink next;
    private final long[][] rings;
    private final int[] heads;

    public FlightRecorder(int cpus, TraceSink next) {
        this.next = next;
        this.rings = new long[cpus][SIZE * 5];
        this.heads = new int[cpus];
    }

    @Override
    public void event(int cpu, int type, long cycles, long rip, long a, long b) {
        long[] r = rings[cpu];
        int h = heads[cpu];
        int at = (h % SIZE) * 5;
        r[at] = type;
        r[at + 1] = cycles;
        r[at + 2] = rip;
        r[at + 3] = a;
        r[at + 4] = b;
        heads[cpu] = h + 1;
        next.event(cpu, type, cycles, rip, a, b);
    }

    /** The recorded events of a CPU, oldest first, as text lines (racy reads of other CPUs are fine for a report). */
    public List<String> recent(int cpu, int max) {
        List<String> out = new ArrayList<>();
        long[] r = rings[cpu];
        int h = heads[cpu];
        int n = Math.min(Math.min(h, SIZE), max);
        for (int k = h - n; k < h; k++) {
            int at = (k % SIZE) * 5;
            out.add(String.format("%12d  %-14s rip=%016x a=%x b=%x", r[at + 1], TraceEvent.name((int) r[at]), r[at + 2],
                r[at + 3], r[at + 4]));
        }
        return out;
    }
}
