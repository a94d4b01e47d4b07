package io.smpsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of a real run, rendered by headless Chromium with no network: the DOM it builds
 * has the three plots with their marks (bars, one line per CPU, one cell per entry boundary).
 * .ci/run installs Debian's chromium; without it this test is skipped, saying so.
 */
class HtmlReportChromiumTest {
    @TempDir
    Path dir;

    static Path chromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        return null;
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void theReportRendersOfflineWithItsPlots() throws Exception {
        Path browser = chromium();
        assumeTrue(browser != null, "no chromium here (.ci/run installs Debian's chromium)");
        Path html = dir.resolve("r.html");
        CliRunner r = CliRunner.run("stress", "--executor", "threaded", "--cores", "2", "--tasks", "8", "--seconds", "3",
            "--json", dir.resolve("r.json").toString(), "--html", html.toString(), "--quiet");
        assertEquals(0, r.exit, r.err);
        Process p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
            "--no-first-run", "--user-data-dir=" + dir.resolve("profile"), "--proxy-server=127.0.0.1:9",
            "--dump-dom", html.toUri().toString()).redirectError(dir.resolve("chromium.err").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        String dom = new String(out, StandardCharsets.UTF_8);
        assertTrue(dom.contains("id=\"verdict\""), "rendered: " + dom.substring(0, Math.min(300, dom.length())));
        assertTrue(count(dom, "<rect class=\"bar\"") >= 3, "latency bars");
        assertEquals(2, count(dom, "<polyline class=\"cpu-line\""), "a utilisation line per CPU");
        assertTrue(count(dom, "<rect class=\"cell\"") > 100, "a heat-map cell per entry-code boundary");
    }
}
