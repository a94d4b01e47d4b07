package io.smpsim.apic;

import io.smpsim.asm.Assembler;
import io.smpsim.machine.BareMetal;
import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.Executor;
import io.smpsim.machine.Machine;
import io.smpsim.machine.RunLimits;
import io.smpsim.machine.RunResult;
import io.smpsim.program.Program;
import io.smpsim.testutil.Sim;
import io.smpsim.trace.TraceSink;
import java.util.List;
import java.util.Map;

/** A bare-metal machine with the test prelude, the x2APIC helpers and an APIC per core. */
final class ApicSim {
    final Machine machine;
    final Program program;
    final ApicBus bus;

    ApicSim(String source, int cores, TraceSink trace) {
        program = Assembler.assemble("test", List.of(
            new Assembler.Source("prelude.S", Sim.resource("/asm/prelude.S")),
            new Assembler.Source("apic.S", Sim.resource("/asm/apic.S")),
            new Assembler.Source("test.S", source)), BareMetal.LOAD_ADDRESS, Map.of());
        machine = Machine.create(cores, 16L << 20);
        machine.setTraceSink(trace);
        BareMetal.boot(machine, program, "_start");
        bus = ApicBus.install(machine, trace);
    }

    ApicSim(String source, int cores) {
        this(source, cores, TraceSink.NONE);
    }

    RunResult run(Executor e, long maxInstructions) {
        return e.run(machine, new RunLimits(maxInstructions, 0));
    }

    RunResult runDeterministic(long seed) {
        return run(new DeterministicExecutor(seed), 50_000_000);
    }

    long sym(String s) {
        return program.require(s);
    }

    long mem(long a) {
        return machine.memory().read64(a);
    }
}
