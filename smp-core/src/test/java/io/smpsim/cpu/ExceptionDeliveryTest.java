package io.smpsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.isa.Reg;
import io.smpsim.memory.BumpFrameAllocator;
import io.smpsim.memory.PageTables;
import io.smpsim.memory.Paging;
import io.smpsim.testutil.Sim;
import io.smpsim.testutil.TestInterrupts;
import org.junit.jupiter.api.Test;

/** Exception delivery as the SDM defines it, checked on the stack byte for byte. */
class ExceptionDeliveryTest {

    /** Reads the 8-byte slot i of a frame at address base. */
    private static long slot(Sim s, long base, int i) {
        return s.mem64(base + 8L * i);
    }

    @Test
    void int3FrameWithoutStackSwitchIsAlignedAndByteExact() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $3, %edi
                lea bp_handler(%rip), %rsi
                xor %edx, %edx
                mov $0x0f, %ecx             # trap gate: IF stays as it was
                call set_gate
                mov $0x80008, %rsp          # 8 mod 16: the CPU aligns the frame down to 16
                pushq $0xad5                # OF IF SF ZF AF PF CF
                popfq
            bp: int3
            after:
                hlt
            bp_handler:
                mov %rsp, %r15
                pushfq
                pop %r14
                hlt
            """, 1);
        s.go(10_000);
        long frame = 0x80000 - 40;
        assertEquals(frame, s.reg(Reg.R15), "RSP after delivery");
        assertEquals(s.sym("after"), slot(s, frame, 0), "saved RIP: int3 is a trap, the next instruction");
        assertEquals(0x10, slot(s, frame, 1), "saved CS");
        assertEquals(0xad7, slot(s, frame, 2), "saved RFLAGS");
        assertEquals(0x80008 - 8 + 8, slot(s, frame, 3), "saved RSP (before alignment)");
        assertEquals(0x18, slot(s, frame, 4), "saved SS");
        assertEquals(0xad7, s.reg(Reg.R14), "a trap gate leaves IF set");
    }

    @Test
    void pageFaultOnIstStackCarriesErrorCodeAndCr2() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $1, %edi
                mov $0x90000, %rsi
                call set_ist
                mov $14, %edi
                lea pf_handler(%rip), %rsi
                mov $1, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $0x70000, %rsp
                mov $0x40000000, %rbx       # beyond the 16 MiB identity map: not present
            fault:
                movq $5, (%rbx)
                hlt
            pf_handler:
                mov %rsp, %r15
                mov %cr2, %r14
                hlt
            """, 1);
        s.go(10_000);
        long frame = 0x90000 - 48;
        assertEquals(frame, s.reg(Reg.R15), "delivered on IST1");
        assertEquals(Paging.PF_W, slot(s, frame, 0), "error code: write to a not-present page at CPL 0");
        assertEquals(s.sym("fault"), slot(s, frame, 1), "saved RIP: the faulting instruction");
        assertEquals(0x10, slot(s, frame, 2));
        assertEquals(0x70000, slot(s, frame, 4), "saved RSP");
        assertEquals(0x18, slot(s, frame, 5));
        assertEquals(0x40000000L, s.reg(Reg.R14), "CR2");
        assertEquals(0x40000000L, s.cpu().cr2());
    }

    @Test
    void pageFaultOnTheFaultingStackBecomesDoubleFaultOnItsIstStack() {
        // The UKL mechanism: at CPL 0 there is no stack switch, so the #PF frame goes to the
        // stack that just faulted; the second #PF escalates to #DF, which has an IST stack.
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $2, %edi
                mov $0xa0000, %rsi
                call set_ist
                mov $14, %edi
                lea pf_handler(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $8, %edi
                lea df_handler(%rip), %rsi
                mov $2, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $0x40001000, %rsp       # an unmapped "user stack"
            fault:
                push %rax
                hlt
            pf_handler:
                mov $1, %r13                # must not run
                hlt
            df_handler:
                mov %rsp, %r15
                mov %cr2, %r14
                hlt
            """, 1);
        s.go(10_000);
        assertEquals(0, s.reg(Reg.R13), "the #PF handler never ran");
        long frame = 0xa0000 - 48;
        assertEquals(frame, s.reg(Reg.R15), "#DF delivered on IST2");
        assertEquals(0, slot(s, frame, 0), "#DF error code is 0");
        assertEquals(s.sym("fault"), slot(s, frame, 1), "saved RIP: the instruction that faulted first");
        assertEquals(0x40001000L, slot(s, frame, 4), "saved RSP: the faulting stack");
        assertEquals(0x40001000L - 8, s.reg(Reg.R14), "CR2: the first frame slot the CPU tried to push");
        assertEquals(Cpu.State.HALTED, s.cpu().state());
    }

    @Test
    void anInterruptWhoseDeliveryFaultsStaysPendingBehindTheDoubleFault() {
        // An external interrupt whose frame cannot be pushed (a UKL application's stack at CPL 0) is
        // not acknowledged: once the #DF handler has repaired the stack it is taken at the same boundary.
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $2, %edi
                mov $0xa0000, %rsi
                call set_ist
                mov $14, %edi
                lea pf_handler(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $8, %edi
                lea df_handler(%rip), %rsi
                mov $2, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $0x40, %edi
                lea irq(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $0x40001000, %rsp       # an unmapped stack
                sti
            w1: nop
            w2: nop
                hlt
            pf_handler:
                mov $1, %r12                # must not run: its frame cannot be pushed either
                hlt
            df_handler:
                incq %r13
                movq $0x70000, 32(%rsp)     # repair: the interrupted code continues on a mapped stack
                addq $8, %rsp               # the error code
                iretq
            irq:
                movq (%rsp), %r14
                movq %rsp, %r15
                hlt
            """, 1);
        TestInterrupts irq = s.interrupts(0);
        irq.raise(0x40);
        s.go(10_000);
        assertEquals(0, s.reg(Reg.R12));
        assertEquals(1, s.reg(Reg.R13), "one double fault");
        assertEquals(s.sym("w2"), s.reg(Reg.R14), "the interrupt is taken at the boundary it first tried");
        assertEquals(0x70000 - 40, s.reg(Reg.R15), "on the repaired stack");
        assertEquals(1, irq.acknowledged, "acknowledged once, when its frame was pushed");
    }

    @Test
    void faultWhileDeliveringDoubleFaultIsATripleFaultShutdown() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $14, %edi
                lea handler(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $8, %edi                # #DF without an IST stack: it needs the bad stack too
                call set_gate
                mov $0x40001000, %rsp
                push %rax
            handler:
                hlt
            """, 1);
        s.go(10_000);
        assertEquals(Cpu.State.SHUTDOWN, s.cpu().state());
        assertTrue(s.cpu().shutdownReason().contains("triple fault"), s.cpu().shutdownReason());
        assertTrue(s.cpu().shutdownReason().contains("#PF"), s.cpu().shutdownReason());
    }

    @Test
    void contributoryDuringContributoryIsDoubleFault() {
        // wrmsr to an MSR that does not exist: #GP; gate 13 not present: #NP while delivering #GP
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $13, %edi
                lea df_handler(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                call clear_present
                mov $8, %edi
                lea df_handler(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $0x70000, %rsp
                mov $0x12345, %ecx
            fault:
                wrmsr
                hlt
            df_handler:
                mov %rsp, %r15
                hlt
            """, 1);
        s.go(10_000);
        long frame = 0x70000 - 48;
        assertEquals(frame, s.reg(Reg.R15), "#DF on the current stack");
        assertEquals(0, slot(s, frame, 0));
        assertEquals(s.sym("fault"), slot(s, frame, 1));
    }

    @Test
    void benignThenContributoryIsDeliveredSerially() {
        // ud2 (#UD, benign) with gate 6 not present: #NP(6*8+2) is delivered, not #DF
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $6, %edi
                lea np_handler(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                call clear_present
                mov $11, %edi
                lea np_handler(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $8, %edi
                lea df_handler(%rip), %rsi
                call set_gate
                mov $0x70000, %rsp
            fault:
                ud2
            np_handler:
                mov (%rsp), %r14            # error code
                mov 8(%rsp), %r13           # saved RIP
                hlt
            df_handler:
                mov $1, %r12
                hlt
            """, 1);
        s.go(10_000);
        assertEquals(0, s.reg(Reg.R12), "no double fault");
        assertEquals(6 * 8 + 2, s.reg(Reg.R14), "error code names IDT entry 6");
        assertEquals(s.sym("fault"), s.reg(Reg.R13));
    }

    /** Gives the core fresh page tables mapping [0, 4 MiB) user-accessible, so CPL 3 code can run. */
    static void userMappings(Sim s) {
        PageTables pt = new PageTables(s.machine.memory(),
            new BumpFrameAllocator(s.machine.memory(), 8L << 20, 12L << 20));
        long root = pt.newRoot();
        pt.mapRange(root, 0, 0, 4L << 20, Paging.RW | Paging.US);
        s.cpu().setCr3(root);
    }

    static final String TO_USER = """
        # iretq to user_code at CPL 3 with the user stack at 0x60000
        to_user:
            pushq $0x2b
            pushq $0x60000
            pushq $0x202
            pushq $0x33
            lea user_code(%rip), %rax
            push %rax
            iretq
        """;

    @Test
    void interruptFromCpl3SwitchesToRsp0AndLoadsNullSs() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $0x58000, %rsi
                call set_rsp0
                mov $3, %edi
                lea bp_handler(%rip), %rsi
                xor %edx, %edx
                mov $0x6e, %ecx             # interrupt gate, DPL 3: int3 allowed from user mode
                call set_gate
                mov $0x70000, %rsp
                jmp to_user
            user_code:
                mov $7, %rbx
            ubp:
                int3
            bp_handler:
                mov %rsp, %r15
                mov %ss, %r14
                hlt
            """ + TO_USER, 1);
        userMappings(s);
        s.go(10_000);
        long frame = 0x58000 - 40;
        assertEquals(frame, s.reg(Reg.R15), "stack switched to TSS.RSP0");
        assertEquals(s.sym("ubp") + 1, slot(s, frame, 0));
        assertEquals(0x33, slot(s, frame, 1), "saved CS is the user's");
        assertEquals(0x202, slot(s, frame, 2) & 0x202);
        assertEquals(0x60000, slot(s, frame, 3), "saved RSP: the user stack");
        assertEquals(0x2b, slot(s, frame, 4), "saved SS: the user's");
        assertEquals(0, s.reg(Reg.R14), "SS becomes the null selector on a CPL change");
        assertEquals(0, s.cpu().cpl());
    }

    @Test
    void softwareInterruptThroughDpl0GateFromUserIsGeneralProtection() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $0x58000, %rsi
                call set_rsp0
                mov $0x80, %edi
                lea int80(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx             # DPL 0
                call set_gate
                mov $13, %edi
                lea gp(%rip), %rsi
                call set_gate
                mov $0x70000, %rsp
                jmp to_user
            user_code:
            uint:
                int $0x80
            int80:
                mov $1, %r12
                hlt
            gp:
                mov (%rsp), %r14
                mov 8(%rsp), %r13
                hlt
            """ + TO_USER, 1);
        userMappings(s);
        s.go(10_000);
        assertEquals(0, s.reg(Reg.R12));
        assertEquals(0x80 * 8 + 2, s.reg(Reg.R14), "#GP error code names the gate");
        assertEquals(s.sym("uint"), s.reg(Reg.R13), "the fault restarts the int instruction");
    }

    @Test
    void nonCanonicalAccessIsGpButThroughRspIsStackFault() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $13, %edi
                lea gp(%rip), %rsi
                mov $1, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $12, %edi
                lea ss_fault(%rip), %rsi
                call set_gate
                mov $1, %edi
                mov $0x90000, %rsi
                call set_ist
                mov $0x70000, %rsp
                movabs $0x0000800000000000, %rax
            gp_at:
                mov (%rax), %rbx
            gp:
                add $1, %r12
                cmp $1, %r12
                jne 1f
                mov 8(%rsp), %r13
                add $8, %rax                # RSP-8 is 2^47: the push itself is non-canonical
                mov %rax, %rsp
            ss_at:
                push %rbx
            1:  hlt
            ss_fault:
                mov 8(%rsp), %r14
                hlt
            """, 1);
        s.go(10_000);
        assertEquals(s.sym("gp_at"), s.reg(Reg.R13), "non-canonical data access: #GP");
        assertEquals(s.sym("ss_at"), s.reg(Reg.R14), "non-canonical stack access: #SS");
    }

    @Test
    void pageFaultErrorCodesForNxUserAndWriteProtect() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $14, %edi
                lea pf(%rip), %rsi
                mov $1, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $1, %edi
                mov $0x90000, %rsi
                call set_ist
                mov $0x70000, %rsp
                mov $0x300000, %rbx         # read-only page (CR0.WP is set)
            wp_at:
                movq $1, (%rbx)
                mov $0x301000, %rbx         # no-execute page
            nx_at:
                call *%rbx
                hlt
            pf:
                mov %cr2, %rax
                mov (%rsp), %rdx
                lea results(%rip), %rcx
                mov count(%rip), %r8
                shl $4, %r8
                mov %rax, (%rcx,%r8)
                mov %rdx, 8(%rcx,%r8)
                incq count(%rip)
                mov 8(%rsp), %r9            # skip the faulting instruction: resume after it
                cmp $wp_at, %r9
                jne 1f
                lea nx_at-wp_at(%r9), %r9   # after the write comes the next test
                mov $0x301000, %rbx
                mov %r9, 8(%rsp)
                add $8, %rsp                # drop the error code
                iretq
            1:  hlt
                .data
            count: .quad 0
            results: .skip 64
            """, 1);
        PageTables pt = new PageTables(s.machine.memory(), new BumpFrameAllocator(s.machine.memory(), 8L << 20,
            12L << 20));
        long root = pt.newRoot();
        pt.mapRange(root, 0, 0, 3L << 20, Paging.RW);
        pt.map4k(root, 0x300000, 0x300000, 0);
        pt.map4k(root, 0x301000, 0x301000, Paging.RW | Paging.NX);
        s.cpu().setCr3(root);
        s.go(10_000);
        long results = s.sym("results");
        assertEquals(2, s.mem64(s.sym("count")));
        assertEquals(0x300000, s.mem64(results));
        assertEquals(Paging.PF_P | Paging.PF_W, s.mem64(results + 8), "write to a read-only page: P|W");
        assertEquals(0x301000, s.mem64(results + 16));
        assertEquals(Paging.PF_P | Paging.PF_I, s.mem64(results + 24), "fetch from an NX page: P|I");
        assertEquals(0x301000, s.cpu().cr2());
    }
}
