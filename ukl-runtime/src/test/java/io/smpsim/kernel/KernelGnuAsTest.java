package io.smpsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smpsim.asm.Assembler;
import io.smpsim.program.Program;
import io.smpsim.testutil.GnuToolchain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel image and the user workloads are GNU as programs too: assembled and linked with as + ld
 * at their real addresses, they give the bytes smpsim assembles (layout header prepended, the
 * shipped sources reachable through -I for .include).
 */
class KernelGnuAsTest {
    @TempDir
    Path dir;

    void writeShippedSources() throws IOException {
        Files.writeString(dir.resolve("calling.S"), KernelSources.resource("calling.S"));
        Files.createDirectories(dir.resolve("entry"));
        Files.writeString(dir.resolve("entry/entry_64.S"), KernelSources.resource("entry/entry_64.S"));
    }

    void assertSame(String name, List<Assembler.Source> sources, long base) throws IOException {
        assertSame(name, sources, base, Map.of());
    }

    /** Externals are given to GNU as as absolute symbols (.set) in front of the sources. */
    void assertSame(String name, List<Assembler.Source> sources, long base, Map<String, Long> externals)
        throws IOException {
        Program p = Assembler.assemble(name, sources, base, externals, KernelSources.includes());
        StringBuilder all = new StringBuilder();
        externals.forEach((sym, v) -> all.append("        .set ").append(sym).append(", 0x")
            .append(Long.toHexString(v)).append("\n"));
        for (Assembler.Source s : sources) {
            all.append(s.text()).append("\n        .text\n");
        }
        GnuToolchain.Linked gnu = GnuToolchain.assembleAndLink(dir, all.toString(), p.textBase(), p.dataBase(),
            p.bssBase(), List.of("-I", dir.toString()));
        assertEquals(HexFormat.of().formatHex(gnu.text()), HexFormat.of().formatHex(p.text()), name + " text");
        assertEquals(HexFormat.of().formatHex(gnu.data()), HexFormat.of().formatHex(p.data()), name + " data");
    }

    @Test
    void kernelImageOfEveryShippedVariant() throws IOException {
        writeShippedSources();
        for (String v : KernelSources.shippedVariants()) {
            assertSame("kernel-" + v, KernelSources.forVariant(v), Layout.KERNEL_TEXT);
        }
        for (String v : KernelSources.shippedMutants()) {
            assertSame("kernel-" + v, KernelSources.forVariant(v), Layout.KERNEL_TEXT);
        }
    }

    @Test
    void everyUserWorkloadForUserAndUklTasks() throws IOException {
        writeShippedSources();
        long uklEntry = Assembler.assemble("kernel", KernelSources.forVariant("ukl-rfc"), Layout.KERNEL_TEXT, Map.of(),
            KernelSources.includes()).require("ukl_entry_SYSCALL_64");
        for (String w : Workloads.SHIPPED) {
            String src = KernelSources.resource("user/" + w + ".S");
            assertSame(w, List.of(new Assembler.Source("layout.S", Layout.userHeader(false)),
                new Assembler.Source(w + ".S", src)), Layout.USER_TEXT);
            assertSame(w + "@ukl", List.of(new Assembler.Source("layout.S", Layout.userHeader(true)),
                new Assembler.Source(w + ".S", src)), Layout.USER_TEXT, Map.of("ukl_entry_SYSCALL_64", uklEntry));
        }
    }
}
