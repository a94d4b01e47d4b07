package io.smpsim.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The report a person reads: one self-contained HTML file (inline CSS and SVG, no script, nothing
 * fetched) with the verdict, the counters, every violation with its reproducer and the last events of
 * every CPU, and three plots: the wakeup-latency histogram, per-CPU utilisation over time, and a heat
 * map of the interrupts taken at each instruction boundary of the entry code.
 */
public final class HtmlReport {
    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

    private HtmlReport() {}

    public static String render(JsonNode report) {
        StringBuilder h = new StringBuilder(64 * 1024);
        JsonNode violations = report.path("violations");
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>smpsim ")
            .append(esc(report.path("command").asText())).append(": ").append(esc(report.path("variant").asText()))
            .append("</title>\n<style>\nbody{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}\n"
                + "h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}\n"
                + "table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #eee}\n"
                + "th{text-align:left}.ok{color:#186a1e}.bad{color:#b00020}\n"
                + "pre{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:12px}\n"
                + "svg text{font:11px system-ui,sans-serif}\n</style></head><body>\n");
        h.append("<h1>smpsim ").append(esc(report.path("command").asText())).append(" &mdash; ")
            .append(esc(report.path("variant").asText())).append("</h1>\n");
        boolean clean = violations.isEmpty();
        h.append("<p id=\"verdict\" class=\"").append(clean ? "ok" : "bad").append("\"><b>")
            .append(clean ? "No invariant broken." : violations.size() + " violation(s) found.")
            .append("</b> State: ").append(esc(report.path("state").asText())).append("</p>\n");
        counters(h, report);
        runs(h, report.path("runs"));
        h.append("<h2>Violations</h2>\n");
        if (clean) {
            h.append("<p>None.</p>\n");
        }
        for (JsonNode v : violations) {
            violation(h, v);
        }
        List<JsonNode> runs = new ArrayList<>();
        report.path("runs").forEach(runs::add);
        h.append("<h2>Wakeup latency</h2>\n");
        latency(h, runs);
        h.append("<h2>Per-CPU utilisation over time</h2>\n");
        utilisation(h, runs);
        h.append("<h2>Interrupts per instruction boundary of the entry code</h2>\n");
        heatMap(h, report.path("boundaries"));
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void counters(StringBuilder h, JsonNode r) {
        h.append("<table id=\"counters\">\n");
        for (String f : List.of("seed", "cores", "tasks", "executor", "hostSeconds", "instructions", "syscalls",
                "syscallsPerSecond", "interrupts", "contextSwitches", "migrations", "preemptionsInSyscalls",
                "migrationsInsideSyscalls", "doubleFaults", "stackGrowths", "processesChecked", "injections")) {
            if (r.has(f)) {
                h.append("<tr><th>").append(f).append("</th><td>").append(esc(r.get(f).asText())).append("</td></tr>\n");
            }
        }
        h.append("</table>\n");
    }

    private static void runs(StringBuilder h, JsonNode runs) {
        if (runs.size() <= 1) {
            return;
        }
        h.append("<h2>Runs</h2>\n<table id=\"runs\"><tr><th>variant</th><th>seed</th><th>ending</th><th>syscalls</th>"
            + "<th>syscalls/s</th><th>cycles/syscall</th><th>violations</th></tr>\n");
        for (JsonNode run : runs) {
            h.append("<tr><th>").append(esc(run.path("config").path("variant").asText())).append("</th><td>")
                .append(run.path("seed").asText()).append("</td><td>").append(esc(run.path("ending").asText()))
                .append("</td><td>").append(run.path("syscalls").asText()).append("</td><td>")
                .append(run.path("syscallsPerSecond").asText()).append("</td><td>")
                .append(run.path("cyclesPerSyscall").asText()).append("</td><td>")
                .append(run.path("violations").size()).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void violation(StringBuilder h, JsonNode v) {
        h.append("<div class=\"violation\"><h3 class=\"bad\">").append(esc(v.path("invariant").asText()))
            .append(" on CPU ").append(v.path("cpu").asText()).append(" at ").append(esc(v.path("rip").asText()))
            .append(" (").append(esc(v.path("where").asText())).append(")</h3>\n<p>")
            .append(esc(v.path("message").asText())).append("</p>\n");
        JsonNode rep = v.path("reproducer");
        if (!rep.isMissingNode()) {
            h.append("<p>Reproducer: deterministic executor, seed ").append(rep.path("config").path("seed").asText())
                .append(rep.path("verified").asBoolean() ? " (verified)" : " (not verified)")
                .append(": <code>smpsim replay REPORT.json</code></p>\n");
        }
        h.append("<details><summary>CPU states</summary><pre>");
        for (JsonNode s : v.path("cpuStates")) {
            h.append(esc(s.asText())).append('\n');
        }
        h.append("</pre></details>\n<details><summary>Last events of every CPU</summary><pre>");
        v.path("lastEvents").fields().forEachRemaining(e -> {
            h.append("CPU ").append(e.getKey()).append(":\n");
            for (JsonNode ev : e.getValue()) {
                h.append("  ").append(esc(ev.asText())).append('\n');
            }
        });
        h.append("</pre></details></div>\n");
    }

    /** A bar chart of the wakeup latency (log2 buckets of cycles), summed over the runs. */
    private static void latency(StringBuilder h, List<JsonNode> runs) {
        TreeMap<Long, Long> buckets = new TreeMap<>();
        for (JsonNode run : runs) {
            for (JsonNode b : run.path("latency").path("wakeupCycles").path("buckets")) {
                buckets.merge(b.get(0).asLong(), b.get(1).asLong(), Long::sum);
            }
        }
        int w = 760;
        int ht = 220;
        h.append("<svg id=\"plot-latency\" class=\"plot\" width=\"").append(w).append("\" height=\"").append(ht + 40)
            .append("\" viewBox=\"0 0 ").append(w).append(' ').append(ht + 40).append("\" role=\"img\">\n");
        if (buckets.isEmpty()) {
            h.append("<text x=\"10\" y=\"20\">no wakeups recorded</text></svg>\n");
            return;
        }
        long max = buckets.values().stream().mapToLong(Long::longValue).max().orElse(1);
        int n = buckets.size();
        double bw = (w - 60.0) / n;
        int i = 0;
        for (var e : buckets.entrySet()) {
            double bh = (ht - 20.0) * e.getValue() / max;
            double x = 50 + i * bw;
            h.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                + "fill=\"#1f77b4\"><title>&le; %d cycles: %d</title></rect>\n", x, ht - bh, Math.max(1, bw - 2), bh,
                e.getKey(), e.getValue()));
            if (n <= 24 || i % 2 == 0) {
                h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" transform=\"rotate(45 %.1f %d)\">%s</text>\n",
                    x, ht + 12, x, ht + 12, shortNumber(e.getKey())));
            }
            i++;
        }
        h.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"12\">%d</text><line x1=\"48\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
            + "stroke=\"#999\"/></svg>\n<p>Cycles from a wakeup to the woken task running (upper bound of each "
            + "power-of-two bucket).</p>\n", max, ht, w, ht));
    }

    /** One line per CPU: its busy fraction at each sample of the longest-sampled run. */
    private static void utilisation(StringBuilder h, List<JsonNode> runs) {
        JsonNode best = null;
        for (JsonNode run : runs) {
            JsonNode u = run.path("utilisation");
            if (u.path("t").size() > (best == null ? 0 : best.path("t").size())) {
                best = u;
            }
        }
        int w = 760;
        int ht = 220;
        h.append("<svg id=\"plot-utilisation\" class=\"plot\" width=\"").append(w).append("\" height=\"")
            .append(ht + 30).append("\" role=\"img\">\n");
        if (best == null || best.path("t").size() < 1) {
            h.append("<text x=\"10\" y=\"20\">no samples (the run was shorter than one sampling period)</text></svg>\n");
            return;
        }
        JsonNode t = best.path("t");
        double t0 = 0;
        double t1 = Math.max(t.get(t.size() - 1).asDouble(), 1e-9);
        h.append(String.format(Locale.ROOT, "<line x1=\"40\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
            + "<text x=\"0\" y=\"14\">100%%</text><text x=\"10\" y=\"%d\">0%%</text><text x=\"%d\" y=\"%d\">%.1f s</text>\n",
            ht, w, ht, ht, w - 50, ht + 16, t1));
        int cpu = 0;
        for (JsonNode series : best.path("cpus")) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < series.size() && i < t.size(); i++) {
                double x = 40 + (w - 50) * (t.get(i).asDouble() - t0) / (t1 - t0);
                double y = 10 + (ht - 10) * (1 - series.get(i).asDouble());
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            String colour = COLOURS[cpu % COLOURS.length];
            h.append("<polyline class=\"cpu-line\" fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colour)
                .append("\" points=\"").append(pts).append("\"><title>CPU ").append(cpu).append("</title></polyline>\n");
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">CPU %d</text>\n",
                60 + 60 * cpu, ht + 26, colour, cpu));
            cpu++;
        }
        h.append("</svg>\n");
    }

    /** A cell per boundary, coloured by the interrupts and NMIs taken there (log scale). */
    private static void heatMap(StringBuilder h, JsonNode boundaries) {
        int cols = 24;
        int cell = 28;
        int rows = (boundaries.size() + cols - 1) / cols;
        h.append("<svg id=\"plot-heatmap\" class=\"plot\" width=\"").append(cols * cell + 10).append("\" height=\"")
            .append(Math.max(1, rows) * cell + 10).append("\" role=\"img\">\n");
        long max = 1;
        for (JsonNode b : boundaries) {
            max = Math.max(max, taken(b));
        }
        int i = 0;
        for (JsonNode b : boundaries) {
            long taken = taken(b);
            long injected = injected(b);
            double f = taken == 0 ? 0 : Math.log1p(taken) / Math.log1p(max);
            String fill = taken == 0 ? "#f0f0f0" : String.format(Locale.ROOT, "rgb(%d,%d,%d)", 255,
                (int) (230 * (1 - f)), (int) (200 * (1 - f)));
            h.append(String.format(Locale.ROOT, "<rect class=\"cell\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                + "fill=\"%s\" stroke=\"#fff\"><title>%s  %s  (%s)&#10;taken: %d interrupts, %d NMIs; injected: %d"
                + "</title></rect>\n", 5 + (i % cols) * cell, 5 + (i / cols) * cell, cell, cell, fill,
                esc(b.path("symbol").asText()), esc(b.path("instruction").asText()), esc(b.path("source").asText()),
                b.path("interrupts").asLong(), b.path("nmis").asLong(), injected));
            i++;
        }
        h.append("</svg>\n<p>One cell per instruction of the entry text, in address order (hover for the "
            + "instruction); darker: more interrupts and NMIs taken right before it.</p>\n");
        List<JsonNode> top = new ArrayList<>();
        boundaries.forEach(top::add);
        top.sort((a, b) -> Long.compare(taken(b), taken(a)));
        h.append("<table id=\"boundaries\"><tr><th>boundary</th><th>instruction</th><th>interrupts</th><th>NMIs</th>"
            + "<th>injected</th></tr>\n");
        for (JsonNode b : top.subList(0, Math.min(40, top.size()))) {
            h.append("<tr><th>").append(esc(b.path("symbol").asText())).append("</th><td style=\"text-align:left\"><code>")
                .append(esc(b.path("instruction").asText())).append("</code></td><td>").append(b.path("interrupts").asLong())
                .append("</td><td>").append(b.path("nmis").asLong()).append("</td><td>").append(injected(b))
                .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** Interrupts and NMIs taken right before a boundary's instruction. */
    private static long taken(JsonNode b) {
        return b.path("interrupts").asLong() + b.path("nmis").asLong();
    }

    /** Events of every kind injected there. */
    private static long injected(JsonNode b) {
        return b.path("injectedInterrupts").asLong() + b.path("injectedNmis").asLong() + b.path("injectedIpis").asLong()
            + b.path("injectedMigrations").asLong();
    }

    private static String shortNumber(long v) {
        if (v >= 1_000_000) {
            return v / 1_000_000 + "M";
        }
        if (v >= 1_000) {
            return v / 1_000 + "k";
        }
        return Long.toString(v);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
