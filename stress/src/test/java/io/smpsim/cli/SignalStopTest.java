package io.smpsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smpsim.report.ReportJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM in the middle of a long run, sent to a real smpsim process: the run stops, the report is
 * complete and valid, and what was measured before the signal is in it. A soak also leaves its
 * periodic report behind while it runs (what a SIGKILL would leave).
 */
class SignalStopTest {
    @TempDir
    Path dir;

    private static Process start(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(dir.resolve("out.txt").toFile())
            .redirectErrorStream(false).start();
    }

    /** Waits for a stderr line containing {@code text}; returns the lines read so far. */
    private static List<String> awaitLine(Process p, String text) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = err.readLine()) != null) {
            lines.add(line);
            if (line.contains(text)) {
                return lines;
            }
        }
        throw new AssertionError("the process ended before printing `" + text + "': " + lines);
    }

    @Test
    void sigtermInTheMiddleOfAStressRunStillWritesTheReport() throws Exception {
        Path json = dir.resolve("r.json");
        Process p = start(dir, "stress", "--seconds", "600", "--status-every", "1", "--cores", "2", "--tasks", "8",
            "--json", json.toString());
        try {
            awaitLine(p, "processes checked"); // a status line: the run is under way
            awaitLine(p, "processes checked");
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run stops after SIGTERM");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), "stopped cleanly, no violation");
        JsonNode root = ReportJson.read(json);
        assertTrue(root.get("state").asText().startsWith("stopped"), root.get("state").asText());
        JsonNode run = root.get("runs").get(0);
        assertEquals("STOPPED", run.get("ending").asText());
        assertTrue(run.get("syscalls").asLong() > 0, "what was measured before the signal is kept");
        assertTrue(run.get("hostSeconds").asDouble() < 300, "it did not run to its budget");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count(), "no temp file left");
        }
    }

    @Test
    void aSoakRewritesItsReportEveryPeriodAndStopsCleanly() throws Exception {
        Path out = dir.resolve("soak");
        Process p = start(dir, "soak", "--hours", "1", "--period", "1", "--cores", "2", "--tasks", "8", "--out",
            out.toString());
        try {
            awaitLine(p, "processes checked");
            awaitLine(p, "processes checked");
            awaitLine(p, "processes checked");
            JsonNode periodic = ReportJson.read(out.resolve("report.json")); // what a SIGKILL now would leave
            assertEquals("running", periodic.get("state").asText());
            assertTrue(periodic.get("syscalls").asLong() > 0);
            assertTrue(Files.readString(out.resolve("report.html")).contains("plot-utilisation"));
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue());
        JsonNode root = ReportJson.read(out.resolve("report.json"));
        assertTrue(root.get("state").asText().startsWith("stopped"), root.get("state").asText());
        assertTrue(root.at("/runs/0/utilisation/t").size() >= 3, "utilisation sampled each second");
    }
}
