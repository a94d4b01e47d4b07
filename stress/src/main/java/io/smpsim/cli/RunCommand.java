package io.smpsim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.smpsim.apic.ApicBus;
import io.smpsim.asm.Assembler;
import io.smpsim.cpu.CostTable;
import io.smpsim.cpu.Cpu;
import io.smpsim.cpu.CpuDump;
import io.smpsim.isa.Reg;
import io.smpsim.machine.BareMetal;
import io.smpsim.machine.Machine;
import io.smpsim.machine.ExecutorKind;
import io.smpsim.machine.RunLimits;
import io.smpsim.machine.RunResult;
import io.smpsim.program.Program;
import io.smpsim.report.TraceStatistics;
import io.smpsim.trace.ChromeTraceWriter;
import io.smpsim.trace.TraceConsumer;
import io.smpsim.trace.TracePipeline;
import io.smpsim.trace.TraceSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code smpsim run FILE.S}: a bare-metal run. Memory is identity-mapped, the program is loaded at
 * 0x100000, every core starts at {@code _start}; the run ends when every core has halted with
 * nothing to wake it or shut down, or at --max-steps. Prints one JSON object with the final state.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs a bare-metal program on every core and prints the final registers as JSON.",
        "Memory is identity-mapped (present, writable, supervisor); the program is loaded at 0x100000;",
        "every core starts at _start in 64-bit mode at CPL 0 with CS=0x10, SS=0x18, IF=0, RDI=its index",
        "and RSP at the top of its own 64 KiB stack below 0x100000. A core that executes hlt with IF=0 stops."})
public final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.S", description = "AT&T assembly source (a subset of GNU as)")
    Path file;

    @Option(names = "--cores", paramLabel = "N", description = "simulated cores, 1..16 "
        + "(default: ${DEFAULT-VALUE})", defaultValue = "1")
    int cores;

    @Option(names = "--memory", paramLabel = "SIZE", converter = Sizes.class, defaultValue = "64M",
        description = "physical memory, e.g. 64M or 1G (default: ${DEFAULT-VALUE})")
    long memory;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "100000000",
        description = "stop after N instructions over all cores (default: ${DEFAULT-VALUE})")
    long maxSteps;

    @Option(names = "--costs", paramLabel = "NAME=CYCLES,...",
        description = "override entries of the cycle cost table (docs/cost-table.md), e.g. popf=30,memory=4")
    String costs;

    @Option(names = "--executor", paramLabel = "KIND", defaultValue = "threaded",
        description = "threaded (one thread per core), deterministic (one thread, seeded interleaving) or pct "
            + "(deterministic with PCT-style core priorities); "
            + "default: ${DEFAULT-VALUE}")
    ExecutorKind executor;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
        description = "seed of the deterministic executor's interleaving (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--trace", paramLabel = "FILE",
        description = "write a Chrome/Perfetto trace (JSON) of interrupts, exceptions, IPIs, halts and syscalls")
    Path trace;

    @Option(names = "--stats", description = "add event counts and latency histograms to the JSON")
    boolean stats;

    @Option(names = "--ghz", paramLabel = "F", defaultValue = "2.0",
        description = "simulated clock rate for trace timestamps (default: ${DEFAULT-VALUE})")
    double ghz;

    @Option(names = "--entry", paramLabel = "LABEL", defaultValue = "_start",
        description = "label every core starts at (default: ${DEFAULT-VALUE})")
    String entry;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (cores < 1 || cores > BareMetal.MAX_CORES) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cores must be 1.." + BareMetal.MAX_CORES
                + " for a bare-metal run (each core gets a 64 KiB stack below 0x100000), not " + cores);
        }
        if (maxSteps < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-steps must be at least 1, not "
                + maxSteps);
        }
        String source = readSource(file);
        Program program = Assembler.assemble(file.toString(), source, BareMetal.LOAD_ADDRESS);
        CostTable table;
        try {
            table = CostTable.defaults().with(costs);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--costs: " + e.getMessage());
        }
        Machine machine = Machine.create(cores, memory, table);
        try {
            BareMetal.boot(machine, program, entry);
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": " + e.getMessage());
        }
        if (!(ghz > 0) || ghz > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ghz must be in (0, 100], not " + ghz);
        }
        TraceStatistics statistics = new TraceStatistics(cores);
        ChromeTraceWriter writer = trace == null ? null : new ChromeTraceWriter(trace, ghz * 1e9, 0);
        List<TraceConsumer.Factory> consumers = new ArrayList<>();
        if (stats) {
            consumers.add(statistics);
        }
        if (writer != null) {
            consumers.add(writer);
        }
        TracePipeline pipeline = consumers.isEmpty() ? null : new TracePipeline(cores, 1 << 16, consumers);
        TraceSink sink = pipeline == null ? TraceSink.NONE : pipeline;
        machine.setTraceSink(sink);
        ApicBus.install(machine, sink);
        RunResult result = executor.create(seed).run(machine, new RunLimits(maxSteps, 0));
        if (pipeline != null) {
            pipeline.close();
        }
        if (writer != null) {
            writer.complete();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(json(machine, result, stats ? statistics.summary() : null));
        out.flush();
        return ExitCodes.OK;
    }

    static String readSource(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** The result object: {"steps": N, "cpus": [{"id", "state", "regs": {...}}]} with hex strings. */
    static String json(Machine machine, RunResult result, Map<String, Object> stats) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("steps", result.instructions());
        root.put("outcome", result.outcome().name().toLowerCase());
        root.put("host_seconds", Math.round(result.hostSeconds() * 1000) / 1000.0);
        List<Object> cpus = new ArrayList<>();
        for (Cpu c : machine.cpus()) {
            CpuDump d = c.dump();
            Map<String, Object> cpu = new LinkedHashMap<>();
            cpu.put("id", d.id());
            cpu.put("state", switch (d.state()) {
                case HALTED -> "halted";
                case SHUTDOWN -> "shutdown";
                case RUNNING -> "running";
            });
            Map<String, Object> regs = new LinkedHashMap<>();
            for (int i = 0; i < 16; i++) {
                regs.put(Reg.NAMES64[i], hex(d.gpr(i)));
            }
            regs.put("rip", hex(d.rip()));
            regs.put("rflags", hex(d.rflags()));
            regs.put("cs", hex(d.cs()));
            regs.put("ss", hex(d.ss()));
            cpu.put("regs", regs);
            cpu.put("cycles", d.cycles());
            cpu.put("retired", d.retired());
            if (d.shutdownReason() != null) {
                cpu.put("shutdown_reason", d.shutdownReason());
            }
            cpus.add(cpu);
        }
        root.put("cpus", cpus);
        if (stats != null) {
            root.put("stats", stats);
        }
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }
}
