package io.smpsim.bench;

import io.smpsim.asm.Assembler;
import io.smpsim.cpu.Cpu;
import io.smpsim.machine.BareMetal;
import io.smpsim.machine.Machine;
import io.smpsim.program.Program;
import io.smpsim.trace.EventHash;
import io.smpsim.trace.TracePipeline;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-core simulated MIPS: one JMH operation is one simulated instruction, so the score in
 * ops/us reads directly as millions of instructions per second. Interrupts are checked at every
 * instruction boundary (the step loop always does), and the core runs through the MMU and TLB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-XX:+UseParallelGC", "--sun-misc-unsafe-memory-access=allow"})
public class SingleCoreMips {
    static final int BATCH = 10_000_000;

    /** Register-only arithmetic, flags and a compare-and-branch. */
    static final String ALU = """
        _start:
            mov $1, %rax
            xor %rbx, %rbx
            mov $0x5555, %rdx
        1:  add %rax, %rbx
            xor %rdx, %rbx
            inc %rax
            shl $1, %rdx
            sub $3, %rbx
            and %rbx, %rdx
            or $7, %rdx
            cmp %rax, %rbx
            jne 1b
            jmp _start
        """;

    /** Stack and memory traffic: push/pop, loads and stores, call/ret. */
    static final String STACK_MEMORY = """
        _start:
            lea buf(%rip), %rsi
            xor %ecx, %ecx
        1:  push %rcx
            mov (%rsi), %rax
            add %rcx, %rax
            mov %rax, 8(%rsi)
            pop %rdx
            call f
            inc %rcx
            cmp $-1, %rcx
            jne 1b
            jmp _start
        f:  mov %rdx, (%rsi)
            addq $1, 16(%rsi)
            ret
            .data
        buf: .quad 0, 0, 0
        """;

    @Param({"alu", "stack-memory"})
    String loop;

    /** "on" installs the Disruptor trace pipeline (no event fires in these loops: it must cost nothing). */
    @Param({"off", "on"})
    String trace;

    Cpu cpu;
    TracePipeline pipeline;

    @Setup
    public void setup() {
        Program p = Assembler.assemble(loop + ".S", loop.equals("alu") ? ALU : STACK_MEMORY,
            BareMetal.LOAD_ADDRESS);
        Machine m = Machine.create(1, 16L << 20);
        BareMetal.boot(m, p, "_start");
        if (trace.equals("on")) {
            pipeline = new TracePipeline(1, 1 << 12, List.of(new EventHash(1)));
            m.setTraceSink(pipeline);
        }
        cpu = m.cpu(0);
    }

    @TearDown
    public void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long instructions() {
        cpu.run(Long.MAX_VALUE, BATCH);
        return cpu.retired();
    }
}
