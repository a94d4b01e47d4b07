package io.smpsim.testutil;

import io.smpsim.asm.Assembler;
import io.smpsim.cpu.Cpu;
import io.smpsim.machine.BareMetal;
import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.Machine;
import io.smpsim.machine.RunLimits;
import io.smpsim.machine.RunResult;
import io.smpsim.program.Program;

/** Test helper: assemble a bare-metal program, boot it, run it deterministically. */
public final class Sim {
    public final Machine machine;
    public final Program program;
    public RunResult result;

    private Sim(Machine m, Program p) {
        this.machine = m;
        this.program = p;
    }

    public static Sim boot(String source, int cores) {
        Program p = Assembler.assemble("test.S", source, BareMetal.LOAD_ADDRESS);
        Machine m = Machine.create(cores, 16L << 20);
        BareMetal.boot(m, p, "_start");
        return new Sim(m, p);
    }

    /** Assembles and runs one core until it halts (or 1M instructions). */
    public static Sim run(String source) {
        return boot(source, 1).go(1_000_000);
    }

    public Sim go(long maxInstructions) {
        result = new DeterministicExecutor(1).run(machine, new RunLimits(maxInstructions, 0));
        return this;
    }

    public Cpu cpu() {
        return machine.cpu(0);
    }

    public long reg(int n) {
        return machine.cpu(0).reg(n);
    }

    public long sym(String name) {
        return program.require(name);
    }

    public long mem64(long pa) {
        return machine.memory().read64(pa);
    }
}
