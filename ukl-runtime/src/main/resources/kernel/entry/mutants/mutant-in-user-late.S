# MUTANT of ukl-rfc: in_user set to 2 after popfq.
# What is wrong: the flags are popped (interrupts back on, no shadow) before in_user says the
# application runs. An interrupt between popfq and the in_user store finds in_user = 1 (kernel
# context) while %rsp is the user stack, so its handler runs on the application's stack.
# The suite must report: interrupt entry in kernel context on the user stack.
        .set UKL_TASKS, 1
        .set UKL_DF_HACK, 1
        .set MUTANT_IN_USER_LATE, 1
        .include "entry/entry_64.S"
