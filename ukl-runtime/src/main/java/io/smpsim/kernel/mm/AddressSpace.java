package io.smpsim.kernel.mm;

import io.smpsim.kernel.Layout;
import io.smpsim.memory.FrameAllocator;
import io.smpsim.memory.PageTables;
import io.smpsim.memory.Paging;
import io.smpsim.memory.PhysicalMemory;
import io.smpsim.program.Program;
import java.util.ArrayList;
import java.util.List;

/**
 * A process's address space: the shared kernel half, the program's text (shared, read-only), its
 * own copy of data and bss, a heap grown by brk, and one user stack per thread that grows on
 * demand down to {@link Layout#USER_STACK_MAX} below its top; below that lies a guard gap that is
 * never mapped. Every frame it takes (tables included) is returned when it is freed.
 */
public final class AddressSpace {
    private final KernelMemory km;
    private final PageTables tables;
    private final List<Long> owned = new ArrayList<>();
    private final long root;
    private final long heapStart;
    private final long dataStart;
    private final long dataEnd;
    private long brk;
    private final List<long[]> stacks = new ArrayList<>(); // {top, lowest mapped}
    private long stackPagesMapped;
    private boolean freed;

    /** Tracks the frames this address space takes (page tables included), to free them all at the end. */
    private final FrameAllocator tracking = new FrameAllocator() {
        @Override
        public long allocate() {
            long pa = kmFrames().allocate();
            owned.add(pa);
            return pa;
        }

        @Override
        public void free(long pa) {
            owned.remove(pa);
            kmFrames().free(pa);
        }
    };

    private FrameAllocator kmFrames() {
        return km.frames();
    }

    /**
     * @param program     the user program, linked at {@link Layout#USER_TEXT}
     * @param programPhys where its image was loaded (text, then data at the same offsets)
     */
    public AddressSpace(KernelMemory km, Program program, long programPhys) {
        this.km = km;
        this.tables = new PageTables(km.memory(), tracking);
        this.root = tables.newRoot();
        tables.shareTopLevel(km.root(), root, 256);
        long delta = programPhys - program.textBase();
        long textEnd = (program.textBase() + program.text().length + 0xFFF) & ~0xFFFL;
        for (long va = program.textBase(); va < textEnd; va += Paging.PAGE_SIZE) {
            tables.map4k(root, va, va + delta, Paging.US);
        }
        PhysicalMemory mem = km.memory();
        byte[] page = new byte[(int) Paging.PAGE_SIZE];
        for (long va = program.dataBase(); va < program.end(); va += Paging.PAGE_SIZE) {
            long frame = tracking.allocate();
            mem.read(va + delta, page, 0, page.length);
            mem.write(frame, page);
            tables.map4k(root, va, frame, Paging.RW | Paging.US | Paging.NX);
        }
        this.dataStart = program.dataBase();
        this.dataEnd = program.end();
        this.heapStart = (program.end() + 0xFFF) & ~0xFFFL;
        this.brk = heapStart;
    }

    public long root() {
        return root;
    }

    /** Maps the first page of a new thread's user stack; returns the initial stack pointer. */
    public synchronized long newStack() {
        long top = Layout.USER_STACK_TOP - stacks.size() * Layout.USER_STACK_REGION;
        long low = top - Paging.PAGE_SIZE;
        tables.map4k(root, low, tracking.allocate(), Paging.RW | Paging.US | Paging.NX);
        stacks.add(new long[] {top, low});
        stackPagesMapped++;
        return top;
    }

    /**
     * A fault at {@code va}: if it is in a stack's growth range below its lowest mapped page, map
     * the pages down to it and return true (the access is retried). Past the limit: false.
     */
    public synchronized boolean growStack(long va) {
        for (long[] s : stacks) {
            long top = s[0];
            long limit = top - Layout.USER_STACK_MAX;
            if (va >= limit && va < s[1]) {
                long page = va & ~0xFFFL;
                for (long p = s[1] - Paging.PAGE_SIZE; p >= page; p -= Paging.PAGE_SIZE) {
                    tables.map4k(root, p, tracking.allocate(), Paging.RW | Paging.US | Paging.NX);
                    stackPagesMapped++;
                }
                s[1] = page;
                return true;
            }
        }
        return false;
    }

    /** Pages mapped for user stacks so far (initial ones and grown). */
    public synchronized long stackPages() {
        return stackPagesMapped;
    }

    /** Lowest mapped address of thread i's stack. */
    public synchronized long stackLow(int i) {
        return stacks.get(i)[1];
    }

    /** brk: 0 asks for the current break; a higher address maps the pages up to it. */
    public synchronized long brk(long requested) {
        if (requested == 0 || requested <= brk) {
            return brk;
        }
        if (requested - heapStart > (256L << 20)) {
            return brk; // refused: the break stays
        }
        long from = (brk + 0xFFF) & ~0xFFFL;
        long to = (requested + 0xFFF) & ~0xFFFL;
        for (long va = from; va < to; va += Paging.PAGE_SIZE) {
            tables.map4k(root, va, tracking.allocate(), Paging.RW | Paging.US | Paging.NX);
        }
        brk = requested;
        return brk;
    }

    /** Reads user memory as the kernel would (no permission checks); false if a page is not mapped. */
    public boolean read(long va, byte[] dst) {
        PhysicalMemory mem = km.memory();
        for (int i = 0; i < dst.length; i++) {
            long pa = tables.physical(root, va + i);
            if (pa < 0) {
                return false;
            }
            dst[i] = (byte) mem.load(pa, 1);
        }
        return true;
    }

    /** A naturally aligned 8-byte user load with acquire semantics, or null if unmapped. */
    public Long load64(long va) {
        long pa = tables.physical(root, va);
        if (pa < 0 || (va & 7) != 0) {
            return null;
        }
        return km.memory().load(pa, 8);
    }

    /** A 4-byte user load (futex words), or null if unmapped. */
    public Long load32(long va) {
        long pa = tables.physical(root, va);
        if (pa < 0 || (va & 3) != 0) {
            return null;
        }
        return km.memory().load(pa, 4);
    }

    /**
     * A hash of what the program computed into memory: its data and bss, and the heap up to the
     * break (not the stacks, whose dead area below RSP holds whatever interrupt frames left there).
     */
    public synchronized long contentHash() {
        long h = 0xcbf29ce484222325L;
        h = hashRange(h, dataStart, dataEnd);
        h = hashRange(h, heapStart, brk);
        return h;
    }

    private long hashRange(long h, long from, long to) {
        PhysicalMemory mem = km.memory();
        for (long va = from; va < to; ) {
            long pageEnd = Math.min(to, (va | 0xFFF) + 1);
            long pa = tables.physical(root, va);
            for (; va < pageEnd; va++) {
                h = (h ^ (pa < 0 ? 0x100 : mem.load(pa++, 1))) * 0x100000001b3L;
            }
        }
        return h;
    }

    /** Returns every frame to the allocator. */
    public synchronized void free() {
        if (freed) {
            return;
        }
        freed = true;
        for (long pa : List.copyOf(owned)) {
            kmFrames().free(pa);
        }
        owned.clear();
    }

    public synchronized int framesOwned() {
        return owned.size();
    }
}
