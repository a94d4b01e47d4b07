package io.smpsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smpsim.isa.Reg;
import io.smpsim.machine.RunResult;
import io.smpsim.testutil.Sim;
import io.smpsim.testutil.TestInterrupts;
import org.junit.jupiter.api.Test;

/**
 * When interrupts are recognised: at instruction boundaries with IF = 1, one instruction late after
 * STI and MOV SS, immediately after POPFQ (no shadow), NMIs blocked from delivery to IRETQ.
 */
class InterruptRecognitionTest {
    /** Vector 0x40 and NMI handlers that record the saved RIPs in a log and return. */
    static final String HANDLERS = """
        install:
            mov $0x40, %edi
            lea irq(%rip), %rsi
            xor %edx, %edx
            mov $0x0e, %ecx
            call set_gate
            mov $2, %edi
            lea nmi(%rip), %rsi
            call set_gate
            ret
        irq:
            push %rax
            push %rbx
            mov 16(%rsp), %rax
            mov nlog(%rip), %rbx
            lea log(%rip), %rcx
            mov %rax, (%rcx,%rbx,8)
            incq nlog(%rip)
            pop %rbx
            pop %rax
            iretq
        nmi:
            push %rax
            push %rbx
            mov 16(%rsp), %rax
            mov nlog(%rip), %rbx
            lea log(%rip), %rcx
            mov %rax, (%rcx,%rbx,8)
            incq nlog(%rip)
            incq nmis(%rip)
            cmpq $1, nmis(%rip)
            jne 1f
            mov $2, %eax                # first NMI: ask for another one now
            vmcall
            mov nmis(%rip), %r14        # still 1: the second NMI is blocked until iretq
        1:  pop %rbx
            pop %rax
            iretq
            .data
        nlog: .quad 0
        nmis: .quad 0
        log: .skip 64
            .text
        """;

    /** Hypercall 1 arms the test timer one cycle ahead (vector 0x40); 2 raises an NMI. */
    static Sim boot(String code) {
        Sim s = Sim.bootWithPrelude(code + HANDLERS, 1);
        TestInterrupts irq = s.interrupts(0);
        s.cpu().setHypercallHandler(cpu -> {
            switch ((int) cpu.reg(Reg.RAX)) {
                case 1 -> irq.timer(cpu.cycles() + 1, 0x40);
                case 2 -> irq.raiseNmi();
                default -> { }
            }
            cpu.signal();
            return 0;
        });
        return s;
    }

    long log(Sim s, int i) {
        return s.mem64(s.sym("log") + 8L * i);
    }

    long logged(Sim s) {
        return s.mem64(s.sym("nlog"));
    }

    @Test
    void interruptPendingBeforeStiIsTakenAfterTheNextInstruction() {
        Sim s = boot("""
            _start:
                call setup_tables
                call install
                mov $0x70000, %rsp
                sti
            s1: nop
            s2: nop
                cli
                hlt
            """);
        ((TestInterrupts) s.cpu().interruptController()).raise(0x40);
        s.go(10_000);
        assertEquals(1, logged(s));
        assertEquals(s.sym("s2"), log(s, 0), "the STI shadow covers exactly one instruction");
    }

    @Test
    void interruptPendingBeforePopfqSetsIfIsTakenBeforeTheNextInstruction() {
        Sim s = boot("""
            _start:
                call setup_tables
                call install
                mov $0x70000, %rsp
                pushq $0x202
                popfq
            p1: nop
                cli
                hlt
            """);
        TestInterrupts irq = (TestInterrupts) s.cpu().interruptController();
        irq.raise(0x40);
        s.go(10_000);
        assertEquals(1, logged(s));
        assertEquals(s.sym("p1"), log(s, 0), "POPFQ opens no shadow");
    }

    @Test
    void movSsBlocksAnInterruptThatArrivesDuringItForOneInstruction() {
        Sim s = boot("""
            _start:
                call setup_tables
                call install
                mov $0x70000, %rsp
                mov $0x18, %ebx
                sti
                nop
                mov $1, %eax
                vmcall                      # the interrupt becomes pending during the next instruction
                mov %ebx, %ss
            m1: nop
            m2: nop
                cli
                hlt
            """);
        s.go(10_000);
        assertEquals(1, logged(s));
        assertEquals(s.sym("m2"), log(s, 0), "MOV SS delays recognition by one instruction");
    }

    @Test
    void withoutMovSsTheSameInterruptIsTakenAtTheNextBoundary() {
        Sim s = boot("""
            _start:
                call setup_tables
                call install
                mov $0x70000, %rsp
                mov $0x18, %ebx
                sti
                nop
                mov $1, %eax
                vmcall
                mov %ebx, %edx
            m1: nop
            m2: nop
                cli
                hlt
            """);
        s.go(10_000);
        assertEquals(1, logged(s));
        assertEquals(s.sym("m1"), log(s, 0));
    }

    /** A probe that raises vector 0x40 (or an NMI) the first time the core reaches {@code at}. */
    static int[] probeOnce(Sim s, long at, boolean nmi) {
        int[] hits = new int[1];
        TestInterrupts irq = (TestInterrupts) s.cpu().interruptController();
        s.machine.setProbe(at, true);
        s.machine.setProbeHandler((cpu, rip) -> {
            if (rip != at || hits[0]++ > 0) {
                return false;
            }
            if (nmi) {
                irq.raiseNmi();
            } else {
                irq.raise(0x40);
            }
            return true;
        });
        return hits;
    }

    @Test
    void aProbeInjectsAnInterruptExactlyAtItsBoundary() {
        Sim s = boot("""
            _start:
                call setup_tables
                call install
                mov $0x70000, %rsp
                sti
                nop
            q1: nop
            q2: nop
                cli
                hlt
            """);
        int[] hits = probeOnce(s, s.sym("q2"), false);
        s.go(10_000);
        assertEquals(1, logged(s));
        assertEquals(s.sym("q2"), log(s, 0), "taken at the probed boundary, before q2 executes");
        assertEquals(2, hits[0], "the probe runs again when q2 is reached after iretq, and injects nothing");
    }

    @Test
    void aProbeInTheStiShadowWaitsForTheShadowToEnd() {
        Sim s = boot("""
            _start:
                call setup_tables
                call install
                mov $0x70000, %rsp
                sti
            q1: nop
            q2: nop
                cli
                hlt
            """);
        probeOnce(s, s.sym("q1"), false);
        s.go(10_000);
        assertEquals(1, logged(s));
        assertEquals(s.sym("q2"), log(s, 0), "a probe does not open the STI shadow");
    }

    @Test
    void aProbedNmiIsTakenAtItsBoundaryWithInterruptsOff() {
        Sim s = boot("""
            _start:
                call setup_tables
                call install
                mov $0x70000, %rsp
                nop
            q1: nop
            q2: nop
                hlt
            """);
        probeOnce(s, s.sym("q1"), true);
        s.go(10_000);
        assertEquals(2, logged(s), "the probed NMI, then the one its handler asks for after iretq");
        assertEquals(s.sym("q1"), log(s, 0), "NMI ignores IF = 0: taken exactly at the probed boundary");
    }

    @Test
    void nmiIsBlockedFromDeliveryUntilIretq() {
        Sim s = boot("""
            _start:
                call setup_tables
                call install
                mov $0x70000, %rsp
                mov $2, %eax
                vmcall                      # first NMI
            n1: nop
            n2: nop
                hlt
            """);
        s.go(10_000);
        assertEquals(1, s.reg(Reg.R14), "inside the first NMI handler the second stayed pending");
        assertEquals(2, logged(s));
        assertEquals(s.sym("n1"), log(s, 0), "the first NMI interrupted n1 (NMI ignores IF)");
        assertEquals(s.sym("n1"), log(s, 1), "the second NMI came right after iretq, before n1 ran");
    }

    @Test
    void stiHltWithAnInterruptPendingLosesNoWakeup() {
        Sim s = boot("""
            _start:
                call setup_tables
                call install
                mov $0x70000, %rsp
                sti
                hlt
            after:
                cli
                hlt
            """);
        TestInterrupts irq = (TestInterrupts) s.cpu().interruptController();
        irq.raise(0x40);
        s.go(10_000);
        assertEquals(1, logged(s), "the interrupt woke the core");
        assertEquals(s.sym("after"), log(s, 0), "taken after hlt: the shadow kept it out until hlt ran");
        assertEquals(RunResult.Outcome.ALL_STOPPED, s.result.outcome());
    }

    @Test
    void interruptWithIfClearStaysPendingAndHltStops() {
        Sim s = boot("""
            _start:
                call setup_tables
                call install
                mov $0x70000, %rsp
                nop
                hlt
            """);
        TestInterrupts irq = (TestInterrupts) s.cpu().interruptController();
        irq.raise(0x40);
        s.go(10_000);
        assertEquals(0, logged(s));
        assertEquals(0x40, irq.pendingVector());
        assertEquals(Cpu.State.HALTED, s.cpu().state());
        assertEquals(RunResult.Outcome.ALL_STOPPED, s.result.outcome());
    }
}
