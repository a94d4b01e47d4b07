package io.smpsim.testutil;

import io.smpsim.asm.Assembler;
import io.smpsim.cpu.Cpu;
import io.smpsim.machine.BareMetal;
import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.Machine;
import io.smpsim.machine.RunLimits;
import io.smpsim.machine.RunResult;
import io.smpsim.program.Program;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

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
        return boot(p, cores);
    }

    /** Assembles the test prelude (GDT, TSS, IDT and gate helpers) together with the source. */
    public static Sim bootWithPrelude(String source, int cores) {
        Program p = Assembler.assemble("test", List.of(new Assembler.Source("prelude.S", PRELUDE),
            new Assembler.Source("test.S", source)), BareMetal.LOAD_ADDRESS, Map.of());
        return boot(p, cores);
    }

    private static final String PRELUDE = resource("/asm/prelude.S");

    public static String resource(String name) {
        try (InputStream in = Sim.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Sim boot(Program p, int cores) {
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

    /** Installs a test interrupt controller on core i. */
    public TestInterrupts interrupts(int i) {
        TestInterrupts t = new TestInterrupts();
        machine.cpu(i).setInterruptController(t);
        return t;
    }
}
