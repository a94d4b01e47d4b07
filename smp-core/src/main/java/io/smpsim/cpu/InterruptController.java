package io.smpsim.cpu;

/**
 * What a core asks of its local interrupt controller. The core knows nothing of how interrupts
 * are routed; the apic module implements this. All methods are called on the core's own thread
 * except where noted; other threads deliver into the controller and then call {@link Cpu#signal()}.
 */
public interface InterruptController {
    /** The highest-priority pending vector the core may take now (TPR/PPR and ISR applied), or -1. */
    int pendingVector();

    /** The core takes {@code vector}: it moves from IRR to ISR. */
    void acknowledge(int vector);

    boolean nmiPending();

    /** The core takes the pending NMI. */
    void acknowledgeNmi();

    /** The core cycle count at which the controller next needs attention (a timer), or Long.MAX_VALUE. */
    long nextDeadline();

    /** The core's clock has reached {@code cycles}: fire any timer that is due. */
    void advanceTo(long cycles);

    /** Whether the controller implements this MSR (x2APIC range, TSC deadline, APIC base). */
    boolean hasMsr(int msr);

    /** Whether rdmsr of this MSR is allowed (x2APIC: EOI and SELF IPI are write-only; the core raises #GP). */
    boolean msrReadable(int msr);

    long readMsr(int msr, long cycles);

    /** Returns false if the write is invalid (the core raises #GP). */
    boolean writeMsr(int msr, long value, long cycles);

    /** CR8: TPR bits 7:4. */
    int readCr8();

    void writeCr8(int value);

    /** No interrupt controller: nothing is ever pending. */
    InterruptController NONE = new InterruptController() {
        public int pendingVector() {
            return -1;
        }

        public void acknowledge(int vector) {
        }

        public boolean nmiPending() {
            return false;
        }

        public void acknowledgeNmi() {
        }

        public long nextDeadline() {
            return Long.MAX_VALUE;
        }

        public void advanceTo(long cycles) {
        }

        public boolean hasMsr(int msr) {
            return false;
        }

        public boolean msrReadable(int msr) {
            return false;
        }

        public long readMsr(int msr, long cycles) {
            return 0;
        }

        public boolean writeMsr(int msr, long value, long cycles) {
            return false;
        }

        public int readCr8() {
            return 0;
        }

        public void writeCr8(int value) {
        }
    };
}
