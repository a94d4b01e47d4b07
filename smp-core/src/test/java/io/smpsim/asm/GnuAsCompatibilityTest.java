package io.smpsim.asm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.program.Program;
import io.smpsim.testutil.GnuToolchain;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The subset claim, checked: every form the assembler accepts assembles with GNU as, and the
 * linked bytes are identical to what as + ld produce at the same addresses.
 */
class GnuAsCompatibilityTest {
    @TempDir
    Path dir;

    static String resource(String name) throws IOException {
        try (InputStream in = GnuAsCompatibilityTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void assertSameAsGnu(Path dir, String name, String source) throws IOException {
        Program p = Assembler.assemble(name, source, 0x100000);
        GnuToolchain.Linked gnu = GnuToolchain.assembleAndLink(dir, source, p.textBase(), p.dataBase(), p.bssBase());
        assertEquals(hex(gnu.text()), hex(p.text()), "text of " + name);
        assertArrayEquals(gnu.text(), p.text());
        assertEquals(hex(gnu.data()), hex(p.data()), "data of " + name);
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            if (i % 16 == 0) {
                s.append(String.format("%n%06x:", i));
            }
            s.append(String.format(" %02x", b[i] & 0xFF));
        }
        return s.toString();
    }

    @Test
    void everyFormMatchesGnuAs() throws IOException {
        assertSameAsGnu(dir, "forms.S", resource("/asm/forms.S"));
    }

    @Test
    void testPreludeMatchesGnuAs() throws IOException {
        assertSameAsGnu(dir, "prelude.S", "_start: hlt\n" + resource("/asm/prelude.S"));
    }

    /** Every program shipped in examples/ (the kernel's sources have their own check in ukl-runtime). */
    @Test
    void everyShippedExampleMatchesGnuAs() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of("..", "examples"))) {
            files = s.filter(p -> p.toString().endsWith(".S"))
                .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/src/test/"))
                .sorted().toList();
        }
        assertTrue(files.size() >= 2, "found " + files);
        for (Path f : files) {
            Path sub = Files.createDirectories(dir.resolve(f.getFileName().toString() + ".d"));
            assertSameAsGnu(sub, f.toString(), Files.readString(f));
        }
    }
}
