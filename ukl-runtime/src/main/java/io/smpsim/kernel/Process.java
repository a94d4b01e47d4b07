package io.smpsim.kernel;

import io.smpsim.kernel.mm.AddressSpace;
import java.util.ArrayList;
import java.util.List;

/** A user (or UKL) process: an address space and its threads. */
public final class Process {
    private final int pid;
    private final String name;
    private final AddressSpace space;
    private final List<KTask> threads = new ArrayList<>();
    private int live;

    Process(int pid, String name, AddressSpace space) {
        this.pid = pid;
        this.name = name;
        this.space = space;
    }

    public int pid() {
        return pid;
    }

    public String name() {
        return name;
    }

    public AddressSpace space() {
        return space;
    }

    synchronized void add(KTask t) {
        threads.add(t);
        live++;
    }

    /** A thread ended; returns true if it was the last one. */
    synchronized boolean threadEnded() {
        return --live == 0;
    }

    public synchronized List<KTask> threads() {
        return List.copyOf(threads);
    }
}
