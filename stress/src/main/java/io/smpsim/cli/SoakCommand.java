package io.smpsim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smpsim.campaign.CampaignRunner;
import io.smpsim.report.Campaign;
import io.smpsim.report.ReportJson;
import io.smpsim.suite.StressConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code smpsim soak --hours H --out DIR}: one long headless stress run. Memory stays flat (bounded
 * event rings, histograms and timelines); DIR/report.json and DIR/report.html are rewritten
 * atomically every period, so a run killed outright loses at most one period, and SIGINT/SIGTERM end
 * it cleanly with the report written.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"A headless stress run for hours, its report in DIR rewritten every period.",
        "Watchdogs: soft lockup, hung task, host stall. SIGINT/SIGTERM stop it with the report written.",
        "Exit status: 0 no violation, 1 a violation, 2 usage, 3 internal."})
public final class SoakCommand implements Callable<Integer> {
    @Mixin
    LoadOptions load;

    @Option(names = "--hours", paramLabel = "H", required = true, description = "how long to run (e.g. 8, or 0.01)")
    double hours;

    @Option(names = "--out", paramLabel = "DIR", required = true,
        description = "directory for report.json and report.html (created if missing)")
    Path out;

    @Option(names = "--period", paramLabel = "S", defaultValue = "60",
        description = "seconds between report rewrites and status lines (default: ${DEFAULT-VALUE})")
    double period;

    @Option(names = "--repro-seconds", paramLabel = "S", defaultValue = "120",
        description = "host seconds to search for a deterministic reproducer of a violation (default: ${DEFAULT-VALUE})")
    double reproSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        if (!(hours > 0) || hours > 24 * 365) {
            throw new CommandLine.ParameterException(cmd, "--hours must be positive (at most a year), not " + hours);
        }
        if (!(period >= 1)) {
            throw new CommandLine.ParameterException(cmd, "--period must be at least 1 second, not " + period);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new CommandLine.ParameterException(cmd, "--out " + out + " exists and is not a directory");
        }
        Files.createDirectories(out);
        StressConfig config = load.config(cmd).withBudget(0, hours * 3600);
        Campaign campaign = new Campaign(config.seed(), 1, 0, 1, ReportJson.config(config.withSeed(0)));
        Path json = out.resolve("report.json");
        Path html = out.resolve("report.html");
        CampaignRunner runner = new CampaignRunner(new CampaignRunner.Options(json, html, null, period, period,
            reproSeconds, Terminal.isTerminal(), cmd.getErr()));
        Signals.onStop(() -> runner.stop("signal"), cmd.getErr());
        ObjectNode report = runner.run("soak", campaign, List.of(config));
        StressCommand.summary(cmd.getOut(), report, json, html);
        return report.path("violations").isEmpty() ? ExitCodes.OK : ExitCodes.VIOLATION;
    }
}
