package io.smpsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.check.Violation;
import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.RunLimits;
import io.smpsim.machine.RunResult;
import io.smpsim.machine.ThreadedExecutor;
import io.smpsim.program.Program;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Watchdogs and idleness: lost wakeups are reported, idle CPUs cost the host nothing. */
class KernelWatchdogTest {

    @Test
    void aWaiterNobodyWakesIsReportedWhileOthersRun() {
        Kernel k = Kernel.create(KernelConfig.defaults(2).withHungTaskCycles(50_000_000));
        Program hang = Workloads.program(k, "futexhang");
        Program spin = Workloads.program(k, "spin");
        k.spawnProcess("hang", hang, "_start", 1, 0, 0, 0);
        k.spawnProcess("spin", spin, "_start", 1, 0, 0, 1);
        RunResult r = k.run(new DeterministicExecutor(1), new RunLimits(0, 400_000_000));
        List<Violation> v = k.violations();
        assertEquals(RunResult.Outcome.STOPPED, r.outcome(), "the watchdog stopped the run");
        assertEquals("hung-task", v.get(0).invariant());
        assertTrue(v.get(0).message().contains("hang/0"), v.get(0).message());
        assertEquals(2, v.get(0).cpuStates().size(), "the state of every CPU is in the report");
        assertTrue(v.get(0).lastEvents().get(1).size() > 0, "and their last events");
    }

    @Test
    void aMachineThatGoesIdleWithASleeperIsAHang() {
        Kernel k = Kernel.create(KernelConfig.defaults(2));
        k.spawnProcess("hang", Workloads.program(k, "futexhang"), "_start", 1, 0, 0, 0);
        RunResult r = k.run(new DeterministicExecutor(1), new RunLimits(0, 0));
        assertEquals(RunResult.Outcome.ALL_STOPPED, r.outcome());
        assertEquals("hung-task", k.violations().get(0).invariant());
    }

    @Test
    void idleCpusHaltAndCostTheHostAlmostNothing() throws Exception {
        Kernel k = Kernel.create(KernelConfig.defaults(4));
        k.spawnProcess("spin", Workloads.program(k, "spin"), "_start", 1, 0, 0, 0, true); // only CPU 0 works
        RunLimits limits = RunLimits.none();
        Thread runner = Thread.ofPlatform().start(() -> k.run(new ThreadedExecutor(), limits));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Thread.sleep(500); // boot and settle
        Map<String, Long> before = cpuTimes(mx);
        long t0 = System.nanoTime();
        Thread.sleep(1500);
        Map<String, Long> after = cpuTimes(mx);
        double wall = System.nanoTime() - t0;
        limits.requestStop("test over");
        runner.join();
        assertEquals(List.of(), k.violations().stream().map(Violation::summary).toList());
        double busy = (after.get("smpsim-cpu-0") - before.get("smpsim-cpu-0")) / wall;
        assertTrue(busy > 0.3, "CPU 0's thread works: " + busy);
        for (int c = 1; c < 4; c++) {
            String name = "smpsim-cpu-" + c;
            double use = (after.get(name) - before.get(name)) / wall;
            assertTrue(use < 0.05, name + " is idle yet used " + use + " of a host core");
            assertEquals(io.smpsim.cpu.Cpu.State.HALTED, k.machine().cpu(c).state());
        }
    }

    static Map<String, Long> cpuTimes(ThreadMXBean mx) {
        Map<String, Long> out = new HashMap<>();
        for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (ti != null && ti.getThreadName().startsWith("smpsim-cpu-")) {
                out.put(ti.getThreadName(), mx.getThreadCpuTime(ti.getThreadId()));
            }
        }
        return out;
    }
}
