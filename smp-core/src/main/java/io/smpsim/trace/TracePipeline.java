package io.smpsim.trace;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Carries trace events from the cores to their consumers through LMAX Disruptor ring buffers, one
 * single-producer ring per core (a core's events are published by whichever thread steps it, one
 * at a time). Publishing claims a preallocated slot, so it allocates nothing; the step loop only
 * publishes on its slow paths. A full ring makes the core wait for its consumers: the trace is
 * lossless, and consumers are cheap. Consumers sleep when idle, so producers never pay for a signal.
 */
public final class TracePipeline implements TraceSink, AutoCloseable {
    /** A preallocated ring slot. */
    static final class Slot {
        int type;
        long cycles;
        long rip;
        long a;
        long b;
    }

    private final List<Disruptor<Slot>> disruptors = new ArrayList<>();
    private final RingBuffer<Slot>[] rings;
    private final List<TraceConsumer> consumers = new ArrayList<>();
    private boolean closed;

    /**
     * @param cores     one ring per core
     * @param ringSize  slots per ring (a power of two)
     * @param factories each makes one consumer per core; a core's consumers run in order on one thread
     */
    @SuppressWarnings("unchecked")
    public TracePipeline(int cores, int ringSize, List<TraceConsumer.Factory> factories) {
        rings = new RingBuffer[cores];
        for (int cpu = 0; cpu < cores; cpu++) {
            List<TraceConsumer> mine = new ArrayList<>();
            for (TraceConsumer.Factory f : factories) {
                mine.add(f.forCpu(cpu));
            }
            consumers.addAll(mine);
            TraceConsumer[] chain = mine.toArray(TraceConsumer[]::new);
            Disruptor<Slot> d = new Disruptor<>(Slot::new, ringSize, DaemonThreadFactory.INSTANCE,
                ProducerType.SINGLE, new SleepingWaitStrategy(200, 50_000));
            EventHandler<Slot> handler = (slot, seq, endOfBatch) -> {
                for (TraceConsumer c : chain) {
                    c.onEvent(slot.type, slot.cycles, slot.rip, slot.a, slot.b);
                }
            };
            d.handleEventsWith(handler);
            rings[cpu] = d.start();
            disruptors.add(d);
        }
    }

    @Override
    public void event(int cpu, int type, long cycles, long rip, long a, long b) {
        RingBuffer<Slot> rb = rings[cpu];
        long seq = rb.next();
        Slot s = rb.get(seq);
        s.type = type;
        s.cycles = cycles;
        s.rip = rip;
        s.a = a;
        s.b = b;
        rb.publish(seq);
    }

    /** Waits until every published event has been consumed, then stops the consumer threads. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Disruptor<Slot> d : disruptors) {
            try {
                d.shutdown(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                d.halt();
            }
        }
        for (TraceConsumer c : consumers) {
            c.finish();
        }
    }
}
