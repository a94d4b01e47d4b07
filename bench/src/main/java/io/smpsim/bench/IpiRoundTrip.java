package io.smpsim.bench;

import io.smpsim.apic.ApicBus;
import io.smpsim.asm.Assembler;
import io.smpsim.machine.BareMetal;
import io.smpsim.machine.Machine;
import io.smpsim.machine.RunLimits;
import io.smpsim.machine.ThreadedExecutor;
import io.smpsim.program.Program;
import java.util.concurrent.TimeUnit;
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
 * IPI round trips between two simulated cores on their own threads, next to the physical floor: a
 * raw Java ping-pong between two threads on the same machine, in the same run. Both are counted
 * while the JMH thread sleeps, so it does not compete for the host cores; the score is round
 * trips per second (the "roundTrips" counter), and 1e9 / score is the round-trip time in ns.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 1) // the interrupt paths take about 4 s to reach their final compiled form
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-XX:+UseParallelGC", "--sun-misc-unsafe-memory-access=allow"})
public class IpiRoundTrip {
    /**
     * Core 0's handler counts a round trip and sends the next IPI to core 1; core 1's handler sends
     * one back. Both cores otherwise spin with interrupts enabled.
     */
    static final String PROGRAM = """
        _start:
            mov %rdi, %r15
            mov $0x70000, %rsp
            mov %r15, %rax
            shl $12, %rax
            sub %rax, %rsp
            lea idt_desc(%rip), %rax
            lea idt(%rip), %rbx
            mov %rbx, 2(%rax)
            lidt (%rax)
            test %r15, %r15
            jnz 2f
            lea h0(%rip), %rsi              # gates for 0x40 (core 0) and 0x41 (core 1)
            lea idt+0x40*16(%rip), %rdi
            call gate
            lea h1(%rip), %rsi
            lea idt+0x41*16(%rip), %rdi
            call gate
            movq $1, ready(%rip)
        2:  cmpq $0, ready(%rip)
            je 2b
            mov $0x80f, %ecx                # enable the APIC
            mov $0x1ff, %eax
            xor %edx, %edx
            wrmsr
            sti
            test %r15, %r15
            jnz spin
            mov $0x830, %ecx                # core 0 starts the first round trip
            mov $0x41, %eax
            mov $1, %edx
            wrmsr
        spin:
            jmp spin
        h0:                                 # core 0: a round trip completed
            incq trips(%rip)
            mov $0x80b, %ecx
            xor %eax, %eax
            xor %edx, %edx
            wrmsr                           # EOI
            mov $0x830, %ecx
            mov $0x41, %eax
            mov $1, %edx
            wrmsr                           # next IPI to core 1
            iretq
        h1:                                 # core 1: reply
            mov $0x80b, %ecx
            xor %eax, %eax
            xor %edx, %edx
            wrmsr
            mov $0x830, %ecx
            mov $0x40, %eax
            xor %edx, %edx
            wrmsr
            iretq
        gate:                               # rdi = gate address, rsi = handler
            mov %rsi, %rax
            movw %ax, (%rdi)
            movw $0x10, 2(%rdi)
            movw $0x8e00, 4(%rdi)
            shr $16, %rax
            movw %ax, 6(%rdi)
            shr $16, %rax
            movl %eax, 8(%rdi)
            movl $0, 12(%rdi)
            ret
            .data
        ready: .quad 0
        trips: .quad 0
            .align 16
        idt: .skip 256 * 16
        idt_desc: .word 256 * 16 - 1
            .quad 0
        """;

    /** The per-iteration count JMH reports. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counts {
        public long roundTrips;

        @Setup(Level.Iteration)
        public void clear() {
            roundTrips = 0;
        }
    }

    /** Two simulated cores bouncing IPIs in the background. */
    @State(Scope.Benchmark)
    public static class Simulated {
        Machine machine;
        long tripsAddress;
        RunLimits limits;
        Thread runner;

        @Setup(Level.Trial)
        public void start() {
            Program p = Assembler.assemble("ipi.S", PROGRAM, BareMetal.LOAD_ADDRESS);
            machine = Machine.create(2, 16L << 20);
            BareMetal.boot(machine, p, "_start");
            ApicBus.install(machine);
            tripsAddress = p.require("trips");
            limits = RunLimits.none();
            runner = Thread.ofPlatform().start(() -> new ThreadedExecutor().run(machine, limits));
        }

        long trips() {
            return machine.memory().read64(tripsAddress);
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            limits.requestStop("benchmark done");
            runner.join();
        }
    }

    /** The physical floor: two Java threads handing a token back and forth through a volatile. */
    @State(Scope.Benchmark)
    public static class Raw {
        volatile int token;
        volatile long trips;
        volatile boolean running = true;
        Thread a;
        Thread b;

        @Setup(Level.Trial)
        public void start() {
            a = Thread.ofPlatform().start(() -> {
                long n = 0;
                while (running) {
                    token = 1;
                    while (token != 0 && running) {
                        Thread.onSpinWait();
                    }
                    trips = ++n;
                }
            });
            b = Thread.ofPlatform().start(() -> {
                while (running) {
                    while (token != 1 && running) {
                        Thread.onSpinWait();
                    }
                    token = 0;
                }
            });
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            running = false;
            a.join();
            b.join();
        }
    }

    @Benchmark
    public void simulatedIpi(Simulated s, Counts c) throws InterruptedException {
        long before = s.trips();
        Thread.sleep(50);
        c.roundTrips += s.trips() - before;
    }

    @Benchmark
    public void rawPingPong(Raw r, Counts c) throws InterruptedException {
        long before = r.trips;
        Thread.sleep(50);
        c.roundTrips += r.trips - before;
    }
}
