package io.smpsim.bench;

import io.smpsim.kernel.Kernel;
import io.smpsim.kernel.KernelConfig;
import io.smpsim.kernel.Workloads;
import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.RunLimits;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The null system call (getppid) of each entry variant, side by side: one CPU, one task calling it
 * without end, every invariant check on (the entry checker sees every delivery, iretq and hypercall).
 * A UKL variant's task is a UKL task (call ukl_entry_SYSCALL_64 ... popfq; ret, or iretq for
 * ukl-iret); linux-syscall's is a CPL-3 task (syscall ... sysretq). The "syscalls" counter is round
 * trips per host second; simulated cycles per round trip (under the default cost table) are printed
 * at the end of each trial.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "--sun-misc-unsafe-memory-access=allow"})
public class EntryVariantSyscalls {
    static final long SLICE = 2_000_000;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counts {
        public long syscalls;

        @Setup(Level.Iteration)
        public void clear() {
            syscalls = 0;
        }
    }

    @State(Scope.Thread)
    public static class Calls {
        @Param({"linux-syscall", "ukl-rfc", "ukl-kernel-cs", "ukl-ist-pf", "ukl-iret"})
        public String variant;

        Kernel kernel;
        final DeterministicExecutor executor = new DeterministicExecutor(1);
        long cycles0;
        long calls0;
        long insns0;

        @Setup(Level.Trial)
        public void boot() {
            kernel = Kernel.create(KernelConfig.defaults(1).withVariant(variant).withMemory(64L << 20));
            if (kernel.hasUkl()) {
                kernel.spawnUklProcess("null", Workloads.uklProgram(kernel, "nullcalls"), "_start", 1, Long.MAX_VALUE,
                    0, 0, false);
            } else {
                kernel.spawnProcess("null", Workloads.program(kernel, "nullcalls"), "_start", 1, Long.MAX_VALUE, 0, 0);
            }
            kernel.run(executor, new RunLimits(SLICE, 0)); // past boot
            cycles0 = kernel.machine().cpu(0).cycles();
            calls0 = kernel.hypercalls().nullSyscalls();
            insns0 = kernel.machine().retired();
        }

        @TearDown(Level.Trial)
        public void report() {
            long calls = kernel.hypercalls().nullSyscalls() - calls0;
            long cycles = kernel.machine().cpu(0).cycles() - cycles0;
            long insns = kernel.machine().retired() - insns0;
            if (!kernel.violations().isEmpty()) {
                throw new IllegalStateException(variant + ": " + kernel.violations().getFirst().summary());
            }
            System.out.printf("%n%s null syscall: %.1f simulated cycles and %.1f instructions per round trip%n",
                variant, cycles / (double) calls, insns / (double) calls);
        }
    }

    @Benchmark
    public void nullSyscall(Calls s, Counts c) {
        long before = s.kernel.hypercalls().nullSyscalls();
        s.kernel.run(s.executor, new RunLimits(SLICE, 0));
        c.syscalls += s.kernel.hypercalls().nullSyscalls() - before;
    }
}
