#!/bin/bash
# A campaign of 64 seeds of ukl-rfc over a Slurm job array of 16 tasks. `--shard 16` takes the
# shard index from SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN, so --array=1-16 works too).
# Afterwards:  ./smpsim merge --json merged.json --html merged.html reports/shard-*.json
#SBATCH --job-name=smpsim-ukl-rfc
#SBATCH --array=0-15
#SBATCH --cpus-per-task=4
#SBATCH --mem=6G
#SBATCH --time=06:00:00
#SBATCH --signal=TERM@120          # SIGTERM two minutes before the limit: the report is written
#SBATCH --output=reports/slurm-%A_%a.out
set -euo pipefail
cd "${SLURM_SUBMIT_DIR}"
mkdir -p reports
exec ./smpsim stress --variant ukl-rfc --cores 4 --tasks 32 --seconds 300 \
    --seed 1000 --seeds 64 --shard 16 \
    --json "reports/shard-${SLURM_ARRAY_TASK_ID}.json" --html "reports/shard-${SLURM_ARRAY_TASK_ID}.html"
