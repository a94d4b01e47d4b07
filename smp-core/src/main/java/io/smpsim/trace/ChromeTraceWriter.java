package io.smpsim.trace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the trace in the Chrome trace-event JSON format that ui.perfetto.dev and chrome://tracing
 * open: one track per core, instant events for interrupts, exceptions, IPIs and hypercalls, and
 * slices for system calls and halts. Timestamps are simulated microseconds at the given clock
 * rate. Each core writes its own part file; {@link #complete()} joins them into the target file
 * atomically (a temporary file, then a rename), so a reader never sees half a trace.
 */
public final class ChromeTraceWriter implements TraceConsumer.Factory {
    private final Path target;
    private final double cyclesPerMicro;
    private final List<Path> parts = new ArrayList<>();
    private final List<Part> open = new ArrayList<>();
    private final long maxEventsPerCpu;

    /**
     * @param target          the JSON file to write
     * @param cyclesPerSecond simulated clock rate, to turn cycles into microseconds
     * @param maxEventsPerCpu stop writing a core's events after this many (0: no limit)
     */
    public ChromeTraceWriter(Path target, double cyclesPerSecond, long maxEventsPerCpu) {
        this.target = target;
        this.cyclesPerMicro = cyclesPerSecond / 1e6;
        this.maxEventsPerCpu = maxEventsPerCpu;
    }

    @Override
    public synchronized TraceConsumer forCpu(int cpu) {
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path part = Files.createTempFile(dir, "." + target.getFileName() + ".cpu" + cpu, ".part");
            parts.add(part);
            Part p = new Part(cpu, Files.newBufferedWriter(part, StandardCharsets.UTF_8));
            open.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace part next to " + target, e);
        }
    }

    private final class Part implements TraceConsumer {
        final int cpu;
        final BufferedWriter out;
        long written;
        boolean inSyscall;
        boolean halted;

        Part(int cpu, BufferedWriter out) {
            this.cpu = cpu;
            this.out = out;
            line("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":" + cpu + ",\"args\":{\"name\":\"CPU " + cpu
                + "\"}}");
        }

        private void line(String s) {
            try {
                out.write(s);
                out.write(",\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String ts(long cycles) {
            return String.format(Locale.ROOT, "%.3f", cycles / cyclesPerMicro);
        }

        @Override
        public void onEvent(int type, long cycles, long rip, long a, long b) {
            if (maxEventsPerCpu > 0 && written >= maxEventsPerCpu) {
                return;
            }
            written++;
            String common = "\"pid\":0,\"tid\":" + cpu + ",\"ts\":" + ts(cycles);
            String ripArg = "\"rip\":\"0x" + Long.toHexString(rip) + "\"";
            switch (type) {
                case TraceEvent.SYSCALL_ENTRY -> {
                    inSyscall = true;
                    line("{\"name\":\"syscall " + a + "\",\"cat\":\"syscall\",\"ph\":\"B\"," + common + ",\"args\":{"
                        + ripArg + "}}");
                }
                case TraceEvent.SYSCALL_EXIT -> {
                    if (inSyscall) {
                        line("{\"ph\":\"E\"," + common + "}");
                        inSyscall = false;
                    }
                }
                case TraceEvent.HALT -> {
                    halted = true;
                    line("{\"name\":\"halt\",\"cat\":\"idle\",\"ph\":\"B\"," + common + "}");
                }
                case TraceEvent.WAKE -> {
                    if (halted) {
                        line("{\"ph\":\"E\"," + common + "}");
                        halted = false;
                    }
                }
                default -> line("{\"name\":\"" + describe(type, a) + "\",\"cat\":\"" + TraceEvent.name(type)
                    + "\",\"ph\":\"i\",\"s\":\"t\"," + common + ",\"args\":{" + ripArg + ",\"a\":" + a + ",\"b\":"
                    + b + "}}");
            }
        }

        @Override
        public void finish() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String describe(int type, long a) {
        return switch (type) {
            case TraceEvent.INTERRUPT -> "irq " + a;
            case TraceEvent.EXCEPTION -> "exception " + a;
            case TraceEvent.NMI -> "nmi";
            case TraceEvent.IPI_SENT -> "ipi to " + a;
            case TraceEvent.IPI_RECEIVED -> "ipi from " + a;
            case TraceEvent.HYPERCALL -> "hypercall " + a;
            default -> TraceEvent.name(type);
        };
    }

    /** Joins the part files into the target (temp file, then atomic rename). Call after the pipeline closed. */
    public synchronized void complete() {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
            for (Path p : parts) {
                try (var r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                    r.transferTo(w);
                }
            }
            w.write("{\"name\":\"end\",\"ph\":\"M\",\"pid\":0,\"tid\":0,\"args\":{}}\n]}\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace " + target, e);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            for (Path p : parts) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace " + target, e);
        }
    }
}
