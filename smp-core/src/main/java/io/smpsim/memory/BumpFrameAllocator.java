package io.smpsim.memory;

import java.util.ArrayDeque;

/**
 * A frame allocator over a fixed physical range: hands frames out from the top down and keeps
 * freed frames for reuse. Thread-safe (kernel services on several cores allocate).
 */
public final class BumpFrameAllocator implements FrameAllocator {
    private final PhysicalMemory mem;
    private final long low;
    private long next;
    private final ArrayDeque<Long> freed = new ArrayDeque<>();
    private long inUse;

    /** Frames come from [low, high), both page aligned. */
    public BumpFrameAllocator(PhysicalMemory mem, long low, long high) {
        if (((low | high) & 0xFFF) != 0 || low >= high) {
            throw new IllegalArgumentException("frame range must be page aligned and non-empty");
        }
        this.mem = mem;
        this.low = low;
        this.next = high;
    }

    @Override
    public synchronized long allocate() {
        long pa;
        if (!freed.isEmpty()) {
            pa = freed.pop();
        } else {
            if (next - Paging.PAGE_SIZE < low) {
                throw new IllegalStateException("out of physical memory for page frames");
            }
            next -= Paging.PAGE_SIZE;
            pa = next;
        }
        mem.fill(pa, Paging.PAGE_SIZE, (byte) 0);
        inUse++;
        return pa;
    }

    @Override
    public synchronized void free(long pa) {
        freed.push(pa);
        inUse--;
    }

    /** Frames handed out and not freed. */
    public synchronized long inUse() {
        return inUse;
    }

    /** The lowest address handed out so far: everything below it is untouched. */
    public synchronized long lowWater() {
        return next;
    }
}
