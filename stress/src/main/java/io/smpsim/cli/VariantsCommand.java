package io.smpsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smpsim.campaign.CampaignRunner;
import io.smpsim.kernel.KernelSources;
import io.smpsim.report.Campaign;
import io.smpsim.report.ReportJson;
import io.smpsim.suite.StressConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code smpsim variants}: every shipped variant (or mutant) under the same load, one table. */
@Command(name = "variants", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs every shipped variant (or, with --mutants, every mutant) under the same load.",
        "One table: syscalls/s, cycles per syscall, violations; with --mutants, each mutant runs until the suite",
        "catches it or the budget ends, and the table says what caught it, how fast, and the reproducer.",
        "Exit status: 0 every correct variant clean (with --mutants: every mutant caught), 1 otherwise,",
        "2 usage error, 3 internal error."})
public final class VariantsCommand implements Callable<Integer> {
    @Mixin
    LoadOptions load;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
        description = "host seconds per correct variant (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--mutants", description = "run the mutants instead, each until caught or --budget")
    boolean mutants;

    @Option(names = "--budget", paramLabel = "S", defaultValue = "60",
        description = "with --mutants: host seconds each mutant may run before it counts as not caught "
            + "(default: ${DEFAULT-VALUE})")
    double budget;

    @Option(names = "--list", description = "list the shipped variants and mutants and exit")
    boolean list;

    @Option(names = "--json", paramLabel = "FILE", defaultValue = "smpsim-variants.json",
        description = "the JSON report (default: ${DEFAULT-VALUE})")
    java.nio.file.Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "also an HTML report")
    java.nio.file.Path html;

    @Option(names = "--repro-seconds", paramLabel = "S", defaultValue = "60",
        description = "host seconds to search for a deterministic reproducer of a violation found on threads "
            + "(default: ${DEFAULT-VALUE})")
    double reproSeconds;

    @Option(names = "--quiet", description = "no status lines on stderr")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        PrintWriter out = cmd.getOut();
        if (list) {
            out.println("variants: " + String.join(" ", KernelSources.shippedVariants()));
            out.println("mutants:  " + String.join(" ", KernelSources.shippedMutants()));
            out.flush();
            return ExitCodes.OK;
        }
        if (!(seconds > 0) || !(budget > 0)) {
            throw new CommandLine.ParameterException(cmd, "--seconds and --budget must be positive");
        }
        StressConfig base = load.config(cmd);
        List<String> names = mutants ? KernelSources.shippedMutants() : KernelSources.shippedVariants();
        List<StressConfig> configs = new ArrayList<>();
        for (String n : names) {
            configs.add(base.withVariant(n).withBudget(0, mutants ? budget : seconds));
        }
        Campaign campaign = new Campaign(base.seed(), 1, 0, 1, ReportJson.config(base.withSeed(0)));
        CampaignRunner runner = new CampaignRunner(new CampaignRunner.Options(json, html, null, quiet ? 0 : 10, 0,
            reproSeconds, Terminal.isTerminal(), cmd.getErr()));
        Signals.onStop(() -> runner.stop("signal"), cmd.getErr());
        ObjectNode report = runner.run(mutants ? "variants --mutants" : "variants", campaign, configs);
        boolean ok = mutants ? mutantTable(out, report) : variantTable(out, report);
        out.println("report: " + json + (html != null ? ", " + html : ""));
        out.flush();
        return ok && !runner.stopped() ? ExitCodes.OK : ExitCodes.VIOLATION;
    }

    private static boolean variantTable(PrintWriter out, JsonNode report) {
        out.printf(Locale.ROOT, "%-16s %12s %12s %14s %10s %11s%n", "variant", "syscalls/s", "cycles/call", "syscalls",
            "#DF", "violations");
        boolean ok = true;
        for (JsonNode r : report.path("runs")) {
            int v = r.path("violations").size();
            ok &= v == 0;
            out.printf(Locale.ROOT, "%-16s %,12d %,12.0f %,14d %,10d %11s%n", r.path("config").path("variant").asText(),
                r.path("syscallsPerSecond").asLong(), r.path("cyclesPerSyscall").asDouble(), r.path("syscalls").asLong(),
                r.path("doubleFaults").asLong(), v == 0 ? "none" : v + " (" + r.path("violations").get(0)
                    .path("invariant").asText() + ")");
        }
        return ok;
    }

    private static boolean mutantTable(PrintWriter out, JsonNode report) {
        out.printf(Locale.ROOT, "%-26s %-7s %-13s %10s %16s %11s%n", "mutant", "caught", "invariant", "seconds",
            "instructions", "repro seed");
        boolean ok = true;
        for (JsonNode r : report.path("runs")) {
            JsonNode v = r.path("violations");
            boolean caught = !v.isEmpty();
            ok &= caught;
            JsonNode rep = caught ? v.get(0).path("reproducer") : null;
            out.printf(Locale.ROOT, "%-26s %-7s %-13s %10.2f %,16d %11s%n", r.path("config").path("variant").asText(),
                caught ? "yes" : "NO", caught ? v.get(0).path("invariant").asText() : "-", r.path("hostSeconds").asDouble(),
                r.path("instructions").asLong(), rep == null || rep.isMissingNode() ? "-"
                    : rep.path("config").path("seed").asText() + (rep.path("verified").asBoolean() ? "" : "?"));
        }
        return ok;
    }
}
