package io.smpsim.memory;

/** Hands out zeroed 4 KiB physical page frames, for page tables and kernel memory. */
public interface FrameAllocator {
    /** The physical address of a fresh zeroed frame; throws IllegalStateException when memory is exhausted. */
    long allocate();

    /** Returns a frame. */
    void free(long pa);
}
