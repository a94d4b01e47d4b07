package io.smpsim.campaign;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smpsim.check.Violation;
import io.smpsim.monitor.Monitor;
import io.smpsim.monitor.Watchdogs;
import io.smpsim.report.Campaign;
import io.smpsim.report.HtmlReport;
import io.smpsim.report.ReportFiles;
import io.smpsim.report.ReportJson;
import io.smpsim.report.Reproducer;
import io.smpsim.suite.StressConfig;
import io.smpsim.suite.StressResult;
import io.smpsim.suite.StressRun;
import io.smpsim.kernel.KernelConfig;
import io.smpsim.trace.TraceFile;
import io.smpsim.trace.TraceSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the stress runs of a campaign one after another, each watched by a {@link Monitor} (utilisation,
 * watchdogs, progress), and keeps its report on disk: rewritten atomically after every run and, for
 * long runs, every {@code reportEvery} seconds, so a run that is killed loses at most one period and
 * one that is stopped (SIGINT, SIGTERM: {@link #stop}) ends with a complete report.
 */
public final class CampaignRunner {
    /**
     * @param json          the JSON report (null: none)
     * @param html          the HTML report (null: none)
     * @param trace         a Chrome/Perfetto trace of the first run (null: none)
     * @param statusEvery   seconds between status lines (a progress bar on a terminal)
     * @param reportEvery   seconds between report rewrites during a run (0: only after each run)
     * @param reproSeconds  host seconds to search for a deterministic reproducer of a threaded violation
     * @param terminal      whether err is a terminal (progress bar rather than status lines)
     */
    public record Options(Path json, Path html, Path trace, double statusEvery, double reportEvery, double reproSeconds,
                          boolean terminal, PrintWriter err) {}

    /** Trace events kept per CPU: a bounded file however long the run. */
    private static final long TRACE_EVENTS_PER_CPU = 200_000;

    private final Options options;
    private volatile boolean stopped;
    private volatile String stopReason;
    private volatile StressRun current;
    private final List<ObjectNode> finished = new ArrayList<>();

    public CampaignRunner(Options options) {
        this.options = options;
    }

    /** Stops the campaign: the current run ends at its next quantum, no further run starts. */
    public void stop(String why) {
        stopReason = why;
        stopped = true;
        StressRun r = current;
        if (r != null) {
            r.stop(why);
        }
    }

    public boolean stopped() {
        return stopped;
    }

    /** Runs every configuration (in order) and returns the final report, already written. */
    public ObjectNode run(String command, Campaign campaign, List<StressConfig> configs) {
        for (StressConfig c : configs) {
            if (stopped) {
                break;
            }
            finished.add(runOne(command, campaign, c, finished.isEmpty() ? options.trace : null));
            write(command, campaign, finished, "running");
        }
        String state = stopped ? "stopped: " + stopReason : "complete";
        return write(command, campaign, finished, state);
    }

    private ObjectNode runOne(String command, Campaign campaign, StressConfig config, Path trace) {
        TraceFile traceFile = trace == null ? null : new TraceFile(trace, config.cores(),
            KernelConfig.defaults(config.cores()).cyclesPerSecond(), TRACE_EVENTS_PER_CPU);
        StressRun run = new StressRun(config, traceFile == null ? TraceSink.NONE : traceFile.sink());
        current = run;
        if (stopped) {
            run.stop(stopReason);
        }
        Progress progress = new Progress(run, campaign, finished.size(), options);
        double[] nextReport = {options.reportEvery > 0 ? options.reportEvery : Double.MAX_VALUE};
        Watchdogs dogs = new Watchdogs(run.kernel(), 200, 30);
        Monitor monitor = new Monitor(run, 1.0, dogs, m -> {
            progress.update(m.seconds());
            if (m.seconds() >= nextReport[0]) {
                nextReport[0] += options.reportEvery;
                List<ObjectNode> partial = new ArrayList<>(finished);
                partial.add(ReportJson.run(run, run.snapshot(), m.timeline(), null));
                write(command, campaign, partial, "running");
            }
        });
        monitor.start();
        StressResult r;
        try {
            r = run.run();
        } finally {
            monitor.close();
            if (traceFile != null) {
                traceFile.close();
            }
        }
        monitor.finalSample();
        progress.done(r);
        current = null;
        List<Reproducer> reps = new ArrayList<>();
        for (Violation v : r.violations()) {
            // a stopped campaign does not spend more time searching; the violation itself is kept
            reps.add(stopped && !r.config().executor().deterministic() ? null
                : Reproducer.of(r, v, options.reproSeconds));
        }
        return ReportJson.run(run, r, monitor.timeline(), reps);
    }

    private synchronized ObjectNode write(String command, Campaign campaign, List<ObjectNode> runs, String state) {
        ObjectNode report = ReportJson.campaign(command, campaign, runs, state);
        try {
            if (options.json != null) {
                ReportFiles.writeAtomically(options.json, ReportJson.text(report));
            }
            if (options.html != null) {
                ReportFiles.writeAtomically(options.html, HtmlReport.render(report));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report: " + e.getMessage(), e);
        }
        return report;
    }

    /** Status lines (or a progress bar on a terminal) on stderr. */
    private static final class Progress {
        private final StressRun run;
        private final Options options;
        private final String label;
        private double nextLine;

        Progress(StressRun run, Campaign campaign, int index, Options options) {
            this.run = run;
            this.options = options;
            StressConfig c = run.config();
            this.label = String.format(Locale.ROOT, "%s seed %d (%d/%d)", shortName(c.variant()), c.seed(), index + 1,
                campaign.seeds().size());
            this.nextLine = options.statusEvery;
        }

        private static String shortName(String variant) {
            return Path.of(variant).getFileName().toString();
        }

        void update(double t) {
            if (options.err == null || options.statusEvery <= 0) {
                return;
            }
            StressResult s = run.snapshot();
            double budget = run.config().seconds();
            if (options.terminal) {
                int width = 24;
                int filled = budget > 0 ? (int) Math.min(width, width * t / budget) : (int) t % (width + 1);
                options.err.printf(Locale.ROOT, "\r%s [%s%s] %5.0fs %s", label, "#".repeat(filled),
                    ".".repeat(width - filled), t, line(s));
                options.err.flush();
            } else if (t >= nextLine) {
                nextLine += options.statusEvery;
                options.err.printf(Locale.ROOT, "%s %.0fs%s: %s%n", label, t,
                    budget > 0 ? String.format(Locale.ROOT, "/%.0fs", budget) : "", line(s));
                options.err.flush();
            }
        }

        void done(StressResult r) {
            if (options.err == null) {
                return;
            }
            if (options.terminal) {
                options.err.print("\r");
            }
            options.err.printf(Locale.ROOT, "%s done in %.1fs (%s): %s%n", label, r.hostSeconds(),
                r.ending().name().toLowerCase(Locale.ROOT), line(r));
            options.err.flush();
        }

        private static String line(StressResult s) {
            return String.format(Locale.ROOT, "%,d syscalls (%,.0f/s), %,d interrupts, %,d #DF, %d processes checked, %s",
                s.syscalls(), s.syscallsPerSecond(), s.interrupts(), s.doubleFaults(), s.processesChecked(),
                s.violations().isEmpty() ? "no violation" : s.violations().size() + " VIOLATION(S)");
        }
    }
}
