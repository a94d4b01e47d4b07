# Entry variant `ukl-ist-pf': page faults are delivered on an IST stack of their own (IST_PF), so a
# fault on the application's stack at CPL 0 never needs that stack and no #DF hack is needed.
# Frames from the application or CPL 3 move to the task's stack before anything can sleep.
# Expected: survives single faults; a nested fault on the one #PF IST stack is the hazard.
        .set UKL_TASKS, 1
        .set UKL_PF_IST, 1
        .include "entry/entry_64.S"
