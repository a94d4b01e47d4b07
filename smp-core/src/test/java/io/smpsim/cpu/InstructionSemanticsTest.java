package io.smpsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smpsim.isa.Reg;
import io.smpsim.machine.BareMetal;
import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.RunLimits;
import io.smpsim.testutil.Sim;
import org.junit.jupiter.api.Test;

/**
 * Semantics per instruction group that the flags differential test does not reach: stack and
 * control transfer, memory operand forms, sub-register writes, division faults, and locked
 * operations across cores.
 */
class InstructionSemanticsTest {

    @Test
    void stackAndControlTransfer() {
        Sim s = Sim.run("""
            _start:
                mov %rsp, %r15
                push %rsp                   # pushes the value before the push
                pop %rax
                sub %r15, %rax              # 0
                mov %rax, %r8
                pushq $-2
                pop %r9                     # sign-extended imm8
                push $0x12345678
                popq 0(%rsp)                # pop into memory addressed through the new RSP (SDM)
                mov -8(%rsp), %r10
                call twice                  # r11 = 2 * 21
                lea table(%rip), %rbx
                mov $2, %ecx
                jmp *(%rbx,%rcx,8)          # jump table
            back:
                lea target(%rip), %rax
                call *%rax
                mov $16, %edi
                call retn
                mov %rsp, %r14
                sub %r15, %r14              # ret $16 dropped 16 bytes of arguments
                hlt
            twice:
                mov $21, %r11
                add %r11, %r11
                ret
            t0: mov $100, %r12
                jmp back
            t2: mov $102, %r12
                jmp back
            target:
                mov $55, %r13
                ret
            retn:
                sub $16, %rsp
                pop %rax
                pop %rax
                push (%rsp)                 # push from memory: duplicate the return address
                add $8, %rsp
                ret $16
                .data
            table: .quad t0, 0, t2
            """);
        assertEquals(0, s.reg(Reg.R8), "push %rsp pushes the old RSP");
        assertEquals(-2, s.reg(Reg.R9));
        assertEquals(0x12345678, s.reg(Reg.R10));
        assertEquals(42, s.reg(Reg.R11));
        assertEquals(102, s.reg(Reg.R12), "jump table entry 2");
        assertEquals(55, s.reg(Reg.R13));
        assertEquals(16, s.reg(Reg.R14));
    }

    @Test
    void subRegisterWritesAndExtensions() {
        Sim s = Sim.run("""
            _start:
                mov $-1, %rax
                mov $0, %eax                # 32-bit writes zero the upper half
                mov $-1, %rbx
                mov $0, %bx                 # 16-bit writes merge
                mov $-1, %rcx
                mov $0, %cl                 # 8-bit writes merge
                mov $-1, %rdx
                movb $0x80, %dl
                movsbw %dl, %dx             # only the low 16 bits change
                mov $0x1122334455667788, %rsi
                mov %rsi, %rdi
                movabs $-1, %r8
                xchg %esi, %r8d             # 32-bit xchg zero-extends both
                mov $3, %r9d
                shl $0, %r9d                # count 0: value unchanged
                hlt
            """);
        assertEquals(0, s.reg(Reg.RAX));
        assertEquals(0xFFFFFFFFFFFF0000L, s.reg(Reg.RBX));
        assertEquals(0xFFFFFFFFFFFFFF00L, s.reg(Reg.RCX));
        assertEquals(0xFFFFFFFFFFFFFF80L, s.reg(Reg.RDX));
        assertEquals(0x1122334455667788L, s.reg(Reg.RDI));
        assertEquals(0xFFFFFFFFL, s.reg(Reg.RSI));
        assertEquals(0x55667788L, s.reg(Reg.R8));
        assertEquals(3, s.reg(Reg.R9));
    }

    @Test
    void memoryForms() {
        Sim s = Sim.run("""
            _start:
                lea buf(%rip), %rbx
                movq $10, (%rbx)
                addq $5, (%rbx)             # 15
                subl %eax, 8(%rbx)
                mov $3, %ecx
                shlq %cl, (%rbx)            # 120
                incw 16(%rbx)
                negq 24(%rbx)
                notb 32(%rbx)
                mov $7, %rax
                xchg %rax, 40(%rbx)         # rax = 9, [40] = 7
                mov %rax, %r13
                mov $1, %edx
                xaddq %rdx, 48(%rbx)        # rdx = 100, [48] = 101
                mov $101, %eax
                mov $500, %esi
                cmpxchgq %rsi, 48(%rbx)     # equal: [48] = 500
                movzbl 32(%rbx), %r8d
                imul 48(%rbx), %rdx         # 100 * 500
                cmpq $120, (%rbx)
                sete %r9b
                setne 56(%rbx)
                cmovz (%rbx), %r10
                mov (%rbx), %r11
                hlt
                .data
            buf: .quad 0, 0, 0xffff, 1, 0, 9, 100, 0xff
            """);
        long buf = s.sym("buf");
        assertEquals(120, s.mem64(buf));
        assertEquals(0, s.mem64(buf + 16) & 0xFFFF, "incw wraps");
        assertEquals(-1, s.mem64(buf + 24));
        assertEquals(0xFF, s.reg(Reg.R8));
        assertEquals(9, s.reg(Reg.R13));
        assertEquals(7, s.mem64(buf + 40));
        assertEquals(500, s.mem64(buf + 48));
        assertEquals(50000, s.reg(Reg.RDX));
        assertEquals(1, s.reg(Reg.R9));
        assertEquals(0, s.mem64(buf + 56) & 0xFF);
        assertEquals(120, s.reg(Reg.R10));
        assertEquals(120, s.reg(Reg.R11));
    }

    @Test
    void divisionAndDivideErrors() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                xor %edi, %edi
                lea de(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $0x70000, %rsp
                mov $0xFFFFFFFFFFFFFFF0, %rax   # 2^64 * 5 + (2^64 - 16) divided by 7
                mov $5, %edx
                mov $7, %ecx
                div %rcx
                mov %rax, %r8
                mov %rdx, %r9
                mov $-100, %rax
                cqto
                mov $7, %ecx
                idiv %rcx
                mov %rax, %r10
                mov %rdx, %r11
                mov $7, %edx                    # RDX >= divisor: the quotient does not fit, #DE
            ovf:
                div %rcx
                hlt
            de:
                mov (%rsp), %r12
                hlt
            """, 1).go(10_000);
        java.math.BigInteger dividend = java.math.BigInteger.valueOf(5).shiftLeft(64)
            .add(new java.math.BigInteger("FFFFFFFFFFFFFFF0", 16));
        java.math.BigInteger[] qr = dividend.divideAndRemainder(java.math.BigInteger.valueOf(7));
        assertEquals(qr[0].longValue(), s.reg(Reg.R8));
        assertEquals(qr[1].longValue(), s.reg(Reg.R9));
        assertEquals(-14, s.reg(Reg.R10));
        assertEquals(-2, s.reg(Reg.R11), "idiv rounds toward zero; the remainder has the dividend's sign");
        assertEquals(s.sym("ovf"), s.reg(Reg.R12), "#DE is a fault on the div");
    }

    @Test
    void fallingIntoDataInTextIsInvalidOpcode() {
        Sim s = Sim.bootWithPrelude("""
            _start:
                call setup_tables
                mov $6, %edi
                lea ud(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $0x70000, %rsp
                nop
            data:
                .quad 0x9090909090909090
            ud:
                mov (%rsp), %r14
                hlt
            """, 1).go(10_000);
        assertEquals(s.sym("data"), s.reg(Reg.R14), "no decoded instruction at the data: #UD there");
    }

    @Test
    void lockedIncrementsFromFourCoresAreExact() {
        Sim s = Sim.boot("""
            _start:
                mov $5000, %ecx
            1:  lock incq counter(%rip)
                lock addq $2, counter2(%rip)
                mov $1, %eax
                lock xadd %rax, counter3(%rip)
                dec %ecx
                jnz 1b
                hlt
                .data
            counter: .quad 0
            counter2: .quad 0
            counter3: .quad 0
            """, 4);
        new DeterministicExecutor(7, 1, 50, 200).run(s.machine, RunLimits.none());
        assertEquals(20_000, s.mem64(s.sym("counter")));
        assertEquals(40_000, s.mem64(s.sym("counter2")));
        assertEquals(20_000, s.mem64(s.sym("counter3")));
    }

    @Test
    void unlockedReadModifyWriteSequencesLoseUpdatesUnderInterleaving() {
        // The same count as load / add / store with a switch possible between them: the
        // deterministic executor interleaves at instruction granularity, so updates get lost.
        Sim s = Sim.boot("""
            _start:
                mov $5000, %ecx
            1:  mov counter(%rip), %rax
                inc %rax
                mov %rax, counter(%rip)
                dec %ecx
                jnz 1b
                hlt
                .data
            counter: .quad 0
            """, 4);
        new DeterministicExecutor(7, 1, 20, 200).run(s.machine, RunLimits.none());
        long c = s.mem64(s.sym("counter"));
        org.junit.jupiter.api.Assertions.assertTrue(c < 20_000 && c >= 5_000, "lost updates: " + c);
    }

    @Test
    void everyCoreStartsWithItsIndexAndOwnStack() {
        Sim s = Sim.boot("""
            _start:
                mov %rdi, %rax
                mov %rsp, %rbx
                hlt
            """, 3).go(1000);
        for (int i = 0; i < 3; i++) {
            assertEquals(i, s.machine.cpu(i).reg(Reg.RAX));
            assertEquals(BareMetal.LOAD_ADDRESS - i * BareMetal.STACK_SIZE, s.machine.cpu(i).reg(Reg.RBX));
        }
    }
}
