package io.smpsim.bench;

import io.smpsim.apic.ApicBus;
import io.smpsim.asm.Assembler;
import io.smpsim.machine.BareMetal;
import io.smpsim.machine.Machine;
import io.smpsim.machine.RunLimits;
import io.smpsim.machine.ThreadedExecutor;
import io.smpsim.program.Program;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Aggregate simulated MIPS of N cores on their own threads (the threaded executor with its skew
 * bound), each running the ALU loop, on whatever host this runs on. With more cores than host
 * cores, the ratio to 2 cores shows what oversubscription costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-XX:+UseParallelGC", "--sun-misc-unsafe-memory-access=allow"})
public class MulticoreMips {
    static final long BATCH = 100_000_000;

    @Param({"1", "2", "4", "8"})
    int cores;

    Machine machine;

    @Setup(Level.Trial)
    public void setup() {
        Program p = Assembler.assemble("alu.S", SingleCoreMips.ALU, BareMetal.LOAD_ADDRESS);
        machine = Machine.create(cores, 16L << 20);
        BareMetal.boot(machine, p, "_start");
        ApicBus.install(machine);
    }

    @Benchmark
    @OperationsPerInvocation((int) BATCH)
    public long aggregate() {
        return new ThreadedExecutor().run(machine, new RunLimits(BATCH, 0)).instructions();
    }
}
