package io.smpsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.RunLimits;
import io.smpsim.machine.RunResult;
import io.smpsim.program.Program;
import org.junit.jupiter.api.Test;

class KernelBootTest {
    @Test
    void bootsAndRunsAUserProcessToItsExit() {
        Kernel k = Kernel.create(KernelConfig.defaults(2));
        Program p = Workloads.program(k, "nullcalls");
        Process proc = k.spawnProcess("nullcalls", p, "_start", 1, 1000, 0, 0);
        RunResult r = k.run(new DeterministicExecutor(1), new RunLimits(50_000_000, 0));
        assertEquals(java.util.List.of(), k.violations().stream().map(v -> v.summary()).toList());
        KTask t = proc.threads().get(0);
        assertTrue(t.exited(), "exited; outcome " + r.outcome() + "; " + k.machine().cpu(0).dump().format()
            + "\n" + k.machine().cpu(1).dump().format());
        assertEquals(1000, t.exitCode());
        assertEquals(1000, k.hypercalls().nullSyscalls());
    }
}
