# MUTANT of ukl-rfc: a frame moved to the kernel stack off by 8.
# What is wrong: when an interrupt or exception arrives in the application, its six-word frame is
# copied to the top of the kernel stack at 40 bytes below the top instead of 48 (the orig_ax word
# forgotten), so its last word lands past the end of the stack.
# The suite must report: a fault in the kernel's own entry code, or an entry in application
# context off the user stack.
        .set UKL_TASKS, 1
        .set UKL_DF_HACK, 1
        .set MUTANT_FRAME_OFF_BY_8, 1
        .include "entry/entry_64.S"
