# MUTANT of ukl-rfc: popfq before the switch to the user stack.
# What is wrong: the return path sets in_user = 2 and pops the flags while %rsp is still on the
# kernel stack, then switches stacks. Interrupts are on between the two, so an interrupt there
# finds in_user = 2 (the application) on the kernel stack: the entry moves "the application's"
# frame to the top of the very stack it is on and the kernel loses track of where it runs.
# The suite must report: interrupt entry in application context not on the user stack.
        .set UKL_TASKS, 1
        .set UKL_DF_HACK, 1
        .set MUTANT_POPF_EARLY, 1
        .include "entry/entry_64.S"
