package io.smpsim.apic;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What an IPI carries beyond its vector: who sent it, how, and when (the sender's clock), for
 * traces and latency statistics. One record per sender-target pair is reused, so sending
 * allocates nothing; while a record sits in the target's queue, later IPIs of the pair coalesce
 * into it, as fixed interrupts coalesce in the IRR.
 */
final class IpiRecord {
    final int source;
    volatile int vector;
    volatile int mode;
    volatile long sentAt;
    final AtomicBoolean queued = new AtomicBoolean();

    IpiRecord(int source) {
        this.source = source;
    }
}
