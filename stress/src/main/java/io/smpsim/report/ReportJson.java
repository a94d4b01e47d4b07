package io.smpsim.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smpsim.check.Violation;
import io.smpsim.kernel.Kernel;
import io.smpsim.machine.ExecutorKind;
import io.smpsim.monitor.Timeline;
import io.smpsim.suite.Coverage;
import io.smpsim.suite.StressConfig;
import io.smpsim.suite.StressResult;
import io.smpsim.suite.StressRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The JSON form of runs and campaigns (what `smpsim stress`, `soak`, `variants` and `merge` write,
 * and what `replay` and `merge` read). A campaign holds its runs, one per seed, and their totals; a
 * run holds its configuration (enough to run it again), its counters, latency histograms, per-CPU
 * utilisation over time, per-boundary interrupt counts of the entry code, and its violations, each
 * with a reproducer.
 */
public final class ReportJson {
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The format's version; readers refuse what they do not know. */
    public static final int FORMAT = 1;

    private ReportJson() {}

    // ------------------------------------------------------------------ configuration

    public static ObjectNode config(StressConfig c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("variant", c.variant());
        o.put("cores", c.cores());
        o.put("tasks", c.tasks());
        o.put("threadsPerProcess", c.threadsPerProcess());
        o.put("userShare", c.userShare());
        o.put("iterations", c.iterations());
        o.put("syscalls", c.syscalls());
        o.put("seconds", c.seconds());
        o.put("seed", c.seed());
        o.put("executor", c.executor().name());
        o.put("irqRate", c.irqRate());
        o.put("hz", c.hz());
        ObjectNode inj = o.putObject("inject");
        inj.put("probability", c.inject().probability());
        inj.put("interrupts", c.inject().interrupts());
        inj.put("nmis", c.inject().nmis());
        inj.put("ipis", c.inject().ipis());
        inj.put("migrations", c.inject().migrations());
        inj.put("quota", c.inject().quota());
        o.put("maxCycles", c.maxCycles());
        return o;
    }

    /** Reads a configuration back; throws ReportException naming what is missing or wrong. */
    public static StressConfig config(JsonNode o) {
        try {
            JsonNode inj = need(o, "inject");
            StressConfig.Injection injection = new StressConfig.Injection(need(inj, "probability").asDouble(),
                need(inj, "interrupts").asBoolean(), need(inj, "nmis").asBoolean(), need(inj, "ipis").asBoolean(),
                need(inj, "migrations").asBoolean(), need(inj, "quota").asInt());
            return new StressConfig(need(o, "variant").asText(), need(o, "cores").asInt(), need(o, "tasks").asInt(),
                need(o, "threadsPerProcess").asInt(), need(o, "userShare").asDouble(), need(o, "iterations").asLong(),
                need(o, "syscalls").asLong(), need(o, "seconds").asDouble(), need(o, "seed").asLong(),
                ExecutorKind.valueOf(need(o, "executor").asText()), need(o, "irqRate").asDouble(), need(o, "hz").asInt(),
                injection, need(o, "maxCycles").asLong());
        } catch (IllegalArgumentException e) {
            throw new ReportException("a run's configuration is not valid: " + e.getMessage());
        }
    }

    static JsonNode need(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new ReportException("missing field `" + field + "'");
        }
        return v;
    }

    // ------------------------------------------------------------------ runs

    /** A finished (or snapshotted) run. */
    public static ObjectNode run(StressRun run, StressResult r, Timeline timeline, List<Reproducer> reproducers) {
        ObjectNode o = MAPPER.createObjectNode();
        o.set("config", config(r.config()));
        o.put("seed", r.config().seed());
        o.put("ending", r.ending().name());
        if (run.stopReason() != null && r.ending() != StressResult.Ending.DRAINED) {
            o.put("stopReason", run.stopReason());
        }
        o.put("hostSeconds", round(r.hostSeconds()));
        o.put("instructions", r.instructions());
        o.put("cycles", r.cycles());
        o.put("syscalls", r.syscalls());
        o.put("syscallsPerSecond", round(r.syscallsPerSecond()));
        o.put("cyclesPerSyscall", round(r.cyclesPerSyscall()));
        o.put("interrupts", r.interrupts());
        o.put("exceptions", r.exceptions());
        o.put("contextSwitches", r.contextSwitches());
        o.put("migrations", r.migrations());
        Kernel k = run.kernel();
        o.put("preemptionsInSyscalls", k.hypercalls().preemptionsInKernel());
        o.put("migrationsInsideSyscalls", k.hypercalls().migratedInsideSyscalls());
        o.put("doubleFaults", r.doubleFaults());
        o.put("stackGrowths", r.stackGrowths());
        o.put("tasksKilled", k.hypercalls().tasksKilled());
        o.put("processesChecked", r.processesChecked());
        o.put("injections", r.injections());
        o.put("drainedAtSyscalls", r.drainedAtSyscalls());
        o.put("applicationEntries", k.checker().applicationEntries());
        o.put("kernelEntries", k.checker().kernelEntries());
        o.put("istEntries", k.checker().istEntries());
        o.putObject("latency").set("wakeupCycles", histogram(r.wakeupLatency()));
        if (timeline != null) {
            o.set("utilisation", timeline(timeline));
        }
        o.set("boundaries", boundaries(r.coverage()));
        ArrayNode vs = o.putArray("violations");
        for (int i = 0; i < r.violations().size(); i++) {
            ObjectNode v = violation(r.violations().get(i));
            if (reproducers != null && i < reproducers.size() && reproducers.get(i) != null) {
                v.set("reproducer", reproducers.get(i).toJson());
            }
            vs.add(v);
        }
        return o;
    }

    public static ObjectNode violation(Violation v) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("invariant", v.invariant());
        o.put("cpu", v.cpu());
        o.put("rip", "0x" + Long.toHexString(v.rip()));
        o.put("where", v.where());
        o.put("message", v.message());
        o.put("cycles", v.cycles());
        ArrayNode states = o.putArray("cpuStates");
        v.cpuStates().forEach(states::add);
        ObjectNode last = o.putObject("lastEvents");
        for (Map.Entry<Integer, List<String>> e : new java.util.TreeMap<>(v.lastEvents()).entrySet()) {
            ArrayNode a = last.putArray(String.valueOf(e.getKey()));
            e.getValue().forEach(a::add);
        }
        return o;
    }

    static ObjectNode histogram(Histogram h) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("count", h.getTotalCount());
        if (h.getTotalCount() > 0) {
            o.put("min", h.getMinValue());
            o.put("mean", round(h.getMean()));
            o.put("p50", h.getValueAtPercentile(50));
            o.put("p90", h.getValueAtPercentile(90));
            o.put("p99", h.getValueAtPercentile(99));
            o.put("p999", h.getValueAtPercentile(99.9));
            o.put("max", h.getMaxValue());
            ArrayNode b = o.putArray("buckets"); // [upper bound, count], powers of two
            for (HistogramIterationValue v : h.logarithmicBucketValues(1, 2)) {
                if (v.getCountAddedInThisIterationStep() > 0) {
                    b.addArray().add(v.getValueIteratedTo()).add(v.getCountAddedInThisIterationStep());
                }
            }
        }
        return o;
    }

    static ObjectNode timeline(Timeline t) {
        ObjectNode o = MAPPER.createObjectNode();
        ArrayNode ts = o.putArray("t");
        for (double v : t.times()) {
            ts.add(round(v));
        }
        ArrayNode cpus = o.putArray("cpus");
        for (double[] cpu : t.utilisation()) {
            ArrayNode a = cpus.addArray();
            for (double v : cpu) {
                a.add(Math.round(v * 1000) / 1000.0);
            }
        }
        ArrayNode rate = o.putArray("syscallsPerSecond");
        for (double v : t.syscallRate()) {
            rate.add(Math.round(v));
        }
        return o;
    }

    static ArrayNode boundaries(Coverage c) {
        ArrayNode a = MAPPER.createArrayNode();
        for (Coverage.Boundary b : c.boundaries()) {
            ObjectNode o = a.addObject();
            o.put("rip", "0x" + Long.toHexString(b.rip()));
            o.put("symbol", b.symbol());
            o.put("instruction", b.instruction());
            o.put("source", b.source());
            o.put("interrupts", b.interruptsTaken());
            o.put("nmis", b.nmisTaken());
            o.put("injectedInterrupts", b.injectedInterrupts());
            o.put("injectedNmis", b.injectedNmis());
            o.put("injectedIpis", b.injectedIpis());
            o.put("injectedMigrations", b.injectedMigrations());
        }
        return a;
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    // ------------------------------------------------------------------ campaigns

    /** Fields every campaign total sums over its runs. */
    static final List<String> SUMMED = List.of("instructions", "syscalls", "interrupts", "exceptions", "contextSwitches",
        "migrations", "preemptionsInSyscalls", "migrationsInsideSyscalls", "doubleFaults", "stackGrowths", "tasksKilled",
        "processesChecked", "injections");

    /**
     * A campaign report: what ran (command, shard, the seeds of the whole campaign), the runs, totals
     * over them, and every violation with the seed of its run.
     */
    public static ObjectNode campaign(String command, Campaign campaign, List<ObjectNode> runs, String state) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("format", FORMAT);
        o.put("tool", "smpsim");
        o.put("command", command);
        o.put("state", state);
        o.set("campaign", campaign.toJson());
        ObjectNode first = runs.isEmpty() ? null : runs.getFirst();
        // the headline fields of the issue: variant, seed, cores, tasks, executor, then totals
        JsonNode cfg = first != null ? first.get("config") : campaign.config();
        o.put("variant", cfg.get("variant").asText());
        o.put("seed", first != null ? first.get("seed").asLong() : campaign.firstSeed());
        o.put("cores", cfg.get("cores").asInt());
        o.put("tasks", cfg.get("tasks").asInt());
        o.put("executor", cfg.get("executor").asText());
        double seconds = 0;
        for (ObjectNode r : runs) {
            seconds += r.path("hostSeconds").asDouble();
        }
        o.put("hostSeconds", round(seconds));
        for (String f : SUMMED) {
            long sum = 0;
            for (ObjectNode r : runs) {
                sum += r.path(f).asLong();
            }
            o.put(f, sum);
        }
        o.put("syscallsPerSecond", seconds > 0 ? Math.round(o.get("syscalls").asLong() / seconds) : 0);
        ArrayNode boundaries = sumBoundaries(runs);
        if (boundaries != null) {
            o.set("boundaries", boundaries);
        }
        ArrayNode all = o.putArray("violations");
        for (ObjectNode r : runs) {
            for (JsonNode v : r.path("violations")) {
                ObjectNode copy = ((ObjectNode) v).deepCopy();
                copy.put("seed", r.get("seed").asLong());
                copy.put("variant", r.get("config").get("variant").asText());
                all.add(copy);
            }
        }
        o.putArray("runs").addAll(runs);
        return o;
    }

    private static ArrayNode sumBoundaries(List<ObjectNode> runs) {
        ArrayNode sum = null;
        for (ObjectNode r : runs) {
            JsonNode b = r.get("boundaries");
            if (b == null) {
                continue;
            }
            if (sum == null) {
                sum = b.deepCopy();
                continue;
            }
            if (b.size() != sum.size()) {
                return null; // different variants: no common heat map
            }
            for (int i = 0; i < b.size(); i++) {
                ObjectNode s = (ObjectNode) sum.get(i);
                b.get(i).fields().forEachRemaining(f -> {
                    if (f.getValue().isIntegralNumber()) { // the counts; address, symbol and text stay
                        s.put(f.getKey(), s.get(f.getKey()).asLong() + f.getValue().asLong());
                    }
                });
            }
        }
        return sum;
    }

    /** Reads a report written by smpsim, or throws ReportException saying why it is not one. */
    public static JsonNode read(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ReportException(file + ": no such file");
        } catch (IOException e) {
            throw new ReportException(file + ": not a JSON report: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject() || !"smpsim".equals(root.path("tool").asText())) {
            throw new ReportException(file + ": not an smpsim report (no \"tool\": \"smpsim\")");
        }
        if (root.path("format").asInt() != FORMAT) {
            throw new ReportException(file + ": report format " + root.path("format") + ", this smpsim reads " + FORMAT);
        }
        return root;
    }

    public static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
