package io.smpsim.cli;

import java.util.Map;
import picocli.CommandLine;

/**
 * Which shard of a campaign this process runs: {@code --shard i/N} (i counts from 0), or
 * {@code --shard N} with i taken from the batch system: JOB_COMPLETION_INDEX (a Kubernetes Indexed
 * Job, 0-based) or SLURM_ARRAY_TASK_ID (a Slurm job array, minus SLURM_ARRAY_TASK_MIN when set).
 */
record ShardOption(int index, int count) {
    static final ShardOption NONE = new ShardOption(0, 1);

    static ShardOption parse(CommandLine cmd, String spec, Map<String, String> env) {
        if (spec == null) {
            return NONE;
        }
        String[] parts = spec.split("/", -1);
        try {
            if (parts.length == 2) {
                return check(cmd, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), spec);
            }
            if (parts.length == 1) {
                int n = Integer.parseInt(parts[0]);
                String k8s = env.get("JOB_COMPLETION_INDEX");
                if (k8s != null) {
                    return check(cmd, Integer.parseInt(k8s.trim()), n, "JOB_COMPLETION_INDEX=" + k8s);
                }
                String slurm = env.get("SLURM_ARRAY_TASK_ID");
                if (slurm != null) {
                    String min = env.getOrDefault("SLURM_ARRAY_TASK_MIN", "0");
                    return check(cmd, Integer.parseInt(slurm.trim()) - Integer.parseInt(min.trim()), n,
                        "SLURM_ARRAY_TASK_ID=" + slurm + " (SLURM_ARRAY_TASK_MIN=" + min + ")");
                }
                throw new CommandLine.ParameterException(cmd, "--shard " + spec + " needs the shard index: give "
                    + "--shard i/" + n + ", or run it where JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID is set");
            }
        } catch (NumberFormatException e) {
            // falls through to the usage message
        }
        throw new CommandLine.ParameterException(cmd, "--shard must be i/N (0 <= i < N) or N, not `" + spec + "'");
    }

    private static ShardOption check(CommandLine cmd, int i, int n, String from) {
        if (n < 1 || i < 0 || i >= n) {
            throw new CommandLine.ParameterException(cmd, "--shard: index " + i + " of " + n + " shards (from " + from
                + ") is not in 0.." + (n - 1));
        }
        return new ShardOption(i, n);
    }
}
