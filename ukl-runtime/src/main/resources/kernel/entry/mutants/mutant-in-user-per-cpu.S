# MUTANT of ukl-rfc: in_user kept per CPU instead of per task.
# What is wrong: the entry code decides "application or kernel?" from a per-CPU in_user. When a
# task preempted inside a system call resumes on a CPU where another task last returned to its
# application, the CPU says 2 although this task is in the kernel: its next interrupt moves its
# frame over its own pt_regs and returns to kernel code with in_user = 2. (Each write is mirrored
# into the task, where the contract says the checker reads in_user.)
# The suite must report: a return to kernel context with in_user 2.
        .set UKL_TASKS, 1
        .set UKL_DF_HACK, 1
        .set MUTANT_IN_USER_PER_CPU, 1
        .include "entry/entry_64.S"
