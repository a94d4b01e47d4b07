package io.smpsim.memory;

import java.util.Arrays;

/**
 * One core's address translation: a 4-level page walk over tables in physical memory and a
 * direct-mapped soft TLB in front of it, indexed by a hash of the page number that folds in the
 * upper table levels (a plain low-bits index made user text at 0x400000 and kernel text at
 * 0xffffffff81000000 evict each other on every system call). The TLB caches only successful translations, with the
 * six permissions (read/write/execute for supervisor and user) precomputed from the entry bits,
 * CR0.WP, CR4.SMEP/SMAP and EFER.NXE, so a hit costs two array loads and a bit test. A/D bits are
 * not maintained.
 */
public final class Mmu {
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int EXEC = 2;
    /** Add to an access type for a CPL 3 access. */
    public static final int USER = 3;

    /** {@link #translate} results that are not physical addresses. */
    public static final long PAGE_FAULT = -1;
    public static final long NON_CANONICAL = -2;
    /** The access spans two pages that are not physically contiguous; use {@link #translatePart}. */
    public static final long SPLIT = -3;

    private static final int TLB_BITS = 10;
    private static final int TLB_MASK = (1 << TLB_BITS) - 1;

    private final PhysicalMemory mem;
    private final long[] tag = new long[1 << TLB_BITS];
    private final long[] phys = new long[1 << TLB_BITS];

    private long cr3;
    private boolean wp;
    private boolean smep;
    private boolean smap;
    private boolean nxe;

    /** Faulting linear address (CR2) and error code of the last PAGE_FAULT result. */
    public long faultAddress;
    public int faultCode;

    private long walks;

    public Mmu(PhysicalMemory mem) {
        this.mem = mem;
    }

    public long cr3() {
        return cr3;
    }

    /** Loads CR3; flushes the TLB (global pages are not modelled). */
    public void setCr3(long cr3) {
        this.cr3 = cr3;
        flushAll();
    }

    /** Updates the control bits that affect permissions; flushes the TLB. */
    public void setControl(boolean wp, boolean smep, boolean smap, boolean nxe) {
        this.wp = wp;
        this.smep = smep;
        this.smap = smap;
        this.nxe = nxe;
        flushAll();
    }

    public void flushAll() {
        Arrays.fill(tag, 0);
    }

    private static int slot(long vpn) {
        return (int) (vpn ^ (vpn >>> 10) ^ (vpn >>> 20) ^ (vpn >>> 30)) & TLB_MASK;
    }

    public void flushPage(long va) {
        long vpn = va >>> 12;
        int i = slot(vpn);
        if ((tag[i] >>> 8) == vpn) {
            tag[i] = 0;
        }
    }

    /** Page walks so far (TLB misses), for statistics. */
    public long walks() {
        return walks;
    }

    /**
     * Translates an access of {@code size} bytes at {@code va}; {@code perm} is an access type
     * plus {@link #USER} for CPL 3. Returns the physical address or a negative code.
     */
    public long translate(long va, int size, int perm) {
        long vpn = va >>> 12;
        int i = slot(vpn);
        long t = tag[i];
        if ((t >>> 8) == vpn && (t & (1L << perm)) != 0 && (va & 0xFFF) <= 4096 - size) {
            return phys[i] | (va & 0xFFF);
        }
        return translateSlow(va, size, perm);
    }

    private long translateSlow(long va, int size, int perm) {
        long last = va + size - 1;
        if (!Paging.isCanonical(va) || !Paging.isCanonical(last)) {
            return NON_CANONICAL;
        }
        long pa = translatePage(va, perm);
        if (pa < 0) {
            return pa;
        }
        if (((va ^ last) >>> 12) == 0) {
            return pa;
        }
        long pa2 = translatePage(last & ~0xFFFL, perm);
        if (pa2 < 0) {
            return pa2;
        }
        return pa2 == (pa | 0xFFF) + 1 ? pa : SPLIT;
    }

    /** The physical address of one byte of an access already known to succeed (split accesses). */
    public long translatePart(long va, int perm) {
        return translatePage(va, perm);
    }

    private long translatePage(long va, int perm) {
        long vpn = va >>> 12;
        int i = slot(vpn);
        long t = tag[i];
        if ((t >>> 8) != vpn || (t & (1L << perm)) == 0) {
            long r = walk(va, perm);
            if (r < 0) {
                return r;
            }
        }
        return phys[i] | (va & 0xFFF);
    }

    /** Walks the tables for va, fills the TLB and checks perm; returns 0 or PAGE_FAULT. */
    private long walk(long va, int perm) {
        walks++;
        long table = cr3 & Paging.ADDR_MASK;
        boolean rw = true;
        boolean us = true;
        boolean nx = false;
        long pageBase = 0;
        int access = perm % 3;
        boolean user = perm >= USER;
        for (int level = 3; level >= 0; level--) {
            int idx = (int) (va >>> (12 + 9 * level)) & 511;
            long e = mem.load(table + idx * 8L, 8);
            if ((e & Paging.P) == 0) {
                return fault(va, access, user, false);
            }
            rw &= (e & Paging.RW) != 0;
            us &= (e & Paging.US) != 0;
            nx |= nxe && (e & Paging.NX) != 0;
            if (level == 0 || (level <= 2 && level >= 1 && (e & Paging.PS) != 0)) {
                long pageMask = (1L << (12 + 9 * level)) - 1;
                pageBase = (e & Paging.ADDR_MASK & ~pageMask) | (va & pageMask & ~0xFFFL);
                break;
            }
            table = e & Paging.ADDR_MASK;
        }
        int perms = 0;
        boolean supData = !(smap && us);
        perms |= supData ? 1 : 0;
        perms |= supData && (rw || !wp) ? 2 : 0;
        perms |= !nx && !(smep && us) ? 4 : 0;
        perms |= us ? 8 : 0;
        perms |= us && rw ? 16 : 0;
        perms |= us && !nx ? 32 : 0;
        long vpn = va >>> 12;
        int i = slot(vpn);
        tag[i] = vpn << 8 | perms;
        phys[i] = pageBase;
        if ((perms & (1 << perm)) == 0) {
            return fault(va, access, user, true);
        }
        return 0;
    }

    private long fault(long va, int access, boolean user, boolean present) {
        faultAddress = va;
        int code = present ? Paging.PF_P : 0;
        if (access == WRITE) {
            code |= Paging.PF_W;
        }
        if (user) {
            code |= Paging.PF_U;
        }
        if (access == EXEC && (nxe || smep)) {
            code |= Paging.PF_I;
        }
        faultCode = code;
        return PAGE_FAULT;
    }
}
