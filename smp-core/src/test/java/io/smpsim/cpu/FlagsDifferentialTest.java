package io.smpsim.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.smpsim.asm.Assembler;
import io.smpsim.isa.Reg;
import io.smpsim.isa.Rflags;
import io.smpsim.machine.BareMetal;
import io.smpsim.machine.Machine;
import io.smpsim.program.Program;
import io.smpsim.testutil.GnuToolchain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test of arithmetic results and flags against the host CPU. One table of
 * instruction snippets produces both a C harness (inline asm, compiled with gcc, fed random inputs
 * biased toward boundary values) and an smpsim program; every result register and every flag the
 * SDM defines for the instruction must agree. Undefined flags (AF after logic ops and shifts, OF
 * after multi-bit shifts, SF/ZF/AF/PF after multiplies) are masked.
 */
class FlagsDifferentialTest {
    private static final int CASES_PER_SNIPPET = 100;
    private static final long ALL = Rflags.ARITH;

    @TempDir
    Path dir;

    /** Snippet: runs with a in rdi, b in rsi, count in rcx, carry-in in r10; results in rdi, r9, flags. */
    record Snippet(String name, String pre, String body, int size, String kind) {}

    static String reg(String family, int size) {
        return switch (family) {
            case "a" -> switch (size) {
                case 1 -> "%dil";
                case 2 -> "%di";
                case 4 -> "%edi";
                default -> "%rdi";
            };
            default -> switch (size) {
                case 1 -> "%sil";
                case 2 -> "%si";
                case 4 -> "%esi";
                default -> "%rsi";
            };
        };
    }

    static char suffix(int size) {
        return switch (size) {
            case 1 -> 'b';
            case 2 -> 'w';
            case 4 -> 'l';
            default -> 'q';
        };
    }

    static List<Snippet> snippets() {
        List<Snippet> out = new ArrayList<>();
        int[] sizes = {1, 2, 4, 8};
        for (int s : sizes) {
            char x = suffix(s);
            String a = reg("a", s);
            String b = reg("b", s);
            for (String op : new String[] {"add", "adc", "sub", "sbb", "cmp"}) {
                out.add(new Snippet(op + x, "", op + x + " " + b + ", " + a, s, "arith"));
            }
            for (String op : new String[] {"and", "or", "xor", "test"}) {
                out.add(new Snippet(op + x, "", op + x + " " + b + ", " + a, s, "logic"));
            }
            for (String op : new String[] {"inc", "dec", "neg", "not"}) {
                out.add(new Snippet(op + x, "", op + x + " " + a, s, "arith"));
            }
            for (String op : new String[] {"shl", "shr", "sar"}) {
                out.add(new Snippet(op + x + "_cl", "", op + x + " %cl, " + a, s, "shift"));
                out.add(new Snippet(op + x + "_1", "", op + x + " $1, " + a, s, "shift1"));
            }
            out.add(new Snippet("mul" + x, "xor %edx, %edx", "mov %rdi, %rax\nmul" + x + " " + b
                + "\nmov %rax, %rdi\nmov %rdx, %r9", s, "mul"));
            out.add(new Snippet("imul1" + x, "xor %edx, %edx", "mov %rdi, %rax\nimul" + x + " " + b
                + "\nmov %rax, %rdi\nmov %rdx, %r9", s, "mul"));
            if (s > 1) {
                out.add(new Snippet("imul2" + x, "", "imul" + x + " " + b + ", " + a, s, "mul"));
                out.add(new Snippet("imul3" + x, "", "imul" + x + " $-7, " + b + ", " + a, s, "mul"));
                out.add(new Snippet("xadd" + x, "", "xadd" + x + " " + b + ", " + a + "\nmov %rsi, %r9", s, "arith"));
                out.add(new Snippet("cmpxchg" + x, "", "mov %rsi, %rax\nxor $1, %rax\ncmpxchg" + x + " " + b + ", " + a
                    + "\nmov %rax, %r9", s, "arith"));
            }
            for (String cc : new String[] {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge",
                "le", "g"}) {
                out.add(new Snippet("cmp" + x + "_set" + cc, "", "cmp" + x + " " + b + ", " + a + "\nset" + cc
                    + " %r9b", s, "arith"));
                if (s == 4) {
                    out.add(new Snippet("add" + x + "_set" + cc, "", "add" + x + " " + b + ", " + a + "\nset" + cc
                        + " %r9b", s, "arith"));
                    out.add(new Snippet("test" + x + "_cmov" + cc, "", "test" + x + " " + b + ", " + a + "\ncmov" + cc
                        + "q %rsi, %r9", s, "logic"));
                    out.add(new Snippet("sar" + x + "_set" + cc, "", "sar" + x + " %cl, " + a + "\nset" + cc
                        + " %r9b", s, "shift"));
                }
            }
        }
        String[][] moves = {
            {"movsbq", "movsbq %sil, %rdi"}, {"movzbl", "movzbl %sil, %edi"}, {"movswl", "movswl %si, %edi"},
            {"movzwq", "movzwq %si, %rdi"}, {"movslq", "movslq %esi, %rdi"}, {"movsbw", "movsbw %sil, %di"},
            {"cltq", "mov %rsi, %rax\ncltq\nmov %rax, %rdi"}, {"cwtl", "mov %rsi, %rax\ncwtl\nmov %rax, %rdi"},
            {"cqto", "mov %rsi, %rax\ncqto\nmov %rdx, %r9"}, {"cltd", "mov %rsi, %rax\ncltd\nmov %rdx, %r9"},
            {"movl", "movl %esi, %edi"}, {"movw", "movw %si, %di"}, {"movb", "movb %sil, %dil"}};
        for (String[] m : moves) {
            out.add(new Snippet(m[0], "", m[1], 8, "move"));
        }
        return out;
    }

    /** The flags the SDM defines after this snippet for these inputs. */
    static long definedFlags(Snippet s, long count) {
        return switch (s.kind()) {
            case "arith", "move" -> ALL;
            case "logic" -> ALL & ~Rflags.AF;
            case "mul" -> Rflags.CF | Rflags.OF;
            case "shift1" -> ALL & ~Rflags.AF;
            default -> {
                int width = 8 * s.size();
                int c = (int) (count & (s.size() == 8 ? 63 : 31));
                if (c == 0) {
                    yield ALL;
                }
                long m = Rflags.PF | Rflags.ZF | Rflags.SF;
                if (c <= width) {
                    m |= Rflags.CF;
                }
                if (c == 1) {
                    m |= Rflags.OF;
                }
                yield m;
            }
        };
    }

    static String cHarness(List<Snippet> snippets, int cases, long seed) {
        StringBuilder c = new StringBuilder();
        c.append("""
            #include <stdio.h>
            #include <stdint.h>
            static uint64_t st;
            static uint64_t next(void) {
                uint64_t z = (st += 0x9e3779b97f4a7c15ULL);
                z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
                z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
                return z ^ (z >> 31);
            }
            static const uint64_t special[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
                0x7fffffff, 0x80000000ULL, 0xffffffffULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
                0xffffffffffffffffULL, 0xfffffffffffffffeULL, 0x0f, 0x10, 0xf0};
            static uint64_t value(void) {
                uint64_t r = next();
                switch (r % 4) {
                case 0: return special[next() % (sizeof special / sizeof special[0])];
                case 1: return special[next() % (sizeof special / sizeof special[0])] + (next() % 3) - 1;
                case 2: return next() & 0xff;
                default: return next();
                }
            }
            """);
        for (int i = 0; i < snippets.size(); i++) {
            Snippet s = snippets.get(i);
            c.append("static void t").append(i).append("(uint64_t *io) {\n    __asm__ volatile(\n");
            c.append("        \"mov 0(%[io]), %%rdi\\n\\t mov 8(%[io]), %%rsi\\n\\t mov 16(%[io]), %%rcx\\n\\t\"\n");
            c.append("        \"mov 24(%[io]), %%r10\\n\\t xor %%r9d, %%r9d\\n\\t\"\n");
            for (String line : s.pre().split("\n")) {
                if (!line.isBlank()) {
                    c.append("        \"").append(line.replace("%", "%%")).append("\\n\\t\"\n");
                }
            }
            c.append("        \"mov %%r10, %%r8\\n\\t neg %%r8\\n\\t\"\n");
            for (String line : s.body().split("\n")) {
                c.append("        \"").append(line.replace("%", "%%")).append("\\n\\t\"\n");
            }
            c.append("        \"pushfq\\n\\t pop %%r11\\n\\t\"\n");
            c.append("        \"mov %%rdi, 32(%[io])\\n\\t mov %%r9, 40(%[io])\\n\\t mov %%r11, 48(%[io])\\n\\t\"\n");
            c.append("        : : [io] \"r\"(io) : \"rax\", \"rcx\", \"rdx\", \"rsi\", \"rdi\", \"r8\", \"r9\", \"r10\", "
                + "\"r11\", \"cc\", \"memory\");\n}\n");
        }
        c.append("static void (*const tests[])(uint64_t *) = {");
        for (int i = 0; i < snippets.size(); i++) {
            c.append(i == 0 ? "" : ", ").append("t").append(i);
        }
        c.append("};\n");
        c.append("int main(void) {\n    st = ").append(seed).append("ULL;\n");
        c.append("    for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {\n");
        c.append("        for (int k = 0; k < ").append(cases).append("; k++) {\n");
        c.append("""
                        uint64_t io[7];
                        io[0] = value();
                        io[1] = (next() % 8 == 0) ? io[0] : value();
                        io[2] = next() % 72;
                        io[3] = next() & 1;
                        tests[i](io);
                        printf("%u %llx %llx %llx %llx %llx %llx %llx\\n", i, (unsigned long long) io[0],
                            (unsigned long long) io[1], (unsigned long long) io[2], (unsigned long long) io[3],
                            (unsigned long long) io[4], (unsigned long long) io[5], (unsigned long long) io[6]);
                    }
                }
                return 0;
            }
            """);
        return c.toString();
    }

    static String simProgram(List<Snippet> snippets) {
        StringBuilder p = new StringBuilder("_start: hlt\n");
        for (int i = 0; i < snippets.size(); i++) {
            Snippet s = snippets.get(i);
            p.append("t").append(i).append(":\n");
            p.append(s.pre()).append("\n");
            p.append("mov %r10, %r8\nneg %r8\n");
            p.append(s.body()).append("\n");
            p.append("pushfq\npop %r11\nhlt\n");
        }
        return p.toString();
    }

    @Test
    void resultsAndDefinedFlagsMatchTheHostCpu() throws IOException {
        List<Snippet> snippets = snippets();
        long seed = Long.getLong("smpsim.diff.seed", 20261124L);
        Files.writeString(dir.resolve("h.c"), cHarness(snippets, CASES_PER_SNIPPET, seed));
        GnuToolchain.check(dir, "gcc", "-O1", "-o", "h", "h.c");
        String out = GnuToolchain.check(dir, "./h").out();

        Program prog = Assembler.assemble("diff.S", simProgram(snippets), BareMetal.LOAD_ADDRESS);
        Machine m = Machine.create(1, 4L << 20);
        BareMetal.boot(m, prog, "_start");
        Cpu cpu = m.cpu(0);
        int cases = 0;
        List<String> failures = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" ");
            int i = Integer.parseInt(f[0]);
            long a = Long.parseUnsignedLong(f[1], 16);
            long b = Long.parseUnsignedLong(f[2], 16);
            long c = Long.parseUnsignedLong(f[3], 16);
            long cin = Long.parseUnsignedLong(f[4], 16);
            long hostA = Long.parseUnsignedLong(f[5], 16);
            long hostR9 = Long.parseUnsignedLong(f[6], 16);
            long hostFlags = Long.parseUnsignedLong(f[7], 16);
            Snippet s = snippets.get(i);
            for (int r = 0; r < 16; r++) {
                cpu.setReg(r, 0);
            }
            cpu.setReg(Reg.RDI, a);
            cpu.setReg(Reg.RSI, b);
            cpu.setReg(Reg.RCX, c);
            cpu.setReg(Reg.R10, cin);
            cpu.setReg(Reg.RSP, 0x80000);
            cpu.setRflags(0);
            assertTrue(cpu.startAt(prog.require("t" + i)));
            int x = cpu.run(Long.MAX_VALUE, 1000);
            if (x != Cpu.EXIT_HALT) {
                fail("snippet " + s.name() + " did not halt (" + x + ")");
            }
            long mask = definedFlags(s, c);
            long simFlags = cpu.reg(Reg.R11);
            cases++;
            if (cpu.reg(Reg.RDI) != hostA || cpu.reg(Reg.R9) != hostR9 || ((simFlags ^ hostFlags) & mask) != 0) {
                failures.add(String.format("%s a=%x b=%x cl=%d cin=%d: host rdi=%x r9=%x flags=%03x, smpsim rdi=%x r9=%x "
                        + "flags=%03x (compared %03x)", s.name(), a, b, c, cin, hostA, hostR9, hostFlags & ALL,
                    cpu.reg(Reg.RDI), cpu.reg(Reg.R9), simFlags & ALL, mask));
            }
        }
        assertTrue(cases >= 10_000, "only " + cases + " cases ran");
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases + " cases differ from the host (seed " + seed + "; rerun with "
                + "-Dsmpsim.diff.seed=" + seed + "):\n" + String.join("\n", failures.subList(0,
                Math.min(40, failures.size()))));
        }
    }
}
