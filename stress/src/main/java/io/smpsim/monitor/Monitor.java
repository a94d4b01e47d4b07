package io.smpsim.monitor;

import io.smpsim.cpu.Cpu;
import io.smpsim.kernel.Kernel;
import io.smpsim.suite.StressRun;
import java.util.function.Consumer;

/**
 * Watches a stress run from its own host thread: every {@code period} seconds it samples per-CPU
 * utilisation and the system-call rate into a {@link Timeline}, runs the {@link Watchdogs}, and hands
 * a snapshot to a listener (progress display, periodic report). Nothing here touches the step loop.
 */
public final class Monitor implements AutoCloseable {
    private final StressRun run;
    private final Timeline timeline;
    private final Watchdogs watchdogs;
    private final double period;
    private final Consumer<Monitor> listener;
    private final long[] lastBusy;
    private final long[] lastCycles;
    private final long startNanos = System.nanoTime();
    private long lastSyscalls;
    private double lastT;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param listener called on the monitor thread after each sample (may be null)
     */
    public Monitor(StressRun run, double period, Watchdogs watchdogs, Consumer<Monitor> listener) {
        this.run = run;
        this.period = period;
        this.watchdogs = watchdogs;
        this.listener = listener;
        int n = run.config().cores();
        this.timeline = new Timeline(n, 512);
        this.lastBusy = new long[n];
        this.lastCycles = new long[n];
        this.thread = Thread.ofPlatform().daemon().name("smpsim-monitor").unstarted(this::loop);
    }

    public Monitor start() {
        thread.start();
        return this;
    }

    private void loop() {
        long periodNanos = (long) (period * 1e9);
        long next = startNanos + periodNanos;
        while (!closed) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            next += periodNanos;
            sample();
        }
    }

    /** One period: a timeline point, the watchdogs, the listener. */
    private synchronized void sample() {
        record();
        if (watchdogs != null) {
            watchdogs.check(seconds());
        }
        if (listener != null) {
            listener.accept(this);
        }
    }

    /**
     * The last timeline point, once the run is over (after {@link #close}): no watchdog looks at a
     * stopped machine and the listener, which reports progress, is not called again.
     */
    public synchronized void finalSample() {
        record();
    }

    private void record() {
        double t = seconds();
        Kernel k = run.kernel();
        int n = lastBusy.length;
        double[] util = new double[n];
        for (int c = 0; c < n; c++) {
            Cpu cpu = k.machine().cpu(c);
            long busy = k.scheduler().busyCycles(c);
            long cycles = cpu.cycles();
            long dc = cycles - lastCycles[c];
            util[c] = dc > 0 ? Math.min(1.0, (double) (busy - lastBusy[c]) / dc) : 0;
            lastBusy[c] = busy;
            lastCycles[c] = cycles;
        }
        long sys = k.hypercalls().syscalls();
        double dt = t - lastT;
        timeline.sample(t, util, dt > 0 ? (sys - lastSyscalls) / dt : 0);
        lastSyscalls = sys;
        lastT = t;
    }

    public double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    public Timeline timeline() {
        return timeline;
    }

    public StressRun run() {
        return run;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
