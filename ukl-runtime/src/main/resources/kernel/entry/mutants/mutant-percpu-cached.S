# MUTANT of ukl-rfc: a per-CPU pointer cached across a preemption point.
# What is wrong: the system-call entry keeps this CPU's per-CPU area in %r12 across do_syscall,
# which runs with interrupts on and can be preempted and migrated. The return path then sets
# in_user = 2 in "current" of the CPU the call started on: another task, while this one returns to
# its application with in_user = 1.
# The suite must report: in_user that does not match the context (or a non-UKL task with in_user).
        .set UKL_TASKS, 1
        .set UKL_DF_HACK, 1
        .set MUTANT_PERCPU_CACHED, 1
        .include "entry/entry_64.S"
