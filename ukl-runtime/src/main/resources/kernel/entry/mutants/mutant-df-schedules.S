# MUTANT of ukl-rfc: a #DF handler that can schedule while on the IST stack.
# What is wrong: after growing the stack, the #DF hack calls schedule() when a reschedule is due,
# still on this CPU's one #DF IST stack. The next task to double fault on this CPU is delivered
# onto the same IST stack, over the frame of the task that went to sleep there.
# The suite must report: scheduling on an IST stack / an IST stack entered while in use.
        .set UKL_TASKS, 1
        .set UKL_DF_HACK, 1
        .set MUTANT_DF_SCHEDULES, 1
        .include "entry/entry_64.S"
