package io.smpsim.machine;

import io.smpsim.cpu.CostTable;
import io.smpsim.cpu.Cpu;
import io.smpsim.cpu.HypercallHandler;
import io.smpsim.cpu.InterruptController;
import io.smpsim.cpu.ProbeHandler;
import io.smpsim.memory.PhysicalMemory;
import io.smpsim.program.CodeMap;
import io.smpsim.program.LoadedCode;
import io.smpsim.program.Program;
import io.smpsim.trace.TraceSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;

/** A simulated SMP machine: shared physical memory, the loaded programs and the cores. */
public final class Machine {
    private final PhysicalMemory memory;
    private final CodeMap codeMap = new CodeMap();
    private final Cpu[] cpus;
    private final CostTable costs;
    private final List<LoadedCode> loaded = new ArrayList<>();

    private Machine(int cores, long memorySize, CostTable costs) {
        if (cores < 1 || cores > 256) {
            throw new IllegalArgumentException("cores must be 1..256, not " + cores);
        }
        this.memory = new PhysicalMemory(memorySize);
        this.costs = costs;
        this.cpus = new Cpu[cores];
        for (int i = 0; i < cores; i++) {
            cpus[i] = new Cpu(i, memory, codeMap, costs);
        }
    }

    public static Machine create(int cores, long memorySize) {
        return new Machine(cores, memorySize, CostTable.defaults());
    }

    public static Machine create(int cores, long memorySize, CostTable costs) {
        return new Machine(cores, memorySize, costs);
    }

    public PhysicalMemory memory() {
        return memory;
    }

    public CodeMap codeMap() {
        return codeMap;
    }

    public CostTable costs() {
        return costs;
    }

    public int cores() {
        return cpus.length;
    }

    public Cpu cpu(int i) {
        return cpus[i];
    }

    public List<Cpu> cpus() {
        return List.of(cpus);
    }

    public List<LoadedCode> loaded() {
        return Collections.unmodifiableList(loaded);
    }

    /**
     * Copies a program's sections into physical memory so that its text starts at {@code physBase}
     * (data and bss keep their offsets from the text), and registers its decoded code.
     */
    public LoadedCode load(Program p, long physBase) {
        long delta = physBase - p.textBase();
        long end = p.end() + delta;
        if (physBase < 0 || end > memory.size()) {
            throw new IllegalArgumentException("program " + p.name() + " needs memory up to 0x" + Long.toHexString(end)
                + " but the machine has 0x" + Long.toHexString(memory.size()) + " bytes");
        }
        memory.write(physBase, p.text());
        memory.write(p.dataBase() + delta, p.data());
        if (p.bssSize() > 0) {
            memory.fill(p.bssBase() + delta, p.bssSize(), (byte) 0);
        }
        LoadedCode lc = new LoadedCode(p, p.decoded().withCosts(costs), physBase);
        codeMap.add(lc);
        loaded.add(lc);
        return lc;
    }

    /**
     * Sets or clears a probe on the instruction at link address {@code rip} of a loaded program.
     * Returns false when no instruction starts there.
     */
    public boolean setProbe(long rip, boolean on) {
        for (LoadedCode lc : loaded) {
            int i = lc.code().indexOf(rip);
            if (i >= 0) {
                lc.code().setProbe(i, on);
                return true;
            }
        }
        return false;
    }

    public void setProbeHandler(ProbeHandler handler) {
        for (Cpu c : cpus) {
            c.setProbeHandler(handler);
        }
    }

    public void setTraceSink(TraceSink sink) {
        for (Cpu c : cpus) {
            c.setTraceSink(sink);
        }
    }

    public void setHypercallHandler(HypercallHandler h) {
        for (Cpu c : cpus) {
            c.setHypercallHandler(h);
        }
    }

    public void setInterruptControllers(IntFunction<InterruptController> perCpu) {
        for (Cpu c : cpus) {
            c.setInterruptController(perCpu.apply(c.id()));
        }
    }

    /** Instructions retired by all cores. */
    public long retired() {
        long n = 0;
        for (Cpu c : cpus) {
            n += c.retired();
        }
        return n;
    }
}
