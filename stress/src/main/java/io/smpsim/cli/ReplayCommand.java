package io.smpsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.smpsim.check.Violation;
import io.smpsim.report.ReportJson;
import io.smpsim.report.Reproducer;
import io.smpsim.suite.StressResult;
import io.smpsim.suite.StressRun;
import io.smpsim.kernel.KernelConfig;
import io.smpsim.trace.TraceFile;
import io.smpsim.trace.TraceSink;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code smpsim replay REPORT.json}: runs a reported violation's reproducer again, deterministically. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Re-runs a reported violation from its reproducer and shows it again.",
        "The deterministic executor runs the reproducer; the state and last events of every CPU are printed.",
        "Exit status: 1 it reproduced, 0 it did not, 2 usage error (no such report or violation), 3 internal error."})
public final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "REPORT.json", description = "a report of stress, soak, variants or merge")
    Path report;

    @Option(names = "--violation", paramLabel = "N", defaultValue = "1",
        description = "which of the report's violations, counting from 1 (default: ${DEFAULT-VALUE})")
    int index;

    @Option(names = "--trace", paramLabel = "FILE", description = "a Chrome/Perfetto trace of the replay")
    Path trace;

    @Option(names = "--events", paramLabel = "N", defaultValue = "16",
        description = "last events shown per CPU (default: ${DEFAULT-VALUE})")
    int events;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode root = ReportJson.read(report);
        JsonNode violations = root.path("violations");
        if (violations.isEmpty()) {
            throw new UsageException(report + ": the report has no violation to replay");
        }
        if (index < 1 || index > violations.size()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--violation must be 1.." + violations.size()
                + " for " + report + ", not " + index);
        }
        JsonNode v = violations.get(index - 1);
        JsonNode rep = v.path("reproducer");
        if (rep.isMissingNode()) {
            throw new UsageException(report + ": violation " + index + " has no reproducer (the run was stopped "
                + "before one was searched for)");
        }
        Reproducer reproducer = Reproducer.fromJson(rep);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("replaying %s (seed %d, %s): deterministic executor, seed %d%s%n", v.path("invariant").asText(),
            v.path("seed").asLong(), reproducer.config().variant(), reproducer.config().seed(),
            reproducer.verified() ? "" : " (this reproducer was not verified when it was recorded)");
        out.flush();
        int cores = reproducer.config().cores();
        TraceFile traceFile = trace == null ? null
            : new TraceFile(trace, cores, KernelConfig.defaults(cores).cyclesPerSecond(), 1_000_000);
        StressResult r;
        try {
            r = new StressRun(reproducer.config(), traceFile == null ? TraceSink.NONE : traceFile.sink()).run();
        } finally {
            if (traceFile != null) {
                traceFile.close();
            }
        }
        for (Violation got : r.violations()) {
            if (got.invariant().equals(reproducer.invariant())) {
                show(out, got);
                out.println("reproduced");
                out.flush();
                return ExitCodes.VIOLATION;
            }
        }
        out.println("did not reproduce: " + (r.violations().isEmpty() ? "the replay broke no invariant"
            : "the replay broke " + r.violations().getFirst().summary()));
        out.flush();
        return ExitCodes.OK;
    }

    private void show(PrintWriter out, Violation v) {
        out.println(v.summary());
        out.println("state of every CPU:");
        for (String s : v.cpuStates()) {
            out.println("  " + s.replace("\n", "\n  "));
        }
        for (Map.Entry<Integer, List<String>> e : new TreeMap<>(v.lastEvents()).entrySet()) {
            out.println("last events of CPU " + e.getKey() + ":");
            List<String> ev = e.getValue();
            for (String s : ev.subList(Math.max(0, ev.size() - events), ev.size())) {
                out.println("  " + s);
            }
        }
    }
}
