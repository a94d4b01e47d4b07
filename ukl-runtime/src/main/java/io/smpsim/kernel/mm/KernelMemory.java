package io.smpsim.kernel.mm;

import io.smpsim.kernel.Layout;
import io.smpsim.memory.BumpFrameAllocator;
import io.smpsim.memory.FrameAllocator;
import io.smpsim.memory.PageTables;
import io.smpsim.memory.Paging;
import io.smpsim.memory.PhysicalMemory;
import io.smpsim.program.Program;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Physical memory and the kernel's address space. Physical layout: the kernel image at 16 MiB, then
 * a region for user program images (each contiguous, so it can be registered as code), then page
 * frames handed out top-down. Virtual layout: see {@link Layout} and docs/kernel.md.
 */
public final class KernelMemory {
    public static final long PROGRAM_AREA_SIZE = 16L << 20;

    private final PhysicalMemory mem;
    private final BumpFrameAllocator frames;
    private final PageTables tables;
    private final long root;
    private final long programAreaStart;
    private long programAreaNext;
    private final AtomicLong stackSlots = new AtomicLong();
    private final java.util.ArrayDeque<Long> freeStackSlots = new java.util.ArrayDeque<>();

    /** Builds the kernel's page tables for a kernel image loaded at {@link Layout#KERNEL_PHYS}. */
    public KernelMemory(PhysicalMemory mem, Program kernel) {
        this.mem = mem;
        long kernelEnd = kernel.end() - Layout.KERNEL_TEXT + Layout.KERNEL_PHYS;
        this.programAreaStart = (kernelEnd + 0x1FFFFF) & ~0x1FFFFFL;
        this.programAreaNext = programAreaStart;
        long framesLow = programAreaStart + PROGRAM_AREA_SIZE;
        if (framesLow + (8L << 20) > mem.size()) {
            throw new IllegalArgumentException("memory of " + (mem.size() >> 20) + " MiB is too small for the kernel: "
                + "at least " + ((framesLow >> 20) + 8) + " MiB");
        }
        this.frames = new BumpFrameAllocator(mem, framesLow, mem.size());
        this.tables = new PageTables(mem, frames);
        this.root = tables.newRoot();
        // the kernel half: PDPTs for every region, created now so every address space shares them
        for (long va : new long[] {Layout.DIRECT_MAP, Layout.VMAP_STACKS, Layout.VMAP_IST, Layout.KERNEL_TEXT}) {
            int idx = (int) (va >>> 39) & 511;
            if (mem.load(root + idx * 8L, 8) == 0) {
                mem.store(root + idx * 8L, 8, frames.allocate() | Paging.P | Paging.RW);
            }
        }
        // direct map of all physical memory: supervisor, writable, no-execute, global
        long twoMeg = 1L << 21;
        for (long pa = 0; pa < mem.size(); pa += twoMeg) {
            if (pa + twoMeg <= mem.size()) {
                tables.map2m(root, Layout.DIRECT_MAP + pa, pa, Paging.RW | Paging.NX | Paging.G);
            } else {
                tables.mapRange(root, Layout.DIRECT_MAP + pa, pa, mem.size() - pa, Paging.RW | Paging.NX | Paging.G);
            }
        }
        // the kernel image: text read-only and executable, data and bss writable and no-execute
        long delta = Layout.KERNEL_PHYS - Layout.KERNEL_TEXT;
        long textEnd = (kernel.textBase() + kernel.text().length + 0xFFF) & ~0xFFFL;
        for (long va = kernel.textBase(); va < textEnd; va += Paging.PAGE_SIZE) {
            tables.map4k(root, va, va + delta, Paging.G);
        }
        for (long va = kernel.dataBase(); va < kernel.end(); va += Paging.PAGE_SIZE) {
            tables.map4k(root, va, va + delta, Paging.RW | Paging.NX | Paging.G);
        }
    }

    public PhysicalMemory memory() {
        return mem;
    }

    public PageTables tables() {
        return tables;
    }

    /** The kernel's top-level page table (CR3 of kernel threads and idle tasks). */
    public long root() {
        return root;
    }

    public FrameAllocator frames() {
        return frames;
    }

    public long framesInUse() {
        return frames.inUse();
    }

    /** Reserves a contiguous physical range for a user program image; returns its address. */
    public synchronized long reserveProgram(long bytes) {
        long at = programAreaNext;
        long size = (bytes + 0xFFF) & ~0xFFFL;
        if (at + size > programAreaStart + PROGRAM_AREA_SIZE) {
            throw new IllegalStateException("user programs need more than " + (PROGRAM_AREA_SIZE >> 20) + " MiB");
        }
        programAreaNext = at + size;
        return at;
    }

    /** A zeroed page for a kernel object; returns its direct-map address. */
    public long allocateKernelPage() {
        return directMap(frames.allocate());
    }

    public void freeKernelPage(long va) {
        frames.free(physical(va));
    }

    public static long directMap(long pa) {
        return Layout.DIRECT_MAP + pa;
    }

    /** The physical address of a kernel virtual address (direct map, kernel image or stacks). */
    public long physical(long va) {
        if (va >= Layout.DIRECT_MAP && va < Layout.DIRECT_MAP + mem.size()) {
            return va - Layout.DIRECT_MAP;
        }
        long pa = tables.physical(root, va);
        if (pa < 0) {
            throw new IllegalArgumentException("kernel address 0x" + Long.toHexString(va) + " is not mapped");
        }
        return pa;
    }

    public long read64(long va) {
        return mem.read64(physical(va));
    }

    public void write64(long va, long v) {
        mem.write64(physical(va), v);
    }

    /**
     * A kernel stack of {@link Layout#KSTACK_SIZE} over an unmapped guard page; returns its top.
     * Slots of freed stacks are reused (a long run keeps its page tables bounded); the caller of
     * {@link #freeKernelStack} must have every CPU flush its TLB before a slot can be reused.
     */
    public long allocateKernelStack() {
        long slot;
        synchronized (freeStackSlots) {
            slot = freeStackSlots.isEmpty() ? stackSlots.getAndIncrement() : freeStackSlots.pop();
        }
        long base = Layout.VMAP_STACKS + slot * Layout.KSTACK_SLOT + Paging.PAGE_SIZE;
        mapStack(base, Layout.KSTACK_SIZE);
        return base + Layout.KSTACK_SIZE;
    }

    /** Frees the pages of a kernel stack (by its top) and its slot. */
    public void freeKernelStack(long top) {
        for (long va = top - Layout.KSTACK_SIZE; va < top; va += Paging.PAGE_SIZE) {
            long pa = tables.unmap4k(root, va);
            if (pa >= 0) {
                frames.free(pa);
            }
        }
        synchronized (freeStackSlots) {
            freeStackSlots.push((top - Layout.KSTACK_SIZE - Paging.PAGE_SIZE - Layout.VMAP_STACKS) / Layout.KSTACK_SLOT);
        }
    }

    /** Kernel stack slots ever used (the high-water mark of tasks alive at once, plus idle tasks). */
    public long stackSlotsUsed() {
        return stackSlots.get();
    }

    /** The lowest address of the kernel stack whose top is given. */
    public static long kernelStackBottom(long top) {
        return top - Layout.KSTACK_SIZE;
    }

    /** The IST index (1..7) of {@code cpu}'s IST stack that {@code rsp} lies on (guard page included), or 0. */
    public static int istIndex(int cpu, long rsp) {
        long off = rsp - (Layout.VMAP_IST + cpu * Layout.IST_CPU_SLOT);
        if (off <= 0 || off > Layout.IST_CPU_SLOT) {
            return 0;
        }
        return (int) ((off - 1) / Layout.IST_SLOT) + 1;
    }

    /** Maps the IST stacks of a CPU (each over a guard page); returns the tops indexed 1..7. */
    public long[] allocateIstStacks(int cpu) {
        long[] tops = new long[8];
        for (int ist = 1; ist <= 5; ist++) {
            long base = Layout.VMAP_IST + cpu * Layout.IST_CPU_SLOT + (ist - 1) * Layout.IST_SLOT + Paging.PAGE_SIZE;
            mapStack(base, Layout.IST_SIZE);
            tops[ist] = base + Layout.IST_SIZE;
        }
        return tops;
    }

    private void mapStack(long base, long size) {
        for (long va = base; va < base + size; va += Paging.PAGE_SIZE) {
            tables.map4k(root, va, frames.allocate(), Paging.RW | Paging.NX | Paging.G);
        }
    }
}
