package io.smpsim.testutil;

import io.smpsim.cpu.InterruptController;
import java.util.BitSet;

/**
 * A minimal interrupt controller for core tests: vectors made pending are delivered highest first,
 * NMIs are a flag, and an optional one-shot timer raises a vector at a cycle count. The APIC
 * proper lives in the apic module; this only lets smp-core tests inject events.
 */
public final class TestInterrupts implements InterruptController {
    private final BitSet pending = new BitSet(256);
    private boolean nmi;
    private long timerAt = Long.MAX_VALUE;
    private int timerVector;
    public int acknowledged;
    public int nmisTaken;

    public synchronized void raise(int vector) {
        pending.set(vector);
    }

    public synchronized void raiseNmi() {
        nmi = true;
    }

    public synchronized void timer(long at, int vector) {
        timerAt = at;
        timerVector = vector;
    }

    @Override
    public synchronized int pendingVector() {
        return pending.isEmpty() ? -1 : pending.length() - 1;
    }

    @Override
    public synchronized void acknowledge(int vector) {
        pending.clear(vector);
        acknowledged++;
    }

    @Override
    public synchronized boolean nmiPending() {
        return nmi;
    }

    @Override
    public synchronized void acknowledgeNmi() {
        nmi = false;
        nmisTaken++;
    }

    @Override
    public synchronized long nextDeadline() {
        return timerAt;
    }

    @Override
    public synchronized void advanceTo(long cycles) {
        if (cycles >= timerAt) {
            pending.set(timerVector);
            timerAt = Long.MAX_VALUE;
        }
    }

    @Override
    public boolean hasMsr(int msr) {
        return false;
    }

    @Override
    public boolean msrReadable(int msr) {
        return false;
    }

    @Override
    public long readMsr(int msr, long cycles) {
        return 0;
    }

    @Override
    public boolean writeMsr(int msr, long value, long cycles) {
        return false;
    }

    @Override
    public int readCr8() {
        return 0;
    }

    @Override
    public void writeCr8(int value) {
    }
}
