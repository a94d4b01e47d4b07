package io.smpsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.isa.Reg;
import io.smpsim.isa.Rflags;
import io.smpsim.machine.BareMetal;
import io.smpsim.testutil.GnuToolchain;
import io.smpsim.testutil.Sim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The "Done when" of the foundation: a program written for GNU as gives the same registers and
 * flags under smpsim as on the real CPU. The program runs natively at CPL 3 from a trampoline that
 * zeroes the registers as smpsim's bare-metal boot does; its final {@code hlt} faults there, and a
 * SIGSEGV handler prints the registers from the signal context.
 */
class NativeCrossCheckTest {
    @TempDir
    Path dir;

    static Stream<String> programs() {
        return Stream.of("checksum.S", "bits.S");
    }

    static final String HARNESS = """
        #define _GNU_SOURCE
        #include <signal.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <ucontext.h>
        #include <unistd.h>
        extern char prog_start[];
        static char stack[1 << 16] __attribute__((aligned(16)));
        static char altstack[1 << 16];
        static void handler(int sig, siginfo_t *si, void *ctx) {
            ucontext_t *uc = ctx;
            greg_t *g = uc->uc_mcontext.gregs;
            static const char *names[] = {"rax","rcx","rdx","rbx","rsp","rbp","rsi","rdi",
                                          "r8","r9","r10","r11","r12","r13","r14","r15"};
            static const int idx[] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                      REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
            for (int i = 0; i < 16; i++) {
                unsigned long long v = (unsigned long long) g[idx[i]];
                if (i == 4) v -= (unsigned long long) (stack + sizeof stack);
                printf("%s %llx\\n", names[i], v);
            }
            /* the CPU faults on hlt; smpsim retires it: report the address after it */
            printf("rip %llx\\n", (unsigned long long) (g[REG_RIP] + 1 - (long long) prog_start));
            printf("rflags %llx\\n", (unsigned long long) g[REG_EFL]);
            fflush(stdout);
            _exit(0);
        }
        int main(void) {
            stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
            sigaltstack(&ss, 0);
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_sigaction = handler;
            sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
            sigaction(SIGSEGV, &sa, 0);
            __asm__ volatile(
                "mov %0, %%rsp\\n\\t"
                "xor %%eax, %%eax\\n\\t xor %%ebx, %%ebx\\n\\t xor %%ecx, %%ecx\\n\\t xor %%edx, %%edx\\n\\t"
                "xor %%esi, %%esi\\n\\t xor %%edi, %%edi\\n\\t xor %%ebp, %%ebp\\n\\t"
                "xor %%r8d, %%r8d\\n\\t xor %%r9d, %%r9d\\n\\t xor %%r10d, %%r10d\\n\\t xor %%r11d, %%r11d\\n\\t"
                "xor %%r12d, %%r12d\\n\\t xor %%r13d, %%r13d\\n\\t xor %%r14d, %%r14d\\n\\t xor %%r15d, %%r15d\\n\\t"
                "jmp prog_start\\n\\t" : : "r"(stack + sizeof stack));
            return 1;
        }
        """;

    @ParameterizedTest
    @MethodSource("programs")
    void sameRegistersAndFlagsAsTheHostCpu(String name) throws IOException {
        String source = Files.readString(Path.of("..", "examples", name));
        Files.writeString(dir.resolve("prog.S"), source.replace("_start", "prog_start"));
        Files.writeString(dir.resolve("harness.c"), HARNESS);
        GnuToolchain.check(dir, "gcc", "-O1", "-no-pie", "-o", "native", "harness.c", "prog.S");
        String out = GnuToolchain.check(dir, "./native").out();
        Map<String, Long> nat = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.trim().split(" ");
            nat.put(kv[0], Long.parseUnsignedLong(kv[1], 16));
        }
        assertEquals(18, nat.size(), "native harness output:\n" + out);

        Sim s = Sim.run(source);
        assertEquals(Cpu.State.HALTED, s.cpu().state());
        for (int r = 0; r < 16; r++) {
            long sim = s.reg(r);
            if (r == Reg.RSP) {
                sim -= BareMetal.LOAD_ADDRESS;
            }
            assertEquals(nat.get(Reg.NAMES64[r]), sim, name + ": %" + Reg.NAMES64[r]);
        }
        assertEquals((long) nat.get("rip"), s.cpu().rip() - s.sym("_start"), name + ": rip");
        assertEquals(nat.get("rflags") & Rflags.ARITH, s.cpu().rflags() & Rflags.ARITH, name + ": flags");
        assertTrue(s.cpu().retired() > 1000, "the program did real work");
    }
}
