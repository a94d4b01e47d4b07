package io.smpsim.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives the host's GNU binutils (as, ld, objcopy) and gcc for the tests that check smpsim against
 * the real toolchain and the real CPU. .ci/run makes sure they are installed.
 */
public final class GnuToolchain {
    private GnuToolchain() {}

    /** Output of a finished command. */
    public record Result(int exit, String out, String err) {}

    public static Result run(Path dir, String... cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd[0] + " (is binutils/gcc installed? .ci/run installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static Result check(Path dir, String... cmd) {
        Result r = run(dir, cmd);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (" + r.exit() + "):\n" + r.err() + r.out());
        }
        return r;
    }

    /** Sections of a program linked by GNU ld. */
    public record Linked(byte[] text, byte[] data) {}

    /**
     * Assembles {@code source} with GNU as and links it with .text at textBase and .data / .bss at
     * the given addresses, as smpsim's assembler lays programs out.
     */
    public static Linked assembleAndLink(Path dir, String source, long textBase, long dataBase, long bssBase)
            throws IOException {
        return assembleAndLink(dir, source, textBase, dataBase, bssBase, List.of());
    }

    /** As above, with extra {@code as} arguments (such as -I for .include). */
    public static Linked assembleAndLink(Path dir, String source, long textBase, long dataBase, long bssBase,
                                         List<String> asArgs) throws IOException {
        Path s = dir.resolve("prog.S");
        Files.writeString(s, source, StandardCharsets.UTF_8);
        List<String> as = new ArrayList<>(List.of("as", "--64"));
        as.addAll(asArgs);
        as.addAll(List.of("-o", "prog.o", "prog.S"));
        check(dir, as.toArray(String[]::new));
        List<String> ld = new ArrayList<>(List.of("ld", "-o", "prog.elf", "-e", "0", "--no-relax",
            "-z", "noexecstack", "-z", "norelro", "--build-id=none",
            "-Ttext=0x" + Long.toHexString(textBase),
            "--section-start=.data=0x" + Long.toHexString(dataBase),
            "--section-start=.rodata=0x" + Long.toHexString(dataBase),
            "-Tbss=0x" + Long.toHexString(bssBase), "prog.o"));
        check(dir, ld.toArray(String[]::new));
        check(dir, "objcopy", "-O", "binary", "-j", ".text", "prog.elf", "text.bin");
        check(dir, "objcopy", "-O", "binary", "-j", ".data", "prog.elf", "data.bin");
        return new Linked(Files.readAllBytes(dir.resolve("text.bin")), Files.readAllBytes(dir.resolve("data.bin")));
    }
}
