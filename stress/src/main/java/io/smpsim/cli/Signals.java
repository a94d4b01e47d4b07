package io.smpsim.cli;

import java.io.PrintWriter;

/**
 * SIGINT and SIGTERM ask a long run to stop instead of killing the JVM, so the run ends at its next
 * quantum and its report is written; a second signal exits at once (status 130). Falls back to doing
 * nothing where the JDK's signal API is missing (the default handling then applies).
 */
final class Signals {
    private Signals() {}

    static void onStop(Runnable stop, PrintWriter err) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), new sun.misc.SignalHandler() {
                    private volatile boolean once;

                    @Override
                    public void handle(sun.misc.Signal sig) {
                        if (once) {
                            Runtime.getRuntime().halt(130);
                        }
                        once = true;
                        err.println("smpsim: SIG" + sig.getName() + ": stopping; the report is being written "
                            + "(signal again to quit at once)");
                        err.flush();
                        stop.run();
                    }
                });
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                // this platform or JVM does not let us handle it: the default action stays
            }
        }
    }
}
