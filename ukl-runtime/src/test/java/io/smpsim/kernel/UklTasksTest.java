package io.smpsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.check.Violation;
import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.RunLimits;
import io.smpsim.program.Program;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UKL tasks on every UKL variant: application code at CPL 0 making system calls with
 * {@code call ukl_entry_SYSCALL_64}, growing its stack on demand (through the #DF hack, or through
 * #PF on its own IST stack for ukl-ist-pf) and computing inside the kernel, with right results.
 */
class UklTasksTest {
    @ParameterizedTest
    @ValueSource(strings = {"ukl-rfc", "ukl-kernel-cs", "ukl-ist-pf", "ukl-iret"})
    void nullCallsStackGrowthAndComputeGiveTheirChecksums(String variant) {
        Kernel k = Kernel.create(KernelConfig.defaults(2).withVariant(variant).withHz(20_000));
        Program p = Workloads.uklProgram(k, "nullcalls");
        Process proc = k.spawnUklProcess("n", p, "_start", 2, 1000, 0, 0, false);
        Program st = Workloads.uklProgram(k, "stack");
        Process sp = k.spawnUklProcess("s", st, "_start", 1, 2000, 0, 1, false);
        Program cp = Workloads.uklProgram(k, "compute");
        Process cpp = k.spawnUklProcess("c", cp, "_start", 2, 20, 0, 1, false);
        k.run(new DeterministicExecutor(3), new RunLimits(0, 200_000_000));
        assertEquals(List.of(), k.violations().stream().map(Violation::summary).toList());
        for (KTask t : proc.threads()) {
            assertEquals(1000, t.exitCode(), t.toString());
        }
        assertEquals(Workloads.stackChecksum(2000), sp.threads().get(0).exitCode());
        for (KTask t : cpp.threads()) {
            assertEquals(Workloads.computeChecksum(20), t.exitCode(), t.toString());
        }
        assertTrue(k.allExited());
        // the stack workload touches 128 new pages below its stack: each one a fault the kernel fixes
        assertEquals(128, k.hypercalls().stackGrowths());
        boolean istPf = variant.equals("ukl-ist-pf");
        assertEquals(istPf ? 0 : 128, k.hypercalls().doubleFaults(),
            istPf ? "#PF has its own IST stack: no double fault" : "every growth is a #DF of a UKL task");
        assertEquals(128, k.checker().istEntries(), "each fault ran on an IST stack (#DF, or #PF for ukl-ist-pf)");
        assertTrue(k.checker().applicationEntries() > 0, "interrupts that found the application running");
    }
}
