package io.smpsim.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smpsim.check.Violation;
import io.smpsim.machine.ExecutorKind;
import io.smpsim.suite.StressConfig;
import io.smpsim.suite.StressResult;
import io.smpsim.suite.StressRun;

/**
 * How to see a violation again: a deterministic run (configuration and seed) that shows the same
 * invariant broken. A violation found in the deterministic executor is its own reproducer (the same
 * seed, budgeted as the original so it starts the same processes). One found on real threads is
 * searched for: deterministic runs of the same load with seeds from the original on, until one breaks
 * the same invariant; {@code verified} says whether one did.
 *
 * @param config    the deterministic run that shows it
 * @param invariant the invariant it breaks
 * @param verified  whether that run was seen to break it
 * @param attempts  deterministic runs tried
 */
public record Reproducer(StressConfig config, String invariant, boolean verified, int attempts) {
    /** Extra simulated cycles a replay may run past the original violation. */
    private static final long REPLAY_MARGIN = 50_000_000L;

    /** The reproducer of violation {@code v} of a finished run. */
    public static Reproducer of(StressResult r, Violation v, double searchSeconds) {
        StressConfig c = r.config();
        if (c.executor().deterministic()) {
            // the same run, to a little past the violation, with the budget it actually drained at
            long budget = r.drainedAtSyscalls() >= 0 ? Math.max(1, r.drainedAtSyscalls()) : 0;
            StressConfig same = c.withBudget(budget, 0).withMaxCycles(v.cycles() + REPLAY_MARGIN);
            return new Reproducer(same, v.invariant(), true, 0);
        }
        return search(c.withExecutor(ExecutorKind.deterministic), v.invariant(), searchSeconds);
    }

    /** Deterministic runs with seeds from the config's on, for up to {@code seconds} of host time. */
    public static Reproducer search(StressConfig base, String invariant, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        int attempts = 0;
        // each attempt has a syscall budget, so it ends on its own; the wall-clock limit is between attempts
        StressConfig budgeted = base.withBudget(base.syscalls() > 0 ? base.syscalls() : 200_000, 0);
        do {
            StressConfig c = budgeted.withSeed(base.seed() + attempts);
            attempts++;
            StressResult r = new StressRun(c).run();
            if (!r.violations().isEmpty()) {
                Violation v = r.violations().getFirst();
                if (v.invariant().equals(invariant)) {
                    return new Reproducer(c.withMaxCycles(v.cycles() + REPLAY_MARGIN), invariant, true, attempts);
                }
            }
        } while (System.nanoTime() < deadline);
        return new Reproducer(budgeted, invariant, false, attempts);
    }

    public ObjectNode toJson() {
        ObjectNode o = ReportJson.MAPPER.createObjectNode();
        o.put("invariant", invariant);
        o.put("verified", verified);
        o.put("attempts", attempts);
        o.put("command", "smpsim replay REPORT.json");
        o.set("config", ReportJson.config(config));
        return o;
    }

    public static Reproducer fromJson(JsonNode o) {
        return new Reproducer(ReportJson.config(ReportJson.need(o, "config")), ReportJson.need(o, "invariant").asText(),
            o.path("verified").asBoolean(), o.path("attempts").asInt());
    }
}
