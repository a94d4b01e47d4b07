# MUTANT of ukl-rfc: user_mode() comparing the whole CS to 0x33.
# What is wrong: the interrupt exit asks "user mode?" with cs == __USER_CS instead of (cs & 3) == 3.
# The application's frames carry the 0xC3 mark, so they take the kernel exit: no exit work, no
# in_user = 2, and an iretq with CS = 0xC3 that drops the application to CPL 3.
# The suite must report: a UKL application resumed at CPL 3 / with in_user 1.
        .set UKL_TASKS, 1
        .set UKL_DF_HACK, 1
        .set MUTANT_USER_MODE_CS, 1
        .include "entry/entry_64.S"
