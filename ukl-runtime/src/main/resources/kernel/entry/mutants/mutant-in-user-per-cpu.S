# MUTANT of ukl-rfc: in_user kept per CPU instead of per task.
# What is wrong: in_user is state of the task (which context it was in when it stopped running),
# but this variant keeps one value per CPU. A task that is not running has no in_user at all, so
# anything that asks a preempted or migrating task where it was (the checker, as ptrace or perf
# would) gets another task's answer; and the value is wrong for every task switched while in its
# application (a #DF path that has to sleep). The contract puts in_user at TASK_IN_USER.
# The suite must report: in_user that does not match the context the task is in.
        .set UKL_TASKS, 1
        .set UKL_DF_HACK, 1
        .set MUTANT_IN_USER_PER_CPU, 1
        .include "entry/entry_64.S"
