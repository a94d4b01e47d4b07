# Entry variant `ukl-iret': as ukl-rfc, but the return to the application is one iretq (flags,
# stack and RIP restored at once) instead of popfq + ret. Expected: survives, and costs more cycles
# per system call.
        .set UKL_TASKS, 1
        .set UKL_RETURN_IRET, 1
        .set UKL_DF_HACK, 1
        .include "entry/entry_64.S"
