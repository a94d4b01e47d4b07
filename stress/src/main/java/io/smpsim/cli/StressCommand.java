package io.smpsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smpsim.campaign.CampaignRunner;
import io.smpsim.report.Campaign;
import io.smpsim.report.ReportJson;
import io.smpsim.suite.StressConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code smpsim stress}: the stress application on every CPU under a variant, with interrupts and
 * injected events, every invariant checked and every process compared with its sequential run.
 */
@Command(name = "stress", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Stress-tests an entry variant under SMP load, checking every invariant (DESIGN 9).",
        "Exit status: 0 no violation, 1 a violation found (report written), 2 usage error, 3 internal error."})
public final class StressCommand implements Callable<Integer> {
    @Mixin
    LoadOptions load;

    static final class Budget {
        @Option(names = "--seconds", paramLabel = "S", description = "host seconds per seed (default: 30)")
        Double seconds;

        @Option(names = "--syscalls", paramLabel = "N", description = "system calls per seed, instead of seconds")
        Long syscalls;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "The budget of each run (one of):%n")
    Budget budget;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1",
        description = "a campaign of N runs with seeds --seed, --seed+1, ... (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--shard", paramLabel = "i/N",
        description = "run only shard i of N of the campaign's seeds (N alone: i from JOB_COMPLETION_INDEX or "
            + "SLURM_ARRAY_TASK_ID); `smpsim merge' combines the shards' reports")
    String shard;

    @Mixin
    ReportOptions reports;

    @Option(names = "--trace", paramLabel = "FILE",
        description = "a Chrome/Perfetto trace (JSON) of the first run, for ui.perfetto.dev")
    Path trace;

    @Option(names = "--repro-seconds", paramLabel = "S", defaultValue = "60",
        description = "host seconds to search for a deterministic reproducer of a violation found on threads "
            + "(default: ${DEFAULT-VALUE})")
    double reproSeconds;

    @Option(names = "--status-every", paramLabel = "S", defaultValue = "10",
        description = "seconds between status lines when stderr is not a terminal (default: ${DEFAULT-VALUE})")
    double statusEvery;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        StressConfig base = load.config(cmd);
        double seconds = budget == null || budget.seconds == null ? (budget != null && budget.syscalls != null ? 0 : 30)
            : budget.seconds;
        long syscalls = budget == null || budget.syscalls == null ? 0 : budget.syscalls;
        if (seconds < 0 || seconds > 1e7) {
            throw new CommandLine.ParameterException(cmd, "--seconds must be 0..10000000, not " + seconds);
        }
        if (syscalls < 0) {
            throw new CommandLine.ParameterException(cmd, "--syscalls must be positive, not " + syscalls);
        }
        if (seeds < 1) {
            throw new CommandLine.ParameterException(cmd, "--seeds must be at least 1, not " + seeds);
        }
        if (reproSeconds < 0) {
            throw new CommandLine.ParameterException(cmd, "--repro-seconds must not be negative");
        }
        ShardOption s = ShardOption.parse(cmd, shard, System.getenv());
        StressConfig config = base.withBudget(syscalls, seconds);
        Campaign campaign = new Campaign(config.seed(), seeds, s.index(), s.count(), ReportJson.config(config.withSeed(0)));
        List<StressConfig> runs = new ArrayList<>();
        for (long seed : campaign.seeds()) {
            runs.add(config.withSeed(seed));
        }
        PrintWriter err = cmd.getErr();
        CampaignRunner runner = new CampaignRunner(new CampaignRunner.Options(reports.json, reports.html, trace,
            reports.quiet ? 0 : statusEvery, 0, reproSeconds, Terminal.isTerminal(), err));
        Signals.onStop(() -> runner.stop("signal"), err);
        ObjectNode report = runner.run("stress", campaign, runs);
        summary(cmd.getOut(), report, reports.json, reports.html);
        return report.path("violations").isEmpty() ? ExitCodes.OK : ExitCodes.VIOLATION;
    }

    /** The end-of-run lines: totals, each violation with its reproducer, where the reports are. */
    static void summary(PrintWriter out, JsonNode report, Path json, Path html) {
        out.printf(Locale.ROOT, "%s %s: %d run(s), %s, %,d system calls (%,d/s), %,d interrupts, %,d context "
                + "switches, %,d migrations (%,d inside system calls), %,d double faults, %,d processes checked%n",
            report.path("command").asText(), report.path("variant").asText(), report.path("runs").size(),
            report.path("state").asText(), report.path("syscalls").asLong(), report.path("syscallsPerSecond").asLong(),
            report.path("interrupts").asLong(), report.path("contextSwitches").asLong(),
            report.path("migrations").asLong(), report.path("migrationsInsideSyscalls").asLong(),
            report.path("doubleFaults").asLong(), report.path("processesChecked").asLong());
        for (JsonNode v : report.path("violations")) {
            out.printf(Locale.ROOT, "VIOLATION (seed %d) %s on CPU %d at %s (%s): %s%n", v.path("seed").asLong(),
                v.path("invariant").asText(), v.path("cpu").asInt(), v.path("rip").asText(), v.path("where").asText(),
                v.path("message").asText());
            JsonNode rep = v.path("reproducer");
            if (!rep.isMissingNode()) {
                out.printf(Locale.ROOT, "  reproducer: deterministic seed %d%s: smpsim replay %s%n",
                    rep.path("config").path("seed").asLong(), rep.path("verified").asBoolean() ? " (verified)"
                        : " (not verified in " + rep.path("attempts").asInt() + " attempts)",
                    json == null ? "REPORT.json" : json);
            }
        }
        if (report.path("violations").isEmpty()) {
            out.println("no invariant broken");
        }
        if (json != null) {
            out.println("report: " + json + (html != null ? ", " + html : ""));
        }
        out.flush();
    }
}
