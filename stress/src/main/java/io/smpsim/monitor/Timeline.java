package io.smpsim.monitor;

import java.util.Arrays;

/**
 * Per-CPU utilisation and system-call rate over a run, in a fixed number of points however long the
 * run: when the buffer is full, neighbouring points are averaged pairwise and the period doubles
 * (so a soak's memory stays flat). Samples come from one thread.
 */
public final class Timeline {
    private final int cpus;
    private final int capacity;
    private final double[] time;
    private final double[][] utilisation;
    private final double[] syscallRate;
    private int count;
    /** Samples averaged into one point. */
    private int stride = 1;
    private int pending;
    private double accTime;
    private final double[] accUtil;
    private double accRate;

    public Timeline(int cpus, int capacity) {
        if (capacity < 2 || capacity % 2 != 0) {
            throw new IllegalArgumentException("capacity must be even and at least 2");
        }
        this.cpus = cpus;
        this.capacity = capacity;
        this.time = new double[capacity];
        this.utilisation = new double[capacity][cpus];
        this.syscallRate = new double[capacity];
        this.accUtil = new double[cpus];
    }

    /** One sample: at {@code t} host seconds, each CPU's busy fraction and the system calls per second. */
    public synchronized void sample(double t, double[] busy, double syscallsPerSecond) {
        accTime = t;
        for (int c = 0; c < cpus; c++) {
            accUtil[c] += busy[c];
        }
        accRate += syscallsPerSecond;
        if (++pending < stride) {
            return;
        }
        if (count == capacity) {
            compact();
        }
        time[count] = accTime;
        for (int c = 0; c < cpus; c++) {
            utilisation[count][c] = accUtil[c] / pending;
        }
        syscallRate[count] = accRate / pending;
        count++;
        pending = 0;
        accRate = 0;
        Arrays.fill(accUtil, 0);
    }

    private void compact() {
        for (int i = 0; i < capacity / 2; i++) {
            time[i] = time[2 * i + 1];
            for (int c = 0; c < cpus; c++) {
                utilisation[i][c] = (utilisation[2 * i][c] + utilisation[2 * i + 1][c]) / 2;
            }
            syscallRate[i] = (syscallRate[2 * i] + syscallRate[2 * i + 1]) / 2;
        }
        count = capacity / 2;
        stride *= 2;
    }

    public synchronized int size() {
        return count;
    }

    public synchronized double[] times() {
        return Arrays.copyOf(time, count);
    }

    /** utilisation()[cpu][point]. */
    public synchronized double[][] utilisation() {
        double[][] out = new double[cpus][count];
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < cpus; c++) {
                out[c][i] = utilisation[i][c];
            }
        }
        return out;
    }

    public synchronized double[] syscallRate() {
        return Arrays.copyOf(syscallRate, count);
    }
}
