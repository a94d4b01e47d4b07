package io.smpsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smpsim.report.Campaign;
import io.smpsim.report.HtmlReport;
import io.smpsim.report.ReportFiles;
import io.smpsim.report.ReportJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code smpsim merge}: the reports of a campaign's shards, combined into one. */
@Command(name = "merge", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Combines the reports of one campaign's shards into one report.",
        "The shards come from `smpsim stress --shard i/N' (or --shard N in a Kubernetes Indexed Job or Slurm array).",
        "Every seed must appear once; missing seeds are listed and the state is `incomplete'.",
        "Exit status: 0 no violation, 1 a violation in some run, 2 usage error (not one campaign, a seed twice)."})
public final class MergeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "REPORT.json", description = "the shards' reports")
    List<Path> inputs;

    @Option(names = "--json", paramLabel = "FILE", defaultValue = "smpsim-merged.json",
        description = "the merged report (default: ${DEFAULT-VALUE})")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "also an HTML report")
    Path html;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Campaign first = null;
        String command = null;
        TreeMap<Long, ObjectNode> bySeed = new TreeMap<>();
        TreeMap<Long, Path> from = new TreeMap<>();
        boolean allComplete = true;
        for (Path p : inputs) {
            JsonNode root = ReportJson.read(p);
            Campaign c = Campaign.fromJson(root.path("campaign"));
            if (first == null) {
                first = c;
                command = root.path("command").asText();
            } else if (c.firstSeed() != first.firstSeed() || c.count() != first.count() || c.shards() != first.shards()
                    || !c.config().equals(first.config())) {
                throw new UsageException(p + " is not a shard of the same campaign as " + inputs.getFirst()
                    + " (seeds, shard count or configuration differ)");
            }
            allComplete &= root.path("state").asText().equals("complete");
            for (JsonNode run : root.path("runs")) {
                long seed = run.path("seed").asLong();
                Path dup = from.put(seed, p);
                if (dup != null) {
                    throw new UsageException("seed " + seed + " appears twice: in " + dup + " and in " + p);
                }
                bySeed.put(seed, (ObjectNode) run);
            }
        }
        List<Long> missing = new ArrayList<>();
        for (int k = 0; k < first.count(); k++) {
            if (!bySeed.containsKey(first.firstSeed() + k)) {
                missing.add(first.firstSeed() + k);
            }
        }
        Campaign whole = new Campaign(first.firstSeed(), first.count(), 0, 1, first.config());
        String state = missing.isEmpty() && allComplete ? "complete" : "incomplete";
        ObjectNode merged = ReportJson.campaign(command, whole, new ArrayList<>(bySeed.values()), state);
        merged.put("mergedFrom", inputs.size());
        merged.set("missingSeeds", ReportJson.MAPPER.valueToTree(missing));
        ReportFiles.writeAtomically(json, ReportJson.text(merged));
        if (html != null) {
            ReportFiles.writeAtomically(html, HtmlReport.render(merged));
        }
        if (!missing.isEmpty()) {
            spec.commandLine().getErr().println("smpsim merge: " + missing.size() + " of " + first.count()
                + " seeds missing: " + missing.subList(0, Math.min(20, missing.size())));
        }
        StressCommand.summary(spec.commandLine().getOut(), merged, json, html);
        return merged.path("violations").isEmpty() ? ExitCodes.OK : ExitCodes.VIOLATION;
    }
}
