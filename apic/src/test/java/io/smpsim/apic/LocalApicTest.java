package io.smpsim.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.isa.Reg;
import io.smpsim.machine.RunResult;
import io.smpsim.machine.ThreadedExecutor;
import org.junit.jupiter.api.Test;

/** x2APIC semantics: priorities, TPR/PPR, EOI, timers, IPI shorthands, NMIs, register access. */
class LocalApicTest {
    /** Logging handlers for vectors 0x40, 0x60, 0x70 and 0x30 (timer) and NMI. */
    static final String LOGGING = """
        install:
            mov $0x40, %edi
            lea h40(%rip), %rsi
            xor %edx, %edx
            mov $0x0e, %ecx
            call set_gate
            mov $0x60, %edi
            lea h60(%rip), %rsi
            call set_gate
            mov $0x70, %edi
            lea h70(%rip), %rsi
            call set_gate
            mov $0x30, %edi
            lea h30(%rip), %rsi
            call set_gate
            mov $2, %edi
            lea hnmi(%rip), %rsi
            call set_gate
            ret
        # log(rdi): append rdi to the log
        log:
            push %rax
            push %rbx
            mov nlog(%rip), %rax
            lea logbuf(%rip), %rbx
            mov %rdi, (%rbx,%rax,8)
            incq nlog(%rip)
            pop %rbx
            pop %rax
            ret
        h40:
            push %rdi
            mov $0x40, %edi
            call log
            call apic_eoi
            pop %rdi
            iretq
        h60:
            push %rdi
            mov $0x60, %edi
            call log
            call apic_eoi
            pop %rdi
            iretq
        h70:                                # nested: IF on inside, EOI late
            push %rdi
            push %rax
            push %rcx
            push %rdx
            mov $0x70, %edi
            call log
            mov $0x80a, %ecx                # PPR while 0x70 is in service
            rdmsr
            mov %rax, ppr70(%rip)
            sti
            nop
            nop
            mov $0x71, %edi                 # still inside, before EOI: 0x60 must not have come in
            call log
            call apic_eoi                   # now 0x60 is deliverable (IF is on): taken right here
            mov $0x72, %edi
            call log
            pop %rdx
            pop %rcx
            pop %rax
            pop %rdi
            iretq
        h30:
            incq ticks(%rip)
            call apic_eoi
            iretq
        hnmi:
            push %rdi
            mov $2, %edi
            call log
            pop %rdi
            iretq
            .data
        nlog: .quad 0
        logbuf: .skip 256
        ppr70: .quad 0
        ticks: .quad 0
            .text
        """;

    static final String BOOT = """
        _start:
            mov %rdi, %r15
            mov $0x70000, %rsp
            mov %r15, %rax
            shl $12, %rax
            sub %rax, %rsp
            call setup_shared_tables
            call install
            call apic_enable
        """;

    long[] log(ApicSim s) {
        int n = (int) s.mem(s.sym("nlog"));
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.mem(s.sym("logbuf") + 8L * i);
        }
        return out;
    }

    @Test
    void priorityClassesTprAndPprDecideTheOrder() {
        ApicSim s = new ApicSim(BOOT + """
                mov $0x50, %edi
                call apic_tpr                   # class 5 and below masked
                mov $0x83f, %ecx                # self-IPIs while IF = 0
                mov $0x40, %eax
                xor %edx, %edx
                wrmsr
                mov $0x60, %eax
                wrmsr
                mov $0x70, %eax
                wrmsr
                sti
                nop
                nop                             # 0x70 (with 0x60 nested at its EOI) has run here
                mov $0x99, %edi
                call log
                xor %edi, %edi
                call apic_tpr                   # TPR 0: 0x40 comes in now
                nop
                cli
                hlt
            """ + LOGGING, 1);
        s.runDeterministic(1);
        assertArrayEquals(new long[] {0x70, 0x71, 0x60, 0x72, 0x99, 0x40}, log(s));
        assertEquals(0x70, s.mem(s.sym("ppr70")), "PPR = the in-service class while TPR is lower");
    }

    static void assertArrayEquals(long[] expected, long[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual,
            () -> "log was " + java.util.Arrays.toString(java.util.Arrays.stream(actual)
                .mapToObj(Long::toHexString).toArray()));
    }

    @Test
    void periodicTimerFiresOncePerPeriod() {
        ApicSim s = new ApicSim(BOOT + """
                mov $0x83e, %ecx                # divide by 1
                mov $0xb, %eax
                xor %edx, %edx
                wrmsr
                mov $0x832, %ecx                # LVT timer: periodic, vector 0x30
                mov $0x20030, %eax
                wrmsr
                rdtsc
                shl $32, %rdx
                or %rax, %rdx
                mov %rdx, %r12                  # start
                mov $0x838, %ecx
                mov $10000, %eax                # period 10000 cycles
                xor %edx, %edx
                wrmsr
                sti
            1:  rdtsc
                shl $32, %rdx
                or %rax, %rdx
                sub %r12, %rdx
                cmp $1000000, %rdx
                jb 1b
                cli
                mov $0x832, %ecx                # mask it
                mov $0x10030, %eax
                xor %edx, %edx
                wrmsr
                mov ticks(%rip), %r13
                hlt
            """ + LOGGING, 1);
        s.runDeterministic(1);
        long ticks = s.machine.cpu(0).reg(Reg.R13);
        assertTrue(ticks >= 99 && ticks <= 100, "1,000,000 cycles / 10,000 per period: " + ticks);
        assertEquals(ticks, s.bus.apic(0).timerFired());
    }

    @Test
    void oneShotAndTscDeadlineTimersFireOnceAndWakeAHaltedCore() {
        ApicSim s = new ApicSim(BOOT + """
                mov $0x83e, %ecx
                mov $0x3, %eax                  # divide by 16
                xor %edx, %edx
                wrmsr
                mov $0x832, %ecx                # one-shot, vector 0x30
                mov $0x30, %eax
                wrmsr
                mov $0x838, %ecx
                mov $1000, %eax                 # 16000 cycles
                wrmsr
                mov $0x839, %ecx                # the current count runs down
                rdmsr
                mov %rax, %r10
                sti
                hlt                             # the timer wakes the core
                mov ticks(%rip), %r11
                mov $0x832, %ecx                # TSC-deadline mode
                mov $0x40030, %eax
                xor %edx, %edx
                wrmsr
                rdtsc
                add $50000, %eax
                adc $0, %edx
                mov %eax, %ebx
                mov $0x6e0, %ecx
                wrmsr
                hlt
                mov ticks(%rip), %r12
                rdtsc
                shl $32, %rdx
                or %rax, %rdx
                mov %rdx, %r13                  # time after the wake
                cli
                hlt
            """ + LOGGING, 1);
        RunResult r = s.runDeterministic(1);
        var cpu = s.machine.cpu(0);
        assertTrue(cpu.reg(Reg.R10) > 900 && cpu.reg(Reg.R10) <= 1000, "current count " + cpu.reg(Reg.R10));
        assertEquals(1, cpu.reg(Reg.R11), "one-shot fired once");
        assertEquals(2, cpu.reg(Reg.R12), "TSC deadline fired once");
        assertTrue(cpu.reg(Reg.R13) >= 50000, "the halted core's time jumped to the deadline");
        assertEquals(RunResult.Outcome.ALL_STOPPED, r.outcome());
    }

    @Test
    void shorthandsAndNmiIpis() {
        ApicSim s = new ApicSim(BOOT + """
                sti
                test %r15, %r15
                jnz wait
                mov $0x3f, %r14d                # core 0 sends
                xor %edi, %edi
                mov $0x40 | (3 << 18), %esi     # all excluding self
                call apic_send
                mov $0x60 | (1 << 18), %esi     # self
                call apic_send
                mov $0x70 | (2 << 18), %esi     # all including self
                call apic_send
                mov $2, %edi                    # NMI to core 2
                mov $0x400, %esi
                call apic_send
            wait:
                mov nlog(%rip), %rax
                cmp $8, %rax                    # 3 + 1 + 4 + 1 = 9 events for 4 cores... wait for them
                jb wait
            1:  cmpq $9, nlog(%rip)
                jb 1b
                cli
                hlt
            """ + LOGGING, 4);
        s.runDeterministic(3);
        long[] log = log(s);
        long c40 = java.util.Arrays.stream(log).filter(v -> v == 0x40).count();
        long c60 = java.util.Arrays.stream(log).filter(v -> v == 0x60).count();
        long c70 = java.util.Arrays.stream(log).filter(v -> v == 0x70).count();
        long nmi = java.util.Arrays.stream(log).filter(v -> v == 2).count();
        assertEquals(3, c40, "all-excluding-self reached the 3 others");
        assertEquals(1, c60, "self");
        assertEquals(4, c70, "all-including-self reached all 4");
        assertEquals(1, nmi);
    }

    @Test
    void registerAccessFollowsX2ApicRules() {
        ApicSim s = new ApicSim(BOOT + """
                mov $13, %edi
                lea gp(%rip), %rsi
                xor %edx, %edx
                mov $0x0e, %ecx
                call set_gate
                mov $0x802, %ecx
                rdmsr
                mov %rax, %r8                   # ID
                mov $0x80d, %ecx
                rdmsr
                mov %rax, %r9                   # LDR
                mov $0x803, %ecx
                rdmsr
                mov %rax, %r10                  # version
                mov $0x1b, %ecx
                rdmsr
                mov %rax, %r11                  # APIC base
                mov $0x80b, %ecx                # EOI is write-only: #GP
            bad:
                rdmsr
                hlt
            gp:
                mov 8(%rsp), %r12
                cli
                hlt
            """ + LOGGING, 3);
        s.runDeterministic(1);
        for (int i = 0; i < 3; i++) {
            var c = s.machine.cpu(i);
            assertEquals(i, c.reg(Reg.R8));
            assertEquals(1L << i, c.reg(Reg.R9), "LDR: cluster 0, bit i");
            assertEquals(X2Apic.VERSION_VALUE, c.reg(Reg.R10));
            assertEquals(0xFEE00C00L | (i == 0 ? 0x100 : 0), c.reg(Reg.R11), "EN, EXTD, BSP on core 0");
            assertEquals(s.sym("bad"), c.reg(Reg.R12));
        }
    }

    @Test
    void stiHltIdleLoopLosesNoWakeupWithRealThreads() {
        // core 1 keeps sending; core 0 sleeps in the classic idle loop between them
        ApicSim s = new ApicSim(BOOT + """
                test %r15, %r15
                jnz sender
                mov $5000, %r13
            idle:
                cli
                mov nlog(%rip), %rax
                cmp %r13, %rax
                jae done
                sti
                hlt
                jmp idle
            done:
                movq $1, stop(%rip)
                hlt
            sender:
                cmpq $0, stop(%rip)
                jne 2f
                mov nlog(%rip), %r12
                xor %edi, %edi
                mov $0x40, %esi
                call apic_send
            1:  cmpq $0, stop(%rip)             # wait until it was taken, then send the next
                jne 2f
                cmp nlog(%rip), %r12
                je 1b
                jmp sender
            2:  cli
                hlt
                .data
            stop: .quad 0
                .text
            """ + LOGGING, 2);
        RunResult r = s.run(new ThreadedExecutor(), 0);
        assertEquals(RunResult.Outcome.ALL_STOPPED, r.outcome());
        assertEquals(5000, s.mem(s.sym("nlog")), "every IPI woke the idle core");
    }
}
