package io.smpsim.trace;

import java.nio.file.Path;
import java.util.List;

/**
 * A Chrome/Perfetto trace file fed by its own trace pipeline: give {@link #sink()} to the machine,
 * and {@link #close()} once the run is over (drains the rings, then writes the file atomically).
 */
public final class TraceFile implements AutoCloseable {
    private final ChromeTraceWriter writer;
    private final TracePipeline pipeline;

    /**
     * @param cyclesPerSecond simulated clock rate, to turn cycles into microseconds
     * @param maxEventsPerCpu a bound on the file, however long the run (0: none)
     */
    public TraceFile(Path target, int cores, double cyclesPerSecond, long maxEventsPerCpu) {
        this.writer = new ChromeTraceWriter(target, cyclesPerSecond, maxEventsPerCpu);
        this.pipeline = new TracePipeline(cores, 1 << 14, List.<TraceConsumer.Factory>of(writer));
    }

    public TraceSink sink() {
        return pipeline;
    }

    @Override
    public void close() {
        pipeline.close();
        writer.complete();
    }
}
