package io.smpsim.cli;

import io.smpsim.kernel.KernelSources;
import io.smpsim.machine.ExecutorKind;
import io.smpsim.suite.StressConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The load options every stress-like command shares (a picocli mixin), and the checked config they make. */
public final class LoadOptions {
    static final class VariantChoice {
        @Option(names = "--variant", paramLabel = "NAME",
            description = "a shipped entry variant or mutant (`smpsim variants --list'); default: ukl-rfc")
        String variant;

        @Option(names = "--entry", paramLabel = "FILE.S",
            description = "your own entry variant (docs/entry-contract.md), e.g. one that sets parameters and "
                + "does .include \"entry/entry_64.S\"")
        Path entry;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "The entry variant (one of):%n")
    VariantChoice choice;

    @Option(names = "--cores", paramLabel = "N", defaultValue = "4", description = "simulated CPUs, 1..64 (default: ${DEFAULT-VALUE})")
    int cores;

    @Option(names = "--tasks", paramLabel = "N", defaultValue = "32",
        description = "application threads alive at any time, 1..4096 (default: ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--threads-per-process", paramLabel = "N", defaultValue = "8",
        description = "threads per process, 1..64 (default: ${DEFAULT-VALUE})")
    int threadsPerProcess;

    @Option(names = "--user-share", paramLabel = "F", defaultValue = "0.25",
        description = "with a UKL variant, the share of processes that are normal CPL-3 ones, 0..1 (default: ${DEFAULT-VALUE})")
    double userShare;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "2000",
        description = "iterations of the stress application per thread (default: ${DEFAULT-VALUE})")
    long iterations;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
        description = "seed of the interleaving, the interrupt storm and the injector (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--executor", paramLabel = "KIND", defaultValue = "threaded",
        description = "threaded (one host thread per CPU), deterministic (one thread, seeded uniform interleaving, "
            + "exact replay) or pct (deterministic with PCT-style core priorities); default: ${DEFAULT-VALUE}")
    ExecutorKind executor;

    @Option(names = "--irq-rate", paramLabel = "HZ", defaultValue = "100000",
        description = "device interrupts per simulated second per CPU, 0..10000000 (default: ${DEFAULT-VALUE})")
    double irqRate;

    @Option(names = "--hz", paramLabel = "HZ", defaultValue = "10000",
        description = "the scheduler tick, 10..1000000 (default: ${DEFAULT-VALUE})")
    int hz;

    @Option(names = "--inject", paramLabel = "P|off|sweep:Q", defaultValue = "0.015625",
        description = "events (interrupt, NMI, reschedule IPI, forced migration) injected at entry-code boundaries: at a fraction P "
            + "of visits, off, or sweep:Q (each boundary's first Q visits per CPU); default: 1/64")
    String inject;

    /** The configuration these options describe, with no budget yet; bad values are usage errors. */
    StressConfig config(CommandLine cmd) {
        String variant = variant(cmd);
        StressConfig.Injection injection = injection(cmd, inject);
        try {
            return new StressConfig(variant, cores, tasks, threadsPerProcess, userShare, iterations, 0, 0, seed, executor,
                irqRate, hz, injection, 0);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
    }

    String variant(CommandLine cmd) {
        if (choice != null && choice.entry != null) {
            Path p = choice.entry;
            if (!p.toString().endsWith(".S")) {
                throw new CommandLine.ParameterException(cmd, "--entry must name an assembly file ending in .S, not " + p);
            }
            if (!Files.isRegularFile(p)) {
                throw new CommandLine.ParameterException(cmd, "--entry: cannot read " + p + ": no such file");
            }
            return p.toString();
        }
        String v = choice == null || choice.variant == null ? "ukl-rfc" : choice.variant;
        if (!KernelSources.shippedVariants().contains(v) && !KernelSources.shippedMutants().contains(v)) {
            throw new CommandLine.ParameterException(cmd, "--variant must be one of "
                + String.join(", ", KernelSources.shippedVariants()) + " or a mutant ("
                + String.join(", ", KernelSources.shippedMutants()) + "), not `" + v + "'; use --entry FILE.S for your own");
        }
        return v;
    }

    static StressConfig.Injection injection(CommandLine cmd, String s) {
        if (s.equals("off")) {
            return StressConfig.Injection.NONE;
        }
        try {
            if (s.startsWith("sweep:")) {
                int q = Integer.parseInt(s.substring(6));
                if (q < 1) {
                    throw new NumberFormatException();
                }
                return StressConfig.Injection.sweep(q, true, true, true, true);
            }
            double p = Double.parseDouble(s);
            if (!(p >= 0 && p <= 1)) {
                throw new NumberFormatException();
            }
            return new StressConfig.Injection(p, true, true, true, true, 0);
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(cmd, "--inject must be a probability 0..1, off, or sweep:Q with "
                + "Q >= 1, not `" + s + "'");
        }
    }
}
