#!/usr/bin/env bash
# Submits a sharded capsim run or sweep to Slurm: an array job of SHARDS tasks, and a merge
# job that starts when every task has succeeded. Prints the two job ids.
#
#   deploy/slurm/submit.sh 8 results/volume-sweep sweep scenario.yaml --param workload.arrivals.perDay=1000..100000:20:log
#
# The merged study is in OUT_ROOT/merged; each task's log in OUT_ROOT.
set -euo pipefail
shards="${1:?usage: submit.sh SHARDS OUT_ROOT run|sweep SCENARIO [options]}"
out_root="${2:?usage: submit.sh SHARDS OUT_ROOT run|sweep SCENARIO [options]}"
shift 2
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out_root"
out_root="$(cd "$out_root" && pwd)"
array=$(sbatch --parsable --array="0-$((shards - 1))" --output="${out_root}/shard-%a.out" "${here}/capsim-shard.sbatch" "$out_root" "$@")
array="${array%%;*}"
merge=$(sbatch --parsable --dependency="afterok:${array}" --output="${out_root}/merge.out" "${here}/capsim-merge.sbatch" "$out_root")
echo "${array} ${merge%%;*}"
