package io.smpsim.report;

import io.smpsim.trace.TraceConsumer;
import io.smpsim.trace.TraceEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A trace consumer that counts events by type and keeps HdrHistogram distributions (in simulated
 * cycles) of system-call latency (entry to exit), IPI latency (send to acceptance) and halt time
 * (halt to wake). Histograms have a fixed size, so a long soak does not grow them. One instance per
 * core; {@link #summary()} merges them after the pipeline closed.
 */
public final class TraceStatistics implements TraceConsumer.Factory {
    private static final long HIGHEST = 1L << 40;

    private final PerCpu[] cpus;

    public TraceStatistics(int cores) {
        cpus = new PerCpu[cores];
    }

    static final class PerCpu implements TraceConsumer {
        final long[] counts = new long[TraceEvent.COUNT];
        final Histogram syscall = new Histogram(HIGHEST, 3);
        final Histogram ipi = new Histogram(HIGHEST, 3);
        final Histogram halt = new Histogram(HIGHEST, 3);
        long syscallStart = -1;
        long haltStart = -1;

        @Override
        public void onEvent(int type, long cycles, long rip, long a, long b) {
            if (type > 0 && type < counts.length) {
                counts[type]++;
            }
            switch (type) {
                case TraceEvent.SYSCALL_ENTRY -> syscallStart = cycles;
                case TraceEvent.SYSCALL_EXIT -> {
                    if (syscallStart >= 0 && cycles >= syscallStart) {
                        syscall.recordValue(Math.min(HIGHEST, cycles - syscallStart));
                    }
                    syscallStart = -1;
                }
                case TraceEvent.IPI_RECEIVED -> ipi.recordValue(Math.min(HIGHEST, b >>> 16));
                case TraceEvent.HALT -> haltStart = cycles;
                case TraceEvent.WAKE -> {
                    if (haltStart >= 0 && cycles >= haltStart) {
                        halt.recordValue(Math.min(HIGHEST, cycles - haltStart));
                    }
                    haltStart = -1;
                }
                default -> { }
            }
        }
    }

    @Override
    public TraceConsumer forCpu(int cpu) {
        cpus[cpu] = new PerCpu();
        return cpus[cpu];
    }

    /** Event counts by type name and per-histogram summaries, for JSON reports. */
    public Map<String, Object> summary() {
        long[] total = new long[TraceEvent.COUNT];
        Histogram syscall = new Histogram(HIGHEST, 3);
        Histogram ipi = new Histogram(HIGHEST, 3);
        Histogram halt = new Histogram(HIGHEST, 3);
        for (PerCpu p : cpus) {
            if (p == null) {
                continue;
            }
            for (int i = 0; i < total.length; i++) {
                total[i] += p.counts[i];
            }
            syscall.add(p.syscall);
            ipi.add(p.ipi);
            halt.add(p.halt);
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        for (int i = 1; i < total.length; i++) {
            if (total[i] > 0) {
                counts.put(TraceEvent.name(i), total[i]);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", counts);
        out.put("syscall_latency_cycles", describe(syscall));
        out.put("ipi_latency_cycles", describe(ipi));
        out.put("halt_cycles", describe(halt));
        return out;
    }

    /** Count, mean and percentiles of a histogram. */
    public static Map<String, Object> describe(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        if (h.getTotalCount() > 0) {
            m.put("min", h.getMinValue());
            m.put("mean", Math.round(h.getMean() * 10) / 10.0);
            m.put("p50", h.getValueAtPercentile(50));
            m.put("p90", h.getValueAtPercentile(90));
            m.put("p99", h.getValueAtPercentile(99));
            m.put("p999", h.getValueAtPercentile(99.9));
            m.put("max", h.getMaxValue());
        }
        return m;
    }
}
