package io.smpsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smpsim.report.ReportJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `smpsim stress`, `replay`, `variants` and `merge` end to end, in process. */
class StressCommandTest {
    /** A small deterministic load: a few seconds per run at most. */
    static final String[] SMALL = {"--executor", "deterministic", "--cores", "2", "--tasks", "8",
        "--threads-per-process", "4", "--iterations", "300", "--syscalls", "6000", "--quiet"};

    @TempDir
    Path dir;

    static String[] args(String[] head, String... tail) {
        List<String> a = new ArrayList<>(List.of(head));
        a.addAll(List.of(tail));
        return a.toArray(String[]::new);
    }

    @Test
    void aStressRunWritesAReportWithEverythingTheIssueAsksFor() throws IOException {
        Path json = dir.resolve("r.json");
        Path html = dir.resolve("r.html");
        CliRunner r = CliRunner.run(args(new String[] {"stress"}, args(SMALL, "--json", json.toString(), "--html",
            html.toString())));
        assertEquals(0, r.exit, r.err + r.out);
        assertTrue(r.out.contains("no invariant broken"), r.out);
        JsonNode root = ReportJson.read(json);
        for (String f : List.of("variant", "seed", "cores", "tasks", "executor", "instructions", "syscalls", "interrupts",
                "contextSwitches", "migrations", "doubleFaults", "boundaries", "violations")) {
            assertTrue(root.has(f), "report field " + f);
        }
        assertEquals("ukl-rfc", root.get("variant").asText());
        assertEquals("complete", root.get("state").asText());
        assertTrue(root.get("syscalls").asLong() >= 6000);
        assertTrue(root.get("doubleFaults").asLong() > 0, "the stack growth of UKL tasks goes through #DF");
        JsonNode run = root.get("runs").get(0);
        assertEquals("DRAINED", run.get("ending").asText());
        assertTrue(run.at("/latency/wakeupCycles/count").asLong() > 0);
        long taken = 0;
        for (JsonNode b : root.get("boundaries")) {
            taken += b.get("interrupts").asLong() + b.get("nmis").asLong();
        }
        assertTrue(taken > 0, "interrupts counted per entry-code boundary");
        String page = Files.readString(html);
        assertTrue(page.contains("id=\"plot-heatmap\"") && page.contains("id=\"plot-latency\""));
        assertFalse(page.contains("http://") || page.contains("https://"), "the HTML report fetches nothing");
    }

    @Test
    void aViolationFoundOnThreadsComesWithAReproducerThatReplayShows() throws IOException {
        Path json = dir.resolve("m.json");
        CliRunner r = CliRunner.run("stress", "--variant", "mutant-popf-early", "--seconds", "30", "--json",
            json.toString(), "--quiet");
        assertEquals(1, r.exit, r.err + r.out);
        assertTrue(r.out.contains("VIOLATION"), r.out);
        JsonNode v = ReportJson.read(json).get("violations").get(0);
        assertEquals("entry-stack", v.get("invariant").asText());
        assertEquals("threaded", ReportJson.read(json).get("executor").asText());
        JsonNode rep = v.get("reproducer");
        assertTrue(rep.get("verified").asBoolean(), rep.toString());
        assertEquals("deterministic", rep.at("/config/executor").asText());
        CliRunner replay = CliRunner.run("replay", json.toString());
        assertEquals(1, replay.exit, replay.err + replay.out);
        assertTrue(replay.out.contains("reproduced"), replay.out);
        assertTrue(replay.out.contains("last events of CPU 0"), replay.out);
    }

    @Test
    void shardsRunEverySeedExactlyOnceAndMergeBack() throws IOException {
        List<String> reports = new ArrayList<>();
        TreeSet<Long> seen = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            Path json = dir.resolve("shard" + i + ".json");
            CliRunner r = CliRunner.run(args(new String[] {"stress"}, args(SMALL, "--seed", "100", "--seeds", "5",
                "--shard", i + "/3", "--json", json.toString())));
            assertEquals(0, r.exit, r.err + r.out);
            for (JsonNode run : ReportJson.read(json).get("runs")) {
                assertTrue(seen.add(run.get("seed").asLong()), "seed " + run.get("seed") + " ran twice");
            }
            reports.add(json.toString());
        }
        assertEquals(new TreeSet<>(List.of(100L, 101L, 102L, 103L, 104L)), seen);
        Path merged = dir.resolve("merged.json");
        List<String> margs = new ArrayList<>(List.of("merge", "--json", merged.toString()));
        margs.addAll(reports);
        CliRunner m = CliRunner.run(margs.toArray(String[]::new));
        assertEquals(0, m.exit, m.err + m.out);
        JsonNode root = ReportJson.read(merged);
        assertEquals("complete", root.get("state").asText());
        assertEquals(5, root.get("runs").size());
        long sum = 0;
        for (JsonNode run : root.get("runs")) {
            sum += run.get("syscalls").asLong();
        }
        assertEquals(sum, root.get("syscalls").asLong(), "totals are the sum of the shards' runs");

        CliRunner missing = CliRunner.run("merge", "--json", dir.resolve("part.json").toString(), reports.get(0));
        assertEquals(0, missing.exit);
        assertEquals("incomplete", ReportJson.read(dir.resolve("part.json")).get("state").asText());
        assertTrue(missing.err.contains("3 of 5 seeds missing"), missing.err);

        CliRunner twice = CliRunner.run("merge", "--json", dir.resolve("x.json").toString(), reports.get(0),
            reports.get(0));
        assertEquals(2, twice.exit);
        assertTrue(twice.err.contains("appears twice"), twice.err);
    }

    @Test
    void theShardIndexComesFromTheBatchSystem() {
        CommandLine cmd = new CommandLine(new StressCommand());
        assertEquals(new ShardOption(3, 8), ShardOption.parse(cmd, "8", Map.of("JOB_COMPLETION_INDEX", "3")));
        assertEquals(new ShardOption(2, 8), ShardOption.parse(cmd, "8", Map.of("SLURM_ARRAY_TASK_ID", "3",
            "SLURM_ARRAY_TASK_MIN", "1")));
        assertEquals(new ShardOption(5, 8), ShardOption.parse(cmd, "5/8", Map.of()));
    }

    @Test
    void everyMutantIsCaughtByTheVariantsCommand() throws IOException {
        Path json = dir.resolve("zoo.json");
        CliRunner r = CliRunner.run("variants", "--mutants", "--executor", "deterministic", "--budget", "60", "--json",
            json.toString(), "--quiet");
        assertEquals(0, r.exit, r.err + r.out);
        JsonNode runs = ReportJson.read(json).get("runs");
        assertEquals(8, runs.size());
        for (JsonNode run : runs) {
            assertEquals(1, run.get("violations").size(), run.at("/config/variant").asText());
        }
        assertEquals(8, r.out.lines().filter(l -> l.startsWith("mutant-") && l.contains(" yes ")).count(), r.out);
    }

    @Test
    void usageErrorsSayWhatIsWrongAndExitTwo() throws IOException {
        Path bad = dir.resolve("bad.S");
        Files.writeString(bad, ".include \"entry/entry_64.S\"\n        movq %rax\n");
        Path notReport = dir.resolve("x.json");
        Files.writeString(notReport, "{\"hello\": 1}");
        Map<String[], String> cases = Map.ofEntries(
            Map.entry(new String[] {"stress", "--variant", "nope"}, "--variant must be one of linux-syscall"),
            Map.entry(new String[] {"stress", "--entry", dir.resolve("none.S").toString()}, "no such file"),
            Map.entry(new String[] {"stress", "--entry", bad.toString(), "--json", dir.resolve("b.json").toString()},
                "bad.S:2:"),
            Map.entry(new String[] {"stress", "--cores", "0"}, "--cores must be 1..64"),
            Map.entry(new String[] {"stress", "--executor", "fast"}, "expected one of [threaded, deterministic, pct]"),
            Map.entry(new String[] {"stress", "--inject", "often"}, "--inject must be a probability"),
            Map.entry(new String[] {"stress", "--seconds", "1", "--syscalls", "5"}, "mutually exclusive"),
            Map.entry(new String[] {"stress", "--shard", "3/2"}, "--shard: index 3 of 2 shards"),
            Map.entry(new String[] {"stress", "--shard", "a/b"}, "--shard must be i/N"),
            Map.entry(new String[] {"soak", "--out", dir.toString()}, "--hours"),
            Map.entry(new String[] {"replay", dir.resolve("missing.json").toString()}, "no such file"),
            Map.entry(new String[] {"replay", notReport.toString()}, "not an smpsim report"),
            Map.entry(new String[] {"merge", notReport.toString()}, "not an smpsim report"),
            Map.entry(new String[] {"stresss"}, "unknown command"));
        for (Map.Entry<String[], String> c : cases.entrySet()) {
            CliRunner r = CliRunner.run(c.getKey());
            String what = String.join(" ", c.getKey());
            assertEquals(2, r.exit, what + ": " + r.err);
            assertTrue(r.err.contains(c.getValue()), what + ": " + r.err);
            assertFalse(r.err.contains("\tat "), what + " printed a stack trace: " + r.err);
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : List.of("stress", "replay", "variants", "soak", "merge", "run")) {
            CliRunner r = CliRunner.run(c, "--help");
            assertEquals(0, r.exit, c);
            assertTrue(r.out.contains("Usage: smpsim " + c), r.out);
        }
    }
}
