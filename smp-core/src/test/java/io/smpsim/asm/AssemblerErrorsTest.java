package io.smpsim.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.testutil.GnuToolchain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed programs are rejected with {@code file:line:col: what was expected}. Every case is
 * also rejected by GNU as, so the subset stays strict: smpsim never accepts what {@code as} would not.
 */
class AssemblerErrorsTest {
    @TempDir
    Path dir;

    /** Inputs GNU as accepts but the subset does not (rejecting them keeps the subset strict). */
    static final java.util.List<String> SUBSET_LIMITS = java.util.List.of("(%eax)", ".data\nnop", "shl %rcx",
        "push %eax", "ltr %eax", "sysret\n", "jmp %rax", ".quad lbl &");

    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of("nop\n  frobnicate %rax\n", "bad.S:2:3:", "no such instruction: `frobnicate %rax'"),
            Arguments.of("mov %rax, %ebx\n", "bad.S:1:", "operand size mismatch"),
            Arguments.of("movl %rax, %rbx\n", "bad.S:1:6:", "incorrect register `%rax' used with `l' suffix"),
            Arguments.of("inc (%rax)\n", "bad.S:1:1:", "can't size `inc'"),
            Arguments.of("mov (%rax), (%rbx)\n", "bad.S:1:", "too many memory references"),
            Arguments.of("add $1\n", "bad.S:1:1:", "number of operands mismatch for `add': expected 2, found 1"),
            Arguments.of("mov %rxx, %rax\n", "bad.S:1:5:", "bad register name `%rxx'"),
            Arguments.of("mov 8(%rax, %rbx, 3), %rax\n", "bad.S:1:", "expected scale factor of 1, 2, 4, or 8"),
            Arguments.of("mov 8(%rax, %rsp), %rax\n", "bad.S:1:", "`%rsp' is not a valid index register"),
            Arguments.of("mov (%eax), %rax\n", "bad.S:1:", "addresses use 64-bit registers"),
            Arguments.of("mov 8(%rax, %rax\n", "bad.S:1:", "expected `)'"),
            Arguments.of("jmp nowhere\n", "bad.S:1:5:", "undefined symbol `nowhere'"),
            Arguments.of("x: nop\nx: nop\n", "bad.S:2:1:", "symbol `x' is already defined at bad.S:1:1"),
            Arguments.of(".quad lbl & 0xffff\nlbl: nop\n", "bad.S:1:", "GNU as cannot resolve this expression"),
            Arguments.of(".frobnicate 1\n", "bad.S:1:1:", "unknown directive `.frobnicate'"),
            Arguments.of(".byte 256\n", "bad.S:1:7:", "value 0x100 does not fit in 1 byte"),
            Arguments.of("addb $300, %al\n", "bad.S:1:", "does not fit"),
            Arguments.of("addq $0x80000000, %rax\n", "bad.S:1:", "sign-extended 32-bit"),
            Arguments.of("lock mov %rax, (%rbx)\n", "bad.S:1:", "expecting lockable instruction after `lock'"),
            Arguments.of("push %eax\n", "bad.S:1:", "push takes a 64-bit register"),
            Arguments.of("ltr %eax\n", "bad.S:1:", "ltr takes a 16-bit register"),
            Arguments.of("sysret\n", "bad.S:1:1:", "write sysretq"),
            Arguments.of("jmp *1b\n", "bad.S:1:", "local label `1' is not defined before `1b'"),
            Arguments.of("mov $1, %rax # ok\n/* open comment\n", "bad.S:2:1:", "unterminated comment"),
            Arguments.of(".ascii \"abc\n", "bad.S:1:", "missing closing `\"' of string"),
            Arguments.of("mov $1 %rax\n", "bad.S:1:8:", "expected `,' between operands, found `%rax'"),
            Arguments.of(".data\nnop\n", "bad.S:2:1:", "instructions belong in .text"),
            Arguments.of(".bss\n.byte 1\n", "bad.S:2:", "data in .bss must be zero"),
            Arguments.of(".align 3\n", "bad.S:1:1:", "alignment 3 is not a power of 2"),
            Arguments.of("jmp %rax\n", "bad.S:1:5:", "needs `*'"),
            Arguments.of("shl %rcx, %rax\n", "bad.S:1:", "shift count must be an immediate or %cl"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void rejectedWithPositionAndExpectation(String source, String where, String what) throws IOException {
        AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble("bad.S", source, 0x100000));
        assertTrue(e.getMessage().startsWith(where), "message `" + e.getMessage() + "' should start with " + where);
        assertTrue(e.getMessage().contains(what), "message `" + e.getMessage() + "' should say: " + what);
        assertEquals(e.pos() + ": " + e.detail(), e.getMessage());
        if (SUBSET_LIMITS.stream().anyMatch(source::contains)) {
            return; // valid x86-64 that the subset leaves out on purpose
        }
        // a malformed program: GNU as (with ld for symbol resolution) rejects it too
        Files.writeString(dir.resolve("bad.S"), source);
        GnuToolchain.Result as = GnuToolchain.run(dir, "as", "--64", "--fatal-warnings", "-o", "bad.o", "bad.S");
        boolean gnuRejects = as.exit() != 0
            || GnuToolchain.run(dir, "ld", "-o", "bad.elf", "-e", "0", "bad.o").exit() != 0;
        assertTrue(gnuRejects, "GNU as accepts what smpsim rejects:\n" + source);
    }
}
