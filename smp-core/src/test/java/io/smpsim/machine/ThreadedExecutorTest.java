package io.smpsim.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.cpu.Cpu;
import io.smpsim.isa.Reg;
import io.smpsim.testutil.Sim;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ThreadedExecutorTest {

    @Test
    void coresRunOnTheirOwnThreadsAtTheSameTime() {
        Sim s = Sim.boot("""
            _start:
                mov $400, %ecx
            1:  mov $1, %eax
                vmcall
                dec %ecx
                jnz 1b
                hlt
            """, 2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        s.machine.setHypercallHandler(cpu -> {
            threads.add(Thread.currentThread().getName() + " runs CPU " + cpu.id());
            int now = inside.incrementAndGet();
            maxInside.accumulateAndGet(now, Math::max);
            long until = System.nanoTime() + 50_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            inside.decrementAndGet();
            return 0;
        });
        RunResult r = new ThreadedExecutor().run(s.machine, RunLimits.none());
        assertEquals(RunResult.Outcome.ALL_STOPPED, r.outcome());
        assertEquals(Set.of("smpsim-cpu-0 runs CPU 0", "smpsim-cpu-1 runs CPU 1"), threads);
        assertEquals(2, maxInside.get(), "both cores were inside a hypercall at the same moment");
    }

    @Test
    void deterministicExecutorIsSingleThreaded() {
        Sim s = Sim.boot("_start: mov $1, %eax\n vmcall\n hlt\n", 3);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        s.machine.setHypercallHandler(cpu -> {
            threads.add(Thread.currentThread().getName());
            return 0;
        });
        new DeterministicExecutor(1).run(s.machine, RunLimits.none());
        assertEquals(Set.of(Thread.currentThread().getName()), threads);
    }

    static final String SPINLOCK = """
        _start:
            mov $2000, %r12
        1:  mov $1, %eax
        spin:
            xchg %rax, lock(%rip)           # test-and-set
            test %rax, %rax
            jz got
        wait:
            pause
            cmpq $0, lock(%rip)
            jne wait
            mov $1, %eax
            jmp spin
        got:
            mov count(%rip), %rbx           # unlocked increment inside the lock
            inc %rbx
            mov %rbx, count(%rip)
            movq $0, lock(%rip)
            dec %r12
            jnz 1b
            hlt
            .data
        lock: .quad 0
        count: .quad 0
        """;

    @Test
    void spinlockOnEightCoresOfATwoCoreHostCompletesExactly() {
        Sim s = Sim.boot(SPINLOCK, 8);
        RunResult r = new ThreadedExecutor().run(s.machine, RunLimits.none());
        assertEquals(RunResult.Outcome.ALL_STOPPED, r.outcome());
        assertEquals(16_000, s.mem64(s.sym("count")), "mutual exclusion held");
        for (Cpu c : s.machine.cpus()) {
            assertEquals(Cpu.State.HALTED, c.state());
            assertEquals(0, c.reg(Reg.R12));
        }
    }

    @Test
    void instructionLimitStopsAllCores() {
        Sim s = Sim.boot("_start: inc %rax\n jmp _start\n", 4);
        RunResult r = new ThreadedExecutor().run(s.machine, new RunLimits(1_000_000, 0));
        assertEquals(RunResult.Outcome.INSTRUCTION_LIMIT, r.outcome());
        assertTrue(r.instructions() >= 1_000_000 && r.instructions() < 1_100_000, "" + r.instructions());
    }

    @Test
    void stopRequestEndsAnEndlessRun() throws Exception {
        Sim s = Sim.boot("_start: inc %rax\n jmp _start\n", 2);
        RunLimits limits = RunLimits.none();
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            limits.requestStop("test");
        });
        RunResult r = new ThreadedExecutor().run(s.machine, limits);
        stopper.join();
        assertEquals(RunResult.Outcome.STOPPED, r.outcome());
        assertTrue(r.instructions() > 1_000_000);
    }

    @Test
    void deterministicSkewStaysWithinTheWindow() {
        // two cores, one spinning on cheap instructions, one on expensive ones: their clocks may
        // not drift apart by more than the window (plus one instruction) at any quantum boundary
        Sim s = Sim.boot("""
            _start:
                test %rdi, %rdi
                jnz 2f
            1:  inc %rax
                jmp 1b
            2:  mfence
                jmp 2b
            """, 2);
        DeterministicExecutor e = new DeterministicExecutor(3, 10, 500, 1_000);
        long maxSkew = 0;
        for (int i = 0; i < 2000; i++) {
            e.run(s.machine, new RunLimits(1_000, 0));
            long skew = Math.abs(s.machine.cpu(0).cycles() - s.machine.cpu(1).cycles());
            maxSkew = Math.max(maxSkew, skew);
        }
        assertTrue(maxSkew <= 1_000 + 30, "max skew " + maxSkew);
        assertTrue(s.machine.cpu(0).cycles() > 100_000);
    }
}
