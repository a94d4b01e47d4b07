# MUTANT of ukl-rfc: in_user not set on interrupt entry from the application.
# What is wrong: the entry moves the interrupted application's frame to the kernel stack but
# leaves in_user = 2, so the kernel runs (and may be preempted, or take an NMI) believing it is
# the application.
# The suite must report: in_user 2 in kernel code on the kernel stack.
        .set UKL_TASKS, 1
        .set UKL_DF_HACK, 1
        .set MUTANT_NO_IN_USER_ON_IRQ, 1
        .include "entry/entry_64.S"
