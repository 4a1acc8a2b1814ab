#!/usr/bin/env bash
# Slow trust checks (issue 10 §2/§3): real SIGKILLs at chosen moments + --continue_train (checkpoints and every
# logged scalar equal to an uninterrupted run), a real second process holding an experiment folder, and a real full /
# read-only tmpfs in training and generation (these two need root to mount; they print "skipped" otherwise).
# They are the `#| slow` cells of 04_features.extract, 22_train and 31_generate; run one notebook at a time (no parallel numba warm-up).
# Usage: tools/ci_slow_checks.sh   (from the repository root; about 3 minutes on 2 cores)
set -uo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1
fail=0
for nb in nbs/04_features.extract.ipynb nbs/22_train.ipynb nbs/31_generate.ipynb; do
  t0=$(date +%s)
  if nbdev_test --path "$nb" --flags slow; then echo "slow checks passed: $nb ($(( $(date +%s) - t0 )) s)"
  else echo "error: slow checks failed: $nb"; fail=1; fi
done
exit $fail
