package io.smpsim.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smpsim.cpu.Cpu;
import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.Executor;
import io.smpsim.machine.RunResult;
import io.smpsim.machine.ThreadedExecutor;
import org.junit.jupiter.api.Test;

/**
 * Four cores send each other IPIs as fast as the protocol allows; every IPI is counted exactly
 * once by its handler. Each sender uses its own vector (0x40 + sender) and sends to a core again
 * only after the previous IPI was counted, so no two IPIs coalesce in an IRR.
 */
class IpiStormTest {
    static final int ROUNDS = 300;

    static final String PROGRAM = """
        _start:
            mov %rdi, %r15                  # my id
            mov $0x70000, %rsp
            mov %r15, %rax
            shl $12, %rax
            sub %rax, %rsp                  # a stack of our own
            call setup_shared_tables
            test %r15, %r15
            jnz 1f
            mov $0x40, %edi
            lea h0(%rip), %rsi
            xor %edx, %edx
            mov $0x0e, %ecx
            call set_gate
            mov $0x41, %edi
            lea h1(%rip), %rsi
            call set_gate
            mov $0x42, %edi
            lea h2(%rip), %rsi
            call set_gate
            mov $0x43, %edi
            lea h3(%rip), %rsi
            call set_gate
            movq $1, ready(%rip)
        1:  cmpq $0, ready(%rip)
            je 1b
            call apic_enable
            sti
            xor %r14d, %r14d                # round
        round:
            xor %r13d, %r13d                # target
        target:
            cmp %r15, %r13
            je next
            lea count(%rip), %rbx           # wait until my previous IPI to the target was counted
            mov %r15, %rax
            shl $2, %rax
            add %r13, %rax
        wait:
            mov (%rbx,%rax,8), %rdx
            cmp %r14, %rdx
            jb wait
            mov %r13, %rdi
            lea 0x40(%r15), %rsi
            call apic_send
        next:
            inc %r13
            cmp $4, %r13
            jne target
            inc %r14
            cmp $ROUNDS, %r14
            jne round
        drain:                              # wait for every IPI to me to arrive
            xor %r13d, %r13d
            xor %r12d, %r12d
        sum:
            lea count(%rip), %rbx
            mov %r13, %rax
            shl $2, %rax
            add %r15, %rax
            add (%rbx,%rax,8), %r12
            inc %r13
            cmp $4, %r13
            jne sum
            cmp $3 * ROUNDS, %r12
            jne drain
            cli
            hlt
        h0: push $0
            jmp common
        h1: push $1
            jmp common
        h2: push $2
            jmp common
        h3: push $3
        common:
            push %rax
            push %rbx
            call apic_id
            mov 16(%rsp), %rbx              # sender
            shl $2, %rbx
            add %rax, %rbx
            lea count(%rip), %rax
            lock incq (%rax,%rbx,8)
            call apic_eoi
            pop %rbx
            pop %rax
            add $8, %rsp
            iretq
            .data
        ready: .quad 0
        count: .skip 16 * 8                 # count[sender][target]
        """.replace("ROUNDS", String.valueOf(ROUNDS));

    static void check(Executor executor) {
        ApicSim s = new ApicSim(PROGRAM, 4);
        s.bus.recordIpis(true);
        RunResult r = s.run(executor, 200_000_000);
        assertEquals(RunResult.Outcome.ALL_STOPPED, r.outcome(), "every core finished");
        for (int from = 0; from < 4; from++) {
            for (int to = 0; to < 4; to++) {
                long n = s.mem(s.sym("count") + 8L * (from * 4 + to));
                assertEquals(from == to ? 0 : ROUNDS, n, "IPIs from " + from + " to " + to);
            }
        }
        long received = 0;
        for (LocalApic a : s.bus.apics()) {
            assertEquals(3L * ROUNDS, a.ipisSent());
            received += a.ipisReceived();
            assertEquals(Cpu.State.HALTED, s.machine.cpu(a.id()).state());
        }
        assertEquals(12L * ROUNDS, received, "every IPI record reached its target");
    }

    @Test
    void everyIpiCountedOnceWithRealThreads() {
        check(new ThreadedExecutor());
    }

    @Test
    void everyIpiCountedOnceDeterministically() {
        check(new DeterministicExecutor(42));
    }
}
