package io.smpsim.memory;

/**
 * Builds and edits x86-64 page tables in physical memory from Java: the machine's identity map
 * and the kernel's address spaces. Edits are plain stores published with release semantics; a
 * running core sees a new mapping on its next TLB miss, and changes that remove or restrict a
 * mapping need a TLB flush on the cores that may cache it.
 */
public final class PageTables {
    private final PhysicalMemory mem;
    private final FrameAllocator frames;

    public PageTables(PhysicalMemory mem, FrameAllocator frames) {
        this.mem = mem;
        this.frames = frames;
    }

    public PhysicalMemory memory() {
        return mem;
    }

    /** A new empty top-level table (PML4); its address is a CR3 value. */
    public long newRoot() {
        return frames.allocate();
    }

    /** Maps one 4 KiB page. {@code flags} are the leaf entry bits (P is added). */
    public void map4k(long root, long va, long pa, long flags) {
        long pte = entryAddress(root, va, 0, true);
        mem.store(pte, 8, (pa & Paging.ADDR_MASK) | flags | Paging.P);
    }

    /** Maps one 2 MiB page. */
    public void map2m(long root, long va, long pa, long flags) {
        if (((va | pa) & 0x1FFFFF) != 0) {
            throw new IllegalArgumentException("2 MiB mapping must be 2 MiB aligned");
        }
        long pde = entryAddress(root, va, 1, true);
        mem.store(pde, 8, (pa & Paging.ADDR_MASK) | flags | Paging.P | Paging.PS);
    }

    /** Maps [va, va+len) to [pa, pa+len) with 4 KiB pages. */
    public void mapRange(long root, long va, long pa, long len, long flags) {
        for (long off = 0; off < len; off += Paging.PAGE_SIZE) {
            map4k(root, va + off, pa + off, flags);
        }
    }

    /** Removes the 4 KiB mapping of va (if any); returns the physical page it mapped, or -1. */
    public long unmap4k(long root, long va) {
        long pte = entryAddress(root, va, 0, false);
        if (pte < 0) {
            return -1;
        }
        long e = mem.load(pte, 8);
        mem.store(pte, 8, 0);
        return (e & Paging.P) != 0 ? e & Paging.ADDR_MASK : -1;
    }

    /** The leaf entry mapping va (4K, 2M or 1G), or 0 when not mapped. */
    public long lookup(long root, long va) {
        return walkToLeaf(root, va, null);
    }

    /** The physical address va maps to in this address space, or -1 (no permission checks). */
    public long physical(long root, long va) {
        int[] level = new int[1];
        long e = walkToLeaf(root, va, level);
        if (e == 0) {
            return -1;
        }
        long pageMask = (1L << (12 + 9 * level[0])) - 1;
        return (e & Paging.ADDR_MASK & ~pageMask) | (va & pageMask);
    }

    /** Walks to the leaf entry of va; stores its level (0 = 4K, 1 = 2M, 2 = 1G) in level[0]. 0 if absent. */
    private long walkToLeaf(long root, long va, int[] level) {
        long table = root & Paging.ADDR_MASK;
        for (int l = 3; l >= 0; l--) {
            int idx = (int) (va >>> (12 + 9 * l)) & 511;
            long e = mem.load(table + idx * 8L, 8);
            if ((e & Paging.P) == 0) {
                return 0;
            }
            if (l == 0 || (l <= 2 && (e & Paging.PS) != 0)) {
                if (level != null) {
                    level[0] = l;
                }
                return e;
            }
            table = e & Paging.ADDR_MASK;
        }
        return 0;
    }

    /** The physical address of the 4 KiB page-table entry for va (tables created as needed). */
    public long pteAddress(long root, long va) {
        return entryAddress(root, va, 0, true);
    }

    /** Copies the top-level entries for [fromIndex, 512) of src into dst (the shared kernel half). */
    public void shareTopLevel(long srcRoot, long dstRoot, int fromIndex) {
        for (int i = fromIndex; i < 512; i++) {
            mem.store(dstRoot + i * 8L, 8, mem.load(srcRoot + i * 8L, 8));
        }
    }

    /**
     * The address of the entry at {@code level} (0 = PTE) for va, creating intermediate tables
     * (present, writable, user: the leaf decides) when {@code create}; -1 if absent.
     */
    private long entryAddress(long root, long va, int level, boolean create) {
        if (!Paging.isCanonical(va)) {
            throw new IllegalArgumentException("non-canonical address 0x" + Long.toHexString(va));
        }
        long table = root & Paging.ADDR_MASK;
        for (int l = 3; l > level; l--) {
            int idx = (int) (va >>> (12 + 9 * l)) & 511;
            long ea = table + idx * 8L;
            long e = mem.load(ea, 8);
            if ((e & Paging.P) == 0) {
                if (!create) {
                    return -1;
                }
                long t = frames.allocate();
                e = t | Paging.P | Paging.RW | Paging.US;
                mem.store(ea, 8, e);
            } else if ((e & Paging.PS) != 0) {
                throw new IllegalStateException("0x" + Long.toHexString(va) + " is inside a large page");
            }
            table = e & Paging.ADDR_MASK;
        }
        int idx = (int) (va >>> (12 + 9 * level)) & 511;
        return table + idx * 8L;
    }
}
