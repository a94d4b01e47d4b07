package io.smpsim.kernel;

import io.smpsim.asm.Assembler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The kernel's assembly sources: the generated layout header, the fixed kernel, the kernel-thread
 * workloads and an entry variant, either shipped (resources kernel/entry/NAME.S) or a user's file.
 * An {@code .include} looks next to the including file first, then among the shipped sources.
 */
public final class KernelSources {
    private KernelSources() {}

    /** The correct entry variants shipped with smpsim (DESIGN 8), baseline first. */
    public static List<String> shippedVariants() {
        return List.of("linux-syscall", "ukl-rfc", "ukl-kernel-cs", "ukl-ist-pf", "ukl-iret");
    }

    /** The deliberately broken variants (entry/mutants/NAME.S) the suite must catch. */
    public static List<String> shippedMutants() {
        return List.of("mutant-popf-early", "mutant-in-user-late", "mutant-no-in-user-on-irq",
            "mutant-in-user-per-cpu", "mutant-df-schedules", "mutant-frame-off-by-8", "mutant-percpu-cached",
            "mutant-user-mode-cs");
    }

    /** The resource path of a shipped variant or mutant, or null. */
    static String shippedPath(String variant) {
        if (variant.equals("linux-syscall")) {
            return "entry/linux.S";
        }
        if (shippedVariants().contains(variant)) {
            return "entry/" + variant + ".S";
        }
        if (shippedMutants().contains(variant)) {
            return "entry/mutants/" + variant + ".S";
        }
        return null;
    }

    public static String resource(String path) {
        try (InputStream in = KernelSources.class.getResourceAsStream("/kernel/" + path)) {
            if (in == null) {
                return null;
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sources for a variant name or a path to a .S file. */
    public static List<Assembler.Source> forVariant(String variant) {
        List<Assembler.Source> out = new ArrayList<>();
        out.add(new Assembler.Source("layout.S", Layout.header()));
        out.add(new Assembler.Source("kernel.S", resource("kernel.S")));
        out.add(new Assembler.Source("kthreads.S", resource("kthreads.S")));
        out.add(variantSource(variant));
        return out;
    }

    static Assembler.Source variantSource(String variant) {
        String path = shippedPath(variant);
        if (path != null) {
            return new Assembler.Source(path, resource(path));
        }
        Path p = Path.of(variant);
        if (!variant.endsWith(".S") || !Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no entry variant `" + variant + "': the shipped ones are "
                + String.join(", ", shippedVariants()) + " (mutants: " + String.join(", ", shippedMutants())
                + "), or give a path to a .S file");
        }
        try {
            return new Assembler.Source(p.toString(), Files.readString(p));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read entry variant " + p + ": " + e.getMessage());
        }
    }

    /** Resolves .include: next to the including file, then the shipped kernel sources. */
    public static BiFunction<String, String, Assembler.Source> includes() {
        return (from, name) -> {
            Path dir = Path.of(from).getParent();
            Path local = dir == null ? Path.of(name) : dir.resolve(name);
            if (Files.isRegularFile(local) && !from.startsWith("entry/") && !from.equals("kernel.S")) {
                try {
                    return new Assembler.Source(local.toString(), Files.readString(local));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            String text = resource(name);
            if (text == null && dir != null) {
                text = resource(dir.toString().replace('\\', '/') + "/" + name);
            }
            return text == null ? null : new Assembler.Source(name, text);
        };
    }
}
