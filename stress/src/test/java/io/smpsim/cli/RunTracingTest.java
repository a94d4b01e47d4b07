package io.smpsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** smpsim run with the APIC, both executors, a Perfetto trace and statistics. */
class RunTracingTest {
    @TempDir
    Path dir;

    /** Core 0 sends 50 IPIs to core 1, which counts them; both end halted. */
    static final String PINGS = """
        _start:
            mov %rdi, %r15
            mov $0x70000, %rsp
            mov %r15, %rax
            shl $12, %rax
            sub %rax, %rsp
            lea idt_desc(%rip), %rax
            lea idt(%rip), %rbx
            mov %rbx, 2(%rax)
            lidt (%rax)
            lea handler(%rip), %rax         # gate 0x40
            lea idt+0x40*16(%rip), %rdi
            movw %ax, (%rdi)
            movw $0x10, 2(%rdi)
            movw $0x8e00, 4(%rdi)
            shr $16, %rax
            movw %ax, 6(%rdi)
            shr $16, %rax
            movl %eax, 8(%rdi)
            mov $0x80f, %ecx
            mov $0x1ff, %eax
            xor %edx, %edx
            wrmsr
            test %r15, %r15
            jnz receiver
            mov $50, %r12
        1:  mov got(%rip), %r13
            mov $0x830, %ecx
            mov $0x40, %eax
            mov $1, %edx
            wrmsr
        2:  cmp got(%rip), %r13
            je 2b
            dec %r12
            jnz 1b
            hlt
        receiver:
            sti
        3:  cmpq $50, got(%rip)
            je 4f
            hlt
            jmp 3b
        4:  cli
            hlt
        handler:
            lock incq got(%rip)
            push %rax
            push %rcx
            push %rdx
            mov $0x80b, %ecx
            xor %eax, %eax
            xor %edx, %edx
            wrmsr
            pop %rdx
            pop %rcx
            pop %rax
            iretq
            .data
        got: .quad 0
            .align 16
        idt: .skip 256 * 16
        idt_desc: .word 256 * 16 - 1
            .quad 0
        """;

    @Test
    void traceIsValidPerfettoJsonWithEveryCore() throws IOException {
        Path prog = dir.resolve("pings.S");
        Files.writeString(prog, PINGS);
        Path trace = dir.resolve("out/trace.json");
        CliRunner r = CliRunner.run("run", prog.toString(), "--cores", "2", "--trace", trace.toString(), "--stats");
        assertEquals(0, r.exit, r.err);
        JsonNode root = new ObjectMapper().readTree(r.out);
        JsonNode events = root.get("stats").get("events");
        assertEquals(50, events.get("ipi_sent").asLong());
        assertEquals(50, events.get("ipi_received").asLong());
        assertEquals(50, events.get("interrupt").asLong());
        assertEquals(50, root.get("stats").get("ipi_latency_cycles").get("count").asLong());
        JsonNode t = new ObjectMapper().readTree(trace.toFile());
        Set<Integer> tids = new HashSet<>();
        int irqs = 0;
        for (JsonNode e : t.get("traceEvents")) {
            assertTrue(e.has("ph") && e.has("pid") && e.has("tid"), e.toString());
            tids.add(e.get("tid").asInt());
            if (e.path("cat").asText().equals("interrupt")) {
                irqs++;
                assertTrue(e.get("ts").asDouble() >= 0);
            }
        }
        assertEquals(Set.of(0, 1), tids, "a track per core");
        assertEquals(50, irqs);
        try (var files = Files.list(trace.getParent())) {
            assertEquals(1, files.count(), "no part or temporary files left behind");
        }
    }

    @Test
    void deterministicExecutorReproducesTheRunFromItsSeed() throws IOException {
        Path prog = dir.resolve("pings.S");
        Files.writeString(prog, PINGS);
        String a = CliRunner.run("run", prog.toString(), "--cores", "2", "--executor", "deterministic", "--seed",
            "5").out;
        String b = CliRunner.run("run", prog.toString(), "--cores", "2", "--executor", "deterministic", "--seed",
            "5").out;
        ObjectMapper om = new ObjectMapper();
        JsonNode ja = om.readTree(a);
        JsonNode jb = om.readTree(b);
        assertEquals(ja.get("cpus"), jb.get("cpus"), "same registers, cycles and instruction counts");
        assertEquals(ja.get("steps"), jb.get("steps"));
        JsonNode threaded = om.readTree(CliRunner.run("run", prog.toString(), "--cores", "2").out);
        assertEquals("halted", threaded.get("cpus").get(1).get("state").asText());
        assertEquals("0x0", threaded.get("cpus").get(0).get("regs").get("r12").asText(),
            "with real threads too, core 0 saw all 50 IPIs acknowledged");
    }
}
