# Entry variant `linux-syscall': Linux's entry_64.S conventions for normal user tasks (CPL 3,
# syscall/sysretq) and kernel threads, without any UKL path. The baseline the UKL variants are
# compared against.
        .set UKL_TASKS, 0
        .include "entry/entry_64.S"
