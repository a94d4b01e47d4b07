package io.smpsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir
    Path dir;

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void printsFinalStateOfEveryCoreAsJson() throws IOException {
        Path prog = write("p.S", """
            _start:
                mov %rdi, %rax
                imul $10, %rax
                add $5, %rax
                hlt
            """);
        CliRunner r = CliRunner.run("run", prog.toString(), "--cores", "3");
        assertEquals(0, r.exit, r.err);
        JsonNode root = new ObjectMapper().readTree(r.out);
        assertEquals(12, root.get("steps").asLong(), "4 instructions on each of 3 cores");
        assertEquals(3, root.get("cpus").size());
        for (int i = 0; i < 3; i++) {
            JsonNode cpu = root.get("cpus").get(i);
            assertEquals(i, cpu.get("id").asInt());
            assertEquals("halted", cpu.get("state").asText());
            assertEquals("0x" + Long.toHexString(i * 10L + 5), cpu.get("regs").get("rax").asText());
            assertEquals("0x10", cpu.get("regs").get("cs").asText());
            assertEquals("0x18", cpu.get("regs").get("ss").asText());
            for (String reg : new String[] {"rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11",
                "r12", "r13", "r14", "r15", "rip", "rflags"}) {
                assertTrue(cpu.get("regs").get(reg).asText().startsWith("0x"), reg);
            }
        }
    }

    @Test
    void maxStepsStopsARunningProgram() throws IOException {
        Path prog = write("loop.S", "_start: inc %rax\n jmp _start\n");
        CliRunner r = CliRunner.run("run", prog.toString(), "--max-steps", "1001");
        assertEquals(0, r.exit, r.err);
        JsonNode root = new ObjectMapper().readTree(r.out);
        assertEquals(1001, root.get("steps").asLong());
        assertEquals("running", root.get("cpus").get(0).get("state").asText());
        assertEquals("0x1f5", root.get("cpus").get(0).get("regs").get("rax").asText(), "501 increments");
    }

    @Test
    void tripleFaultIsReportedAsShutdown() throws IOException {
        Path prog = write("tf.S", "_start: ud2\n");
        CliRunner r = CliRunner.run("run", prog.toString());
        assertEquals(0, r.exit, r.err);
        JsonNode cpu = new ObjectMapper().readTree(r.out).get("cpus").get(0);
        assertEquals("shutdown", cpu.get("state").asText());
        assertTrue(cpu.get("shutdown_reason").asText().contains("triple fault"));
    }

    @Test
    void assemblyErrorNamesFileLineColumnAndExitsTwo() throws IOException {
        Path prog = write("bad.S", "_start:\n    movq $1, %rax\n    addq (%rbx, %rcx, 3), %rax\n");
        CliRunner r = CliRunner.run("run", prog.toString());
        assertEquals(2, r.exit);
        assertTrue(r.err.startsWith(prog + ":3:"), r.err);
        assertTrue(r.err.contains("expected scale factor of 1, 2, 4, or 8"), r.err);
        assertFalse(r.err.contains("Exception"), "no stack trace: " + r.err);
        assertEquals("", r.out);
    }

    @Test
    void usageErrorsNameTheOptionAndExitTwo() throws IOException {
        Path prog = write("p.S", "_start: hlt\n");
        String[][] cases = {
            {"run", prog.toString(), "--cores", "0"}, {"run", prog.toString(), "--memory", "12Q"},
            {"run", prog.toString(), "--max-steps", "0"}, {"run", prog.toString(), "--bogus"},
            {"run", dir.resolve("missing.S").toString()}, {"frobnicate"}, {"run"}};
        String[] expect = {"--cores", "--memory", "--max-steps", "--bogus", "no such file", "unknown command",
            "FILE.S"};
        for (int i = 0; i < cases.length; i++) {
            CliRunner r = CliRunner.run(cases[i]);
            assertEquals(2, r.exit, String.join(" ", cases[i]) + ": " + r.err);
            assertTrue(r.err.contains(expect[i]), String.join(" ", cases[i]) + " should mention " + expect[i] + ": "
                + r.err);
            assertFalse(r.err.contains("\tat "), "no stack trace: " + r.err);
        }
    }
}
