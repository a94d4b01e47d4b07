# Entry variant `ukl-rfc': the UKL RFC ("[RFC UKL 04/10] x86/entry: Create alternate entry path for
# system calls", LKML, October 2022). The application enters with `call ukl_entry_SYSCALL_64',
# pt_regs->cs carries the 0xC3 mark so that user_mode() is true for the application context,
# in_user is 0/1/2 in the task, the return pops the flags on the user stack and returns with
# `ret', and a double fault of a UKL task is taken as a user-stack page fault on the #DF IST stack.
# Expected: survives races; the #DF hack is unsafe only if its handler can sleep on the IST stack.
        .set UKL_TASKS, 1
        .set UKL_DF_HACK, 1
        .include "entry/entry_64.S"
