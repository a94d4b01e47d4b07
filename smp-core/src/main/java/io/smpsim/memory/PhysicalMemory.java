package io.smpsim.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Physical memory shared by every simulated core. Simulated accesses follow x86-TSO: loads are
 * acquire, stores are release, locked read-modify-writes and fences are full barriers (VarHandle
 * access modes on a memory segment over a long[]; heap byte-array views no longer offer atomic
 * modes since JDK 22 because they cannot promise alignment). Naturally aligned accesses are single-copy atomic as on
 * x86; misaligned ones are split into bytes. Addresses outside the installed memory read as
 * all-ones and ignore writes, as unbacked physical addresses do on a PC.
 */
public final class PhysicalMemory {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();

    private final MemorySegment bytes;
    private final long size;
    /** Taken only by a locked access that straddles an 8-byte boundary (a "split lock"). */
    private final Object busLock = new Object();

    public PhysicalMemory(long size) {
        if (size <= 0 || (size & 0xFFF) != 0) {
            throw new IllegalArgumentException("memory size must be a positive multiple of 4 KiB");
        }
        if (size > (long) Integer.MAX_VALUE * 8) {
            throw new IllegalArgumentException("memory size must be below 16 GiB");
        }
        // a heap segment over a long[]: 8-byte aligned (so every atomic access mode works), always
        // alive (no liveness check per access, unlike an automatic arena) and freed by the GC
        this.bytes = MemorySegment.ofArray(new long[(int) (size / 8)]);
        this.size = size;
    }

    public long size() {
        return size;
    }

    private boolean inRange(long pa, int n) {
        return pa >= 0 && pa <= size - n;
    }

    // ------------------------------------------------------------------ TSO loads and stores

    /** A simulated load of 1, 2, 4 or 8 bytes (zero-extended), with acquire semantics. */
    public long load(long pa, int n) {
        if ((pa & (n - 1)) != 0 || !inRange(pa, n)) {
            return loadSlow(pa, n);
        }
        long i = pa;
        return switch (n) {
            case 8 -> (long) LONG.getAcquire(bytes, i);
            case 4 -> (int) INT.getAcquire(bytes, i) & 0xFFFFFFFFL;
            case 2 -> (short) SHORT.getAcquire(bytes, i) & 0xFFFFL;
            default -> (byte) BYTE.getAcquire(bytes, i) & 0xFFL;
        };
    }

    /** A simulated store of the low n bytes of v, with release semantics. */
    public void store(long pa, int n, long v) {
        if ((pa & (n - 1)) != 0 || !inRange(pa, n)) {
            storeSlow(pa, n, v);
            return;
        }
        long i = pa;
        switch (n) {
            case 8 -> LONG.setRelease(bytes, i, v);
            case 4 -> INT.setRelease(bytes, i, (int) v);
            case 2 -> SHORT.setRelease(bytes, i, (short) v);
            default -> BYTE.setRelease(bytes, i, (byte) v);
        }
    }

    private long loadSlow(long pa, int n) {
        long v = 0;
        for (int k = 0; k < n; k++) {
            long a = pa + k;
            long b = inRange(a, 1) ? (byte) BYTE.getAcquire(bytes, a) & 0xFFL : 0xFFL;
            v |= b << (8 * k);
        }
        return v;
    }

    private void storeSlow(long pa, int n, long v) {
        for (int k = 0; k < n; k++) {
            long a = pa + k;
            if (inRange(a, 1)) {
                BYTE.setRelease(bytes, a, (byte) (v >>> (8 * k)));
            }
        }
    }

    // ------------------------------------------------------------------ locked read-modify-write

    /** Full fence, as mfence and every locked instruction. */
    public static void fullFence() {
        VarHandle.fullFence();
    }

    /**
     * lock cmpxchg: if the n bytes at pa equal expected (low n bytes), store update. Returns the
     * value found (zero-extended). A full barrier.
     */
    public long compareAndExchange(long pa, int n, long expected, long update) {
        long mask = mask(n);
        expected &= mask;
        update &= mask;
        if (inRange(pa, n)) {
            long i = pa;
            if (n == 8 && (pa & 7) == 0) {
                return (long) LONG.compareAndExchange(bytes, i, expected, update);
            }
            if (n == 4 && (pa & 3) == 0) {
                return (int) INT.compareAndExchange(bytes, i, (int) expected, (int) update) & 0xFFFFFFFFL;
            }
            long word = pa & ~7L;
            if (pa + n <= word + 8 && inRange(word, 8)) {
                // 1- and 2-byte (or misaligned within one quadword): CAS the enclosing aligned quadword
                int shift = (int) (pa - word) * 8;
                long m = mask << shift;
                while (true) {
                    long cur = (long) LONG.getVolatile(bytes, word);
                    long found = (cur & m) >>> shift;
                    if (found != expected) {
                        VarHandle.fullFence();
                        return found;
                    }
                    long next = (cur & ~m) | (update << shift);
                    if ((long) LONG.compareAndExchange(bytes, word, cur, next) == cur) {
                        return found;
                    }
                }
            }
        }
        synchronized (busLock) {
            long found = loadSlow(pa, n) & mask;
            if (found == expected) {
                storeSlow(pa, n, update);
            }
            VarHandle.fullFence();
            return found;
        }
    }

    /** Operations a locked instruction applies atomically. */
    public interface RmwOp {
        long apply(long old, long operand);
    }

    /** lock add / xadd fast path: returns the old value. */
    public long getAndAdd(long pa, int n, long delta) {
        if (inRange(pa, n)) {
            if (n == 8 && (pa & 7) == 0) {
                return (long) LONG.getAndAdd(bytes, pa, delta);
            }
            if (n == 4 && (pa & 3) == 0) {
                return (int) INT.getAndAdd(bytes, pa, (int) delta) & 0xFFFFFFFFL;
            }
        }
        return getAndUpdate(pa, n, delta, (a, b) -> a + b);
    }

    /** xchg with memory (always locked): returns the old value. */
    public long getAndSet(long pa, int n, long v) {
        if (inRange(pa, n)) {
            if (n == 8 && (pa & 7) == 0) {
                return (long) LONG.getAndSet(bytes, pa, v);
            }
            if (n == 4 && (pa & 3) == 0) {
                return (int) INT.getAndSet(bytes, pa, (int) v) & 0xFFFFFFFFL;
            }
        }
        return getAndUpdate(pa, n, v, (a, b) -> b);
    }

    /** Any locked read-modify-write as a CAS loop; returns the old value (zero-extended). */
    public long getAndUpdate(long pa, int n, long operand, RmwOp op) {
        long mask = mask(n);
        while (true) {
            long old = load(pa, n);
            long next = op.apply(old, operand) & mask;
            if (compareAndExchange(pa, n, old, next) == old) {
                return old;
            }
        }
    }

    static long mask(int n) {
        return n == 8 ? -1L : (1L << (8 * n)) - 1;
    }

    // ------------------------------------------------------------------ loader and host-side access

    /** Copies bytes in (for loaders and kernel services; not ordered against running cores). */
    public void write(long pa, byte[] src, int off, int len) {
        if (!inRange(pa, len)) {
            throw new IllegalArgumentException("write of " + len + " bytes at 0x" + Long.toHexString(pa)
                + " is outside memory of " + size + " bytes");
        }
        MemorySegment.copy(src, off, bytes, ValueLayout.JAVA_BYTE, pa, len);
        VarHandle.releaseFence();
    }

    public void write(long pa, byte[] src) {
        write(pa, src, 0, src.length);
    }

    public void read(long pa, byte[] dst, int off, int len) {
        if (!inRange(pa, len)) {
            throw new IllegalArgumentException("read of " + len + " bytes at 0x" + Long.toHexString(pa)
                + " is outside memory");
        }
        VarHandle.acquireFence();
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, pa, dst, off, len);
    }

    public void fill(long pa, long len, byte value) {
        if (len < 0 || pa < 0 || pa > size - len) {
            throw new IllegalArgumentException("fill outside memory");
        }
        bytes.asSlice(pa, len).fill(value);
        VarHandle.releaseFence();
    }

    /** Host-side 64-bit read (for kernel services, checkers and tests). */
    public long read64(long pa) {
        return load(pa, 8);
    }

    public void write64(long pa, long v) {
        store(pa, 8, v);
    }
}
