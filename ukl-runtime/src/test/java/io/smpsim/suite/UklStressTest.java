package io.smpsim.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.check.Violation;
import io.smpsim.machine.ExecutorKind;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every correct variant under SMP load (DESIGN 8): 4 cores, 32 tasks, at least 100,000 system
 * calls, a device interrupt every 10 us per CPU, a 20 kHz tick, events injected at entry-code
 * boundaries; no invariant broken and every process equal to its sequential run. Deterministic
 * executor, fixed seed: exact and stable.
 */
class UklStressTest {
    static StressConfig load(String variant) {
        return StressConfig.defaults().withVariant(variant).withExecutor(ExecutorKind.deterministic).withSeed(20261124)
            .withLoad(4, 32, 8, 600).withBudget(100_000, 0).withInterrupts(100_000, 20_000);
    }

    static void assertClean(StressResult r) {
        assertEquals(List.of(), r.violations().stream().map(Violation::summary).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"linux-syscall", "ukl-rfc", "ukl-kernel-cs", "ukl-ist-pf", "ukl-iret"})
    void survivesOneHundredThousandSyscallsUnderInterrupts(String variant) {
        StressRun run = new StressRun(load(variant));
        StressResult r = run.run();
        assertClean(r);
        assertEquals(StressResult.Ending.DRAINED, r.ending(), "drained: every process finished");
        assertTrue(r.syscalls() >= 100_000, "system calls: " + r.syscalls());
        assertTrue(r.processesChecked() >= 16, "processes compared with the oracle: " + r.processesChecked());
        assertTrue(r.interrupts() > r.syscalls() / 4, "interrupts: " + r.interrupts());
        assertTrue(r.injections() > 10_000, "events injected at entry boundaries: " + r.injections());
        assertTrue(r.contextSwitches() > 1_000, "context switches: " + r.contextSwitches());
        assertTrue(run.kernel().hypercalls().preemptionsInKernel() > 0, "ticks that preempted a system call");
        assertTrue(run.kernel().hypercalls().migratedInsideSyscalls() > 0,
            "tasks preempted inside a system call that resumed on another CPU");
        if (!variant.equals("linux-syscall")) {
            assertTrue(run.kernel().checker().applicationEntries() > 1_000,
                "interrupts that found a UKL application: " + run.kernel().checker().applicationEntries());
        }
        boolean dfHack = variant.equals("ukl-rfc") || variant.equals("ukl-kernel-cs") || variant.equals("ukl-iret");
        if (dfHack) {
            assertTrue(r.doubleFaults() > 500, "user-stack growth through the #DF hack: " + r.doubleFaults());
        } else {
            assertEquals(0, r.doubleFaults());
            assertTrue(r.stackGrowths() > 500, "user-stack growth: " + r.stackGrowths());
        }
    }
}
