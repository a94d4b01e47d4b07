package io.smpsim.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.cpu.CpuDump;
import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.RunLimits;
import io.smpsim.trace.EventHash;
import io.smpsim.trace.TracePipeline;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The deterministic executor reproduces a run exactly from its seed: the same final state, the
 * same memory, the same event stream (every interrupt at the same place); another seed gives
 * another interleaving. The workload mixes racing cores, IPIs, a periodic timer and a storm.
 */
class DeterminismTest {
    static final String PROGRAM = LocalApicTest.BOOT + """
            mov $0x83e, %ecx                    # periodic timer, 7919 cycles
            mov $0xb, %eax
            xor %edx, %edx
            wrmsr
            mov $0x832, %ecx
            mov $0x20030, %eax
            wrmsr
            mov $0x838, %ecx
            mov $7919, %eax
            wrmsr
            sti
            mov $400, %r14
        1:  mov $1, %eax                        # take a slot in the shared order log
            lock xadd %rax, slot(%rip)
            cmp $2048, %rax
            jae 2f
            lea order(%rip), %rbx
            mov %r15, (%rbx,%rax,8)
            mov %r15, %rdi                      # and poke the next core
            inc %rdi
            and $3, %rdi
            mov $0x40, %esi
            call apic_send
            mov counter(%rip), %rax             # an unlocked read-modify-write: lost updates vary
            add %r15, %rax
            inc %rax
            mov %rax, counter(%rip)
            dec %r14
            jnz 1b
        2:  cli
            mov ticks(%rip), %r13
            hlt
            .data
        slot: .quad 0
        counter: .quad 0
        order: .skip 2048 * 8
            .text
        """ + LocalApicTest.LOGGING;

    record Outcome(long hash, long events, List<String> cpus, long[] order, long counter, long storms) {}

    static Outcome run(long seed) {
        return run(seed, new DeterministicExecutor(seed, 20, 700, 5_000));
    }

    static Outcome run(long seed, DeterministicExecutor executor) {
        EventHash hash = new EventHash(4);
        TracePipeline pipeline = new TracePipeline(4, 1 << 14, List.of(hash));
        ApicSim s = new ApicSim(PROGRAM, 4, pipeline);
        s.bus.routeStorm(new int[] {1, 3}, 0x60, 2e7, 2e9, seed);
        executor.run(s.machine, new RunLimits(20_000_000, 0));
        pipeline.close();
        List<String> cpus = new ArrayList<>();
        for (var c : s.machine.cpus()) {
            CpuDump d = c.dump();
            cpus.add(Arrays.toString(d.gprs()) + " rip=" + d.rip() + " fl=" + d.rflags() + " cyc=" + d.cycles()
                + " ret=" + d.retired() + " " + d.state());
        }
        long[] order = new long[1600];
        for (int i = 0; i < order.length; i++) {
            order[i] = s.mem(s.sym("order") + 8L * i);
        }
        long storms = s.bus.apic(1).storm().raised() + s.bus.apic(3).storm().raised();
        return new Outcome(hash.value(), hash.events(), cpus, order, s.mem(s.sym("counter")), storms);
    }

    @Test
    void sameSeedSameRunDifferentSeedDifferentInterleaving() {
        Outcome a = run(11);
        Outcome b = run(11);
        Outcome c = run(12);
        assertTrue(a.events() > 1000, "a busy event stream: " + a.events());
        assertTrue(a.storms() > 10, "the storm fired: " + a.storms());
        assertEquals(a.cpus(), b.cpus(), "same seed: same final registers on every core");
        assertTrue(Arrays.equals(a.order(), b.order()), "same seed: same interleaving");
        assertEquals(a.counter(), b.counter());
        assertEquals(a.hash(), b.hash(), "same seed: same event stream");
        assertEquals(a.events(), b.events());
        assertEquals(a.storms(), b.storms());
        assertNotEquals(a.hash(), c.hash(), "another seed: another event stream");
        assertTrue(!Arrays.equals(a.order(), c.order()), "another seed: another interleaving");
    }

    /** How many log slots the first core to take one took before any other did. */
    static int firstRun(long[] order) {
        int n = 1;
        while (n < order.length && order[n] == order[0]) {
            n++;
        }
        return n;
    }

    @Test
    void pctPrioritiesAreReproducibleAndLetOneCoreRaceAhead() {
        Outcome a = run(21, new DeterministicExecutor(21, 20, 700, 5_000, 64));
        Outcome b = run(21, new DeterministicExecutor(21, 20, 700, 5_000, 64));
        Outcome uniform = run(21);
        assertEquals(a.cpus(), b.cpus(), "same seed: same final state");
        assertEquals(a.hash(), b.hash(), "same seed: same event stream");
        assertNotEquals(a.hash(), uniform.hash(), "priorities give another schedule than uniform draws");
        // the highest-priority core runs to the edge of the skew window before another gets a turn
        // (about 40 iterations of the loop in 5,000 cycles); uniform draws switch cores every few
        int pct = firstRun(a.order());
        int uni = firstRun(uniform.order());
        assertTrue(pct >= 20 && pct > 2 * uni, "the first core's head start: pct " + pct + ", uniform " + uni);
    }

    @Test
    void stormReachesOnlyTheChosenCoresAtItsRate() {
        ApicSim s = new ApicSim(LocalApicTest.BOOT + """
                sti
            1:  rdtsc
                cmp $4000000, %eax              # run 4M cycles with interrupts on
                jb 1b
                cli
                hlt
            """ + LocalApicTest.LOGGING, 3);
        // 5 million per second at 2 GHz is one every 400 cycles: about 10,000 in 4M cycles
        s.bus.routeStorm(new int[] {0, 2}, 0x40, 5e6, 2e9, 99);
        s.runDeterministic(5);
        long[] perCpu = new long[3];
        long logged = s.mem(s.sym("nlog"));
        for (int i = 0; i < 3; i++) {
            perCpu[i] = s.bus.apic(i).storm() == null ? 0 : s.bus.apic(i).storm().raised();
        }
        assertEquals(0, perCpu[1]);
        for (int i : new int[] {0, 2}) {
            assertTrue(perCpu[i] > 9_000 && perCpu[i] < 11_000, "core " + i + ": " + perCpu[i]);
        }
        assertTrue(logged > 0);
    }
}
