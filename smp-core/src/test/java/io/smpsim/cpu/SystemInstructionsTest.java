package io.smpsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.isa.Msr;
import io.smpsim.isa.Reg;
import io.smpsim.isa.Rflags;
import io.smpsim.memory.BumpFrameAllocator;
import io.smpsim.memory.PageTables;
import io.smpsim.memory.Paging;
import io.smpsim.testutil.Sim;
import org.junit.jupiter.api.Test;

/** syscall/sysretq, swapgs and GS addressing, MSRs, control registers and the TLB. */
class SystemInstructionsTest {

    static final String SYSCALL_SETUP = """
        setup_syscall:
            mov $0xC0000081, %ecx           # STAR: kernel CS 0x10, user base 0x23
            xor %eax, %eax
            mov $0x00230010, %edx
            wrmsr
            mov $0xC0000082, %ecx           # LSTAR
            lea entry(%rip), %rax
            mov %rax, %rdx
            shr $32, %rdx
            wrmsr
            mov $0xC0000084, %ecx           # FMASK: clear IF, DF, TF
            mov $0x700, %eax
            xor %edx, %edx
            wrmsr
            ret
        """;

    static void userMappings(Sim s) {
        ExceptionDeliveryTest.userMappings(s);
    }

    @Test
    void syscallAndSysretqRoundTrip() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                call setup_syscall
                mov $0x70000, %rsp
                jmp to_user
            user_code:
                mov $39, %eax
            sc: syscall
            back:
                mov %cs, %r12
                mov %ss, %r13
                hlt                         # #GP at CPL 3: ends the test on the #GP gate (none: shutdown)
            entry:
                mov %rcx, %r8               # return address
                mov %r11, %r9               # user RFLAGS
                pushfq                      # (on the user stack: this test only)
                pop %r10
                mov %cs, %r14
                mov %ss, %r15
                sysretq
            """ + SYSCALL_SETUP + ExceptionDeliveryTest.TO_USER, 1);
        userMappings(s);
        s.go(10_000);
        assertEquals(s.sym("back"), s.reg(Reg.R8), "RCX = the instruction after syscall");
        assertEquals(0x202, s.reg(Reg.R9) & 0x202, "R11 = the user's RFLAGS");
        assertEquals(0, s.reg(Reg.R10) & Rflags.IF, "FMASK cleared IF in the kernel");
        assertEquals(0x10, s.reg(Reg.R14));
        assertEquals(0x18, s.reg(Reg.R15));
        assertEquals(0x33, s.reg(Reg.R12), "sysretq: CS = STAR[63:48] + 16 | 3");
        assertEquals(0x2b, s.reg(Reg.R13), "sysretq: SS = STAR[63:48] + 8 | 3");
    }

    @Test
    void sysretqToNonCanonicalRcxFaultsAtCpl0OnTheUserStack() {
        // Intel: the #GP comes before the switch to CPL 3, with the user's RSP already in place
        // and no stack switch (CVE-2012-0217). The frame lands on the user stack.
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                call setup_syscall
                mov $0x58000, %rsi
                call set_rsp0
                mov $13, %edi
                lea gp(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $0x70000, %rsp
                jmp to_user
            user_code:
                syscall
                hlt
            entry:
                movabs $0x0000800000000000, %rcx
            bad_sysret:
                sysretq
            gp:
                mov %rsp, %r15
                mov 8(%rsp), %r14           # saved RIP
                mov 16(%rsp), %r13          # saved CS
                hlt
            """ + SYSCALL_SETUP + ExceptionDeliveryTest.TO_USER, 1);
        userMappings(s);
        s.go(10_000);
        assertEquals(s.sym("bad_sysret"), s.reg(Reg.R14));
        assertEquals(0x10, s.reg(Reg.R13), "the fault was taken at CPL 0");
        assertEquals(0x60000 - 48, s.reg(Reg.R15), "on the user's stack, not TSS.RSP0");
    }

    @Test
    void swapgsSwapsAndGsOverrideUsesTheBase() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $0x70000, %rsp
                lea percpu(%rip), %rax
                wrgsbase %rax
                mov $0xC0000102, %ecx       # KERNEL_GS_BASE
                mov $0x1234, %eax
                xor %edx, %edx
                wrmsr
                mov %gs:8, %r8              # percpu+8
                swapgs
                rdgsbase %r9
                swapgs
                rdgsbase %r10
                lea %gs:16(%rip), %r11      # lea ignores the segment base
                movq $77, %gs:16
                mov percpu+16(%rip), %r12
                hlt
                .data
            percpu: .quad 1, 2, 3
            """, 1);
        s.go(10_000);
        assertEquals(2, s.reg(Reg.R8));
        assertEquals(0x1234, s.reg(Reg.R9));
        assertEquals(s.sym("percpu"), s.reg(Reg.R10));
        assertTrue(s.reg(Reg.R11) < 0x200000, "lea did not add GS.base");
        assertEquals(77, s.reg(Reg.R12));
    }

    @Test
    void swapgsAtCpl3IsGeneralProtection() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $0x58000, %rsi
                call set_rsp0
                mov $13, %edi
                lea gp(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $0x70000, %rsp
                jmp to_user
            user_code:
            usw:
                swapgs
                hlt
            gp:
                mov 8(%rsp), %r14
                hlt
            """ + ExceptionDeliveryTest.TO_USER, 1);
        userMappings(s);
        s.go(10_000);
        assertEquals(s.sym("usw"), s.reg(Reg.R14));
    }

    @Test
    void msrsReadBackAndNonCanonicalLstarIsRejected() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $13, %edi
                lea gp(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $0x70000, %rsp
                mov $0xC0000082, %ecx
                mov $0x89abcdef, %eax
                mov $0xffffffff, %edx
                wrmsr                       # canonical: accepted
                xor %eax, %eax
                xor %edx, %edx
                rdmsr
                shl $32, %rdx
                or %rax, %rdx
                mov %rdx, %r12
                mov $0x00008000, %edx       # bit 47 set, bits 63:48 clear: non-canonical
            bad:
                wrmsr
                hlt
            gp:
                mov 8(%rsp), %r14
                rdtsc
                mov %rax, %r13
                rdtsc
                sub %r13, %rax
                mov %rax, %r13
                hlt
            """, 1);
        s.go(10_000);
        assertEquals(0xffffffff89abcdefL, s.reg(Reg.R12));
        assertEquals(s.sym("bad"), s.reg(Reg.R14));
        assertTrue(s.reg(Reg.R13) > 0, "the TSC advances");
    }

    @Test
    void staleTlbEntryUntilInvlpg() {
        // x86 does not snoop page-table writes: a translation cached in the TLB survives a PTE
        // change until invlpg (or a CR3 write) removes it.
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $0x70000, %rsp
                mov $0x200000, %rbx         # va 0x200000 maps page A
                mov (%rbx), %r8             # A's first word, now cached
                mov pte(%rip), %rcx
                mov newpte(%rip), %rdx
                mov %rdx, (%rcx)            # now maps page B
                mov (%rbx), %r9             # still A
                invlpg (%rbx)
                mov (%rbx), %r10            # B
                hlt
                .data
            pte: .quad 0
            newpte: .quad 0
            """, 1);
        PageTables pt = new PageTables(s.machine.memory(), new BumpFrameAllocator(s.machine.memory(), 8L << 20,
            12L << 20));
        long root = pt.newRoot();
        pt.mapRange(root, 0, 0, 2L << 20, Paging.RW);
        pt.mapRange(root, 8L << 20, 8L << 20, 4L << 20, Paging.RW); // the tables themselves
        long pageA = 0x400000;
        long pageB = 0x401000;
        pt.map4k(root, 0x200000, pageA, Paging.RW);
        s.machine.memory().write64(pageA, 0xAAAA);
        s.machine.memory().write64(pageB, 0xBBBB);
        s.machine.memory().write64(s.sym("pte"), pt.pteAddress(root, 0x200000));
        s.machine.memory().write64(s.sym("newpte"), pageB | Paging.RW | Paging.P);
        s.cpu().setCr3(root);
        s.go(10_000);
        assertEquals(0xAAAA, s.reg(Reg.R8));
        assertEquals(0xAAAA, s.reg(Reg.R9), "stale until invalidated");
        assertEquals(0xBBBB, s.reg(Reg.R10));
    }

    @Test
    void hypercallWithoutAHandlerIsInvalidOpcode() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $6, %edi
                lea ud(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $0x70000, %rsp
            vm: vmcall
                hlt
            ud:
                mov (%rsp), %r14
                hlt
            """, 1);
        s.go(10_000);
        assertEquals(s.sym("vm"), s.reg(Reg.R14));
    }

    @Test
    void hypercallRunsTheServiceAndReturnsInRax() {
        Sim s = Sim.boot("""
            _start:
                mov $7, %eax
                mov $5, %edi
                mov $6, %esi
                vmcall
                hlt
            """, 1);
        s.cpu().setHypercallHandler(cpu -> {
            cpu.setReg(Reg.RAX, cpu.reg(Reg.RAX) * 100 + cpu.reg(Reg.RDI) * cpu.reg(Reg.RSI));
            return 0;
        });
        s.go(1000);
        assertEquals(730, s.reg(Reg.RAX));
        assertEquals(Msr.EFER_SCE, s.cpu().dump().efer() & Msr.EFER_SCE);
    }
}
