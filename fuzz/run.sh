#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 240) each, one after the other, on one core.
# The committed seed corpus (fuzz/corpus/T) is read only; what the fuzzer finds goes to
# ${OUT:-/tmp/multidrm-fuzz}/T, logs to ${OUT}/T.log, crashes to fuzz/artifacts/T/.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-240}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(token_inspect policy_parse cpix_response pssh_decode entitlement_verify ncp_response)
out="${OUT:-/tmp/multidrm-fuzz}"
mkdir -p "$out"
unset CARGO_TARGET_DIR   # cargo fuzz builds into fuzz/target
export RUSTC_BOOTSTRAP=1 # the toolchain is stable: let it accept -Zsanitizer
nice -n 10 cargo fuzz build
for t in "${targets[@]}"; do
  mkdir -p "$out/$t"
  echo "== $t ($secs s)"
  nice -n 10 cargo fuzz run "$t" "$out/$t" "corpus/$t" -- \
    -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -jobs=1 -workers=1 >"$out/$t.log" 2>&1 || echo "!! $t exited non-zero (see $out/$t.log)"
  # with -jobs libFuzzer writes the run's own log to fuzz-0.log in the working directory
  if [ -f fuzz-0.log ]; then mv fuzz-0.log "$out/$t.fuzz-0.log"; fi
  tail -n 3 "$out/$t.fuzz-0.log" 2>/dev/null || tail -n 3 "$out/$t.log"
done
