# Entry variant `ukl-kernel-cs': the review's proposal for the UKL RFC. pt_regs->cs stays an honest
# __KERNEL_CS; the exit knows the application's frame as the outermost one of a UKL task's kernel
# stack and translates at that boundary. Otherwise as ukl-rfc. Expected: survives.
        .set UKL_TASKS, 1
        .set UKL_KERNEL_CS, 1
        .set UKL_DF_HACK, 1
        .include "entry/entry_64.S"
