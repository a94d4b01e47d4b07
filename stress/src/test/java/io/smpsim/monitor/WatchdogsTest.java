package io.smpsim.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.check.Violation;
import io.smpsim.kernel.Kernel;
import io.smpsim.kernel.KernelConfig;
import io.smpsim.kernel.KernelSources;
import io.smpsim.machine.ExecutorKind;
import io.smpsim.suite.StressConfig;
import io.smpsim.suite.StressResult;
import io.smpsim.suite.StressRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host-side watchdogs fire on what they watch for, and stay quiet on a healthy run. */
class WatchdogsTest {
    @TempDir
    Path dir;

    @Test
    void aCpuSpinningInTheKernelWithInterruptsOffIsASoftLockup() throws IOException {
        // linux-syscall with a system-call entry that, on CPU 1 only (the oracle's sequential run on
        // CPU 0 stays sane), spins forever before it enables interrupts
        String src = KernelSources.resource("entry/entry_64.S");
        String from = "        movq %rsp, %rbx\n        sti\n        call do_syscall\n";
        assertTrue(src.contains(from));
        Path variant = dir.resolve("spin.S");
        Files.writeString(variant, "        .set UKL_TASKS, 0\n"
            + src.replace(from, "        movq %rsp, %rbx\n        cmpq $1, %gs:PCPU_CPU\n        jne 98f\n"
                + "99:     pause\n        jmp 99b\n98:     sti\n        call do_syscall\n"));
        StressRun run = new StressRun(StressConfig.defaults().withVariant(variant.toString())
            .withExecutor(ExecutorKind.threaded).withLoad(2, 2, 1, 100).withBudget(0, 120));
        Monitor monitor = new Monitor(run, 0.2, new Watchdogs(run.kernel(), 20, 60), null).start();
        StressResult r;
        try {
            r = run.run(); // stops at the watchdog's report
        } finally {
            monitor.close();
        }
        assertEquals(StressResult.Ending.VIOLATION, r.ending());
        Violation v = r.violations().getFirst();
        assertEquals("soft-lockup", v.invariant(), v.summary());
        assertTrue(v.message().contains("interrupts off"), v.message());
        assertEquals(2, v.cpuStates().size(), "the state of every CPU comes with it");
    }

    @Test
    void noSimulatedProgressWhileCpusShouldRunIsAHostStall() {
        // a kernel whose cores never run: what a deadlock of the core threads looks like from outside
        Kernel k = Kernel.create(KernelConfig.defaults(2));
        Watchdogs dogs = new Watchdogs(k, 20, 30);
        assertFalse(dogs.check(0));
        assertFalse(dogs.check(20), "not yet: 20 s without progress");
        assertTrue(dogs.check(31));
        Violation v = k.violations().getFirst();
        assertEquals("host-stall", v.invariant());
        assertTrue(v.message().contains("Java threads"), "a thread dump comes with it");
    }

    @Test
    void aHealthyRunWakesNoWatchdog() {
        StressRun run = new StressRun(StressConfig.defaults().withExecutor(ExecutorKind.threaded).withLoad(2, 8, 4, 300)
            .withBudget(30_000, 0));
        Monitor monitor = new Monitor(run, 0.05, new Watchdogs(run.kernel(), 20, 30), null).start();
        StressResult r;
        try {
            r = run.run();
        } finally {
            monitor.close();
        }
        assertEquals(StressResult.Ending.DRAINED, r.ending(), r.violations().toString());
        assertTrue(monitor.timeline().size() > 0, "sampled while it ran");
    }
}
