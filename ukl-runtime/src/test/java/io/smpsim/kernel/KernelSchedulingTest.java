package io.smpsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.check.Violation;
import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.RunLimits;
import io.smpsim.machine.RunResult;
import io.smpsim.machine.ThreadedExecutor;
import io.smpsim.program.Program;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel under load: preemption, fairness, futex wakeups across CPUs, migration, idle. */
class KernelSchedulingTest {

    static void assertNoViolations(Kernel k) {
        assertEquals(List.of(), k.violations().stream().map(Violation::summary).toList());
    }

    @Test
    void computeSyscallIsPreemptedInsideTheKernelAndStillRight() {
        // 6 processes on 2 CPUs at a fast tick: ticks land inside compute() and preempt it there
        Kernel k = Kernel.create(KernelConfig.defaults(2).withHz(20_000));
        Program p = Workloads.program(k, "compute");
        List<Process> procs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            procs.add(k.spawnProcess("compute" + i, p, "_start", 1, 40, 0, i % 2));
        }
        RunResult r = k.run(new DeterministicExecutor(3), new RunLimits(400_000_000, 0));
        assertNoViolations(k);
        long expected = Workloads.computeChecksum(40);
        for (Process proc : procs) {
            KTask t = proc.threads().get(0);
            assertTrue(t.exited(), t + " did not finish (" + r.outcome() + ")");
            assertEquals(expected, t.exitCode(), t + "'s checksum");
        }
        assertTrue(k.hypercalls().preemptionsInKernel() > 10, "preemptions inside compute(): "
            + k.hypercalls().preemptionsInKernel());
        long migrated = procs.stream().mapToLong(pr -> pr.threads().get(0).migrations()).sum();
        assertTrue(k.allExited());
        assertTrue(migrated >= 0);
    }

    @Test
    void equalWeightsGetCpuTimeWithinFivePercent() {
        Kernel k = Kernel.create(KernelConfig.defaults(1).withHz(10_000));
        Program p = Workloads.program(k, "spin");
        List<KTask> ts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ts.add(k.spawnProcess("spin" + i, p, "_start", 1, 0, 0, 0).threads().get(0));
        }
        k.run(new DeterministicExecutor(1), new RunLimits(0, 400_000_000));
        assertNoViolations(k);
        long total = ts.stream().mapToLong(KTask::sumExec).sum();
        assertTrue(total > 300_000_000, "ran long enough: " + total);
        for (KTask t : ts) {
            double share = t.sumExec() / (double) total;
            assertTrue(Math.abs(share - 0.25) / 0.25 < 0.05, t + " got " + share + " of the CPU");
        }
    }

    @Test
    void niceFiveGetsTheWeightTableRatio() {
        Kernel k = Kernel.create(KernelConfig.defaults(1).withHz(10_000));
        Program p = Workloads.program(k, "spin");
        KTask a = k.spawnProcess("nice0", p, "_start", 1, 0, 0, 0).threads().get(0);
        KTask b = k.spawnProcess("nice5", p, "_start", 1, 0, 5, 0).threads().get(0);
        k.run(new DeterministicExecutor(1), new RunLimits(0, 600_000_000));
        assertNoViolations(k);
        double ratio = a.sumExec() / (double) b.sumExec();
        double expected = 1024.0 / 335.0;
        assertTrue(Math.abs(ratio - expected) / expected < 0.10, "nice 0 / nice 5 = " + ratio + ", the table says "
            + expected);
    }

    @Test
    void futexPingPongAcrossCpusLosesNoWakeup() {
        Kernel k = Kernel.create(KernelConfig.defaults(2));
        Program p = Workloads.program(k, "pingpong");
        // each thread pinned to its own CPU, so every wakeup crosses CPUs
        Process proc = k.spawnProcess("pingpong", p, "_start", 2, 100_000, 0, 0, true);
        RunResult r = k.run(new ThreadedExecutor(), new RunLimits(0, 0));
        assertNoViolations(k);
        for (KTask t : proc.threads()) {
            assertTrue(t.exited(), t + " finished (" + r.outcome() + ")");
            assertEquals(100_000, t.exitCode());
        }
        System.out.printf("pingpong: waits %d wakes %d cross-CPU %d remote (wake list) %d local %d in %.2f s%n",
            k.hypercalls().futexWaits(), k.hypercalls().futexWakes(), k.scheduler().crossCpuWakeups(),
            k.scheduler().remoteWakeups(), k.scheduler().localWakeups(), r.hostSeconds());
        assertTrue(k.hypercalls().futexWakes() >= 100_000, "wait/wake pairs: " + k.hypercalls().futexWakes());
        assertTrue(k.scheduler().crossCpuWakeups() >= 100_000, "wakeups across CPUs: "
            + k.scheduler().crossCpuWakeups());
        assertEquals(RunResult.Outcome.ALL_STOPPED, r.outcome());
    }

    @Test
    void imbalanceLeadsToMigrationsAndEveryMigratedTaskFinishesRight() {
        Kernel k = Kernel.create(KernelConfig.defaults(4).withHz(10_000));
        Program p = Workloads.program(k, "compute");
        List<KTask> ts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ts.add(k.spawnProcess("c" + i, p, "_start", 1, 30, 0, 0).threads().get(0)); // all on CPU 0
        }
        RunResult r = k.run(new DeterministicExecutor(5), new RunLimits(600_000_000, 0));
        assertNoViolations(k);
        assertTrue(k.scheduler().migrations() >= 3, "migrations " + k.scheduler().migrations());
        long expected = Workloads.computeChecksum(30);
        int migratedAndRight = 0;
        for (KTask t : ts) {
            assertTrue(t.exited(), t + " finished (" + r.outcome() + ")");
            assertEquals(expected, t.exitCode());
            if (t.migrations() > 0 || t.cpu() != 0) {
                migratedAndRight++;
            }
        }
        assertTrue(migratedAndRight >= 3, "tasks that ran elsewhere: " + migratedAndRight);
    }

    @Test
    void userStackGrowsOnDemandAndHeapBrkSleepYieldWork() {
        Kernel k = Kernel.create(KernelConfig.defaults(2));
        Program stack = Workloads.program(k, "stack");
        Program mixed = Workloads.program(k, "mixed");
        KTask s = k.spawnProcess("stack", stack, "_start", 1, 3000, 0, 0).threads().get(0);
        KTask m = k.spawnProcess("mixed", mixed, "_start", 1, 0, 0, 1).threads().get(0);
        k.run(new DeterministicExecutor(2), new RunLimits(100_000_000, 0));
        assertNoViolations(k);
        assertEquals(Workloads.stackChecksum(3000), s.exitCode());
        assertTrue(k.hypercalls().stackGrowths() > 0);
        assertEquals(Workloads.MIXED_CHECKSUM, m.exitCode());
        assertTrue(k.console().contains("[mixed/0] hello from user space"), k.console());
    }

    @Test
    void kernelThreadsRunAndExitWithTheirResult() {
        Kernel k = Kernel.create(KernelConfig.defaults(2).withHz(20_000));
        List<KTask> ts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ts.add(k.spawnKernelThread("ksum" + i, "kthread_sum", 20_000 + i, 0, i % 2));
        }
        k.run(new DeterministicExecutor(4), new RunLimits(100_000_000, 0));
        assertNoViolations(k);
        for (int i = 0; i < 4; i++) {
            assertEquals(Workloads.compute(20_000 + i), ts.get(i).exitCode());
        }
    }

    @Test
    void aStackOverflowingProcessIsKilledNotTheKernel() {
        Kernel k = Kernel.create(KernelConfig.defaults(1));
        Program stack = Workloads.program(k, "stack");
        // 272 bytes a frame: 40,000 frames need 10.9 MB, past the 8 MiB stack limit
        KTask t = k.spawnProcess("deep", stack, "_start", 1, 40_000, 0, 0).threads().get(0);
        KTask ok = k.spawnProcess("fine", stack, "_start", 1, 100, 0, 0).threads().get(0);
        k.run(new DeterministicExecutor(1), new RunLimits(200_000_000, 0));
        assertNoViolations(k);
        assertTrue(t.killed(), "the process ran into its guard gap");
        assertEquals(Workloads.stackChecksum(100), ok.exitCode());
    }
}
