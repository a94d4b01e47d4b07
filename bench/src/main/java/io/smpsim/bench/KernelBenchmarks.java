package io.smpsim.bench;

import io.smpsim.kernel.Kernel;
import io.smpsim.kernel.KernelConfig;
import io.smpsim.kernel.Workloads;
import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.RunLimits;
import io.smpsim.machine.ThreadedExecutor;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The kernel's hot paths on one host core each: context switches (two tasks calling sched_yield on
 * one CPU), null system calls (getppid through syscall/sysretq), and the wakeup latency of a futex
 * ping-pong between two pinned threads on two CPUs. Rates are per second of host time (the
 * "switches", "syscalls" and "wakePairs" counters); simulated cycles and the latency histogram are
 * printed at the end of each trial.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-XX:+UseParallelGC", "--sun-misc-unsafe-memory-access=allow"})
public class KernelBenchmarks {
    static final long SLICE = 2_000_000;

    /** Counters JMH reports as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counts {
        public long switches;
        public long syscalls;
        public long wakePairs;

        @Setup(Level.Iteration)
        public void clear() {
            switches = 0;
            syscalls = 0;
            wakePairs = 0;
        }
    }

    /** One CPU, two tasks yielding to each other. */
    @State(Scope.Thread)
    public static class Yielders {
        Kernel kernel;
        DeterministicExecutor executor = new DeterministicExecutor(1);

        @Setup(Level.Trial)
        public void boot() {
            kernel = Kernel.create(KernelConfig.defaults(1));
            var p = Workloads.program(kernel, "yield");
            kernel.spawnProcess("y0", p, "_start", 1, 0, 0, 0);
            kernel.spawnProcess("y1", p, "_start", 1, 0, 0, 0);
        }
    }

    /** One CPU, one task making null system calls without end. */
    @State(Scope.Thread)
    public static class NullCalls {
        Kernel kernel;
        DeterministicExecutor executor = new DeterministicExecutor(1);
        long cycles0;
        long calls0;

        @Setup(Level.Trial)
        public void boot() {
            kernel = Kernel.create(KernelConfig.defaults(1));
            kernel.spawnProcess("null", Workloads.program(kernel, "nullcalls"), "_start", 1, Long.MAX_VALUE, 0, 0);
            kernel.run(executor, new RunLimits(SLICE, 0)); // past boot
            cycles0 = kernel.machine().cpu(0).cycles();
            calls0 = kernel.hypercalls().nullSyscalls();
        }

        @TearDown(Level.Trial)
        public void report() {
            long calls = kernel.hypercalls().nullSyscalls() - calls0;
            long cycles = kernel.machine().cpu(0).cycles() - cycles0;
            long insns = kernel.machine().retired();
            System.out.printf("%nnull syscall: %.1f simulated cycles and %.1f instructions per round trip%n",
                cycles / (double) calls, insns / (double) kernel.hypercalls().nullSyscalls());
        }
    }

    /** Two CPUs on their own threads, a futex ping-pong between two pinned threads. */
    @State(Scope.Benchmark)
    public static class PingPong {
        Kernel kernel;
        RunLimits limits;
        Thread runner;
        final Histogram latency = new ConcurrentHistogram(1L << 40, 3);

        @Setup(Level.Trial)
        public void boot() {
            kernel = Kernel.create(KernelConfig.defaults(2));
            kernel.scheduler().setWakeupLatencySink((cpu, cycles) -> latency.recordValue(Math.min(cycles, 1L << 40)));
            kernel.spawnProcess("pp", Workloads.program(kernel, "pingpong"), "_start", 2, Long.MAX_VALUE >> 1, 0, 0,
                true);
            limits = RunLimits.none();
            runner = Thread.ofPlatform().start(() -> kernel.run(new ThreadedExecutor(), limits));
        }

        @TearDown(Level.Trial)
        public void report() throws InterruptedException {
            limits.requestStop("benchmark over");
            runner.join();
            System.out.printf("%nwakeup latency (simulated cycles, wake to running): %d samples, p50 %d, p90 %d, "
                    + "p99 %d, p99.9 %d, max %d%n", latency.getTotalCount(), latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(90), latency.getValueAtPercentile(99), latency.getValueAtPercentile(99.9),
                latency.getMaxValue());
        }
    }

    @Benchmark
    public void contextSwitches(Yielders y, Counts c) {
        long before = y.kernel.scheduler().switches(0);
        y.kernel.run(y.executor, new RunLimits(SLICE, 0));
        c.switches += y.kernel.scheduler().switches(0) - before;
    }

    @Benchmark
    public void nullSyscalls(NullCalls n, Counts c) {
        long before = n.kernel.hypercalls().nullSyscalls();
        n.kernel.run(n.executor, new RunLimits(SLICE, 0));
        c.syscalls += n.kernel.hypercalls().nullSyscalls() - before;
    }

    @Benchmark
    public void futexWakeups(PingPong p, Counts c) throws InterruptedException {
        long before = p.kernel.hypercalls().futexWakes();
        Thread.sleep(50);
        c.wakePairs += p.kernel.hypercalls().futexWakes() - before;
    }
}
