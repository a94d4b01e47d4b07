package io.smpsim.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a command writes its reports (a picocli mixin). */
public final class ReportOptions {
    @Option(names = "--json", paramLabel = "FILE",
        description = "the JSON report, rewritten atomically as the campaign goes (default: ${DEFAULT-VALUE})",
        defaultValue = "smpsim-report.json")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "also an HTML report with plots (self-contained)")
    Path html;

    @Option(names = "--quiet", description = "no status lines on stderr")
    boolean quiet;
}
