#!/bin/sh
# Signed DIVA tokenize with token minting: `multidrm serve` (metrics and info logging on, logs to
# /dev/null) under wrk with pre-signed unique bodies, then the answers counted by the server's
# own metrics (every one must be "ok", code 0) and its CPU time per request.
# req/s is reported twice: wrk's, and the server's own count over a window inside wrk's run
# (from 1 s after every wrk thread has started to 1 s before the end), with the CPU time the
# server and wrk spent per request in that window.
#   BIN=target/release/multidrm LOAD=target/release/examples/load DUR=10s RUNS=3 sh tokenize.sh
set -e
BIN=${BIN:-target/release/multidrm}
LOAD=${LOAD:-target/release/examples/load}
DUR=${DUR:-10s}
RUNS=${RUNS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-/tmp/tokenizebench}
mkdir -p "$WORK"
SECRET=load-test-shared-secret
[ -s "$WORK/bodies.jsonl" ] || "$LOAD" --write-bodies 1000000 "$WORK/bodies.jsonl" --secret "$SECRET" >/dev/null
# The configuration of the load example's in-process service: every user entitled to every video.
"$LOAD" --write-config "$WORK/bench.toml" --secret "$SECRET" >/dev/null
THREADS=${WRK_THREADS:-2}
SECS=${DUR%s}
# One line: wall time, server CPU ticks, wrk CPU ticks, "ok" answers so far.
sample() {
  OK=$(curl -s "http://$ADDR/metrics" | awk '/^multidrm_requests_total\{route="tokenize",code="0"\}/ {print $2}')
  echo "$(date +%s.%N) $(awk '{print $14 + $15}' /proc/$PID/stat) $(awk '{print $14 + $15}' /proc/$WRK/stat) ${OK:-0}"
}
for run in $(seq "$RUNS"); do
  # A fresh server per run: every body is a new Challenge again.
  "$BIN" serve --config "$WORK/bench.toml" > "$WORK/serve.out" 2>/dev/null &
  PID=$!
  sleep 1
  ADDR=$(python3 -c "import json;print(json.load(open('$WORK/serve.out'))['listening'])")
  rm -f "$WORK"/wrk-ready-*
  READY_DIR="$WORK" BODIES="$WORK/bodies.jsonl" WRK_THREADS=$THREADS wrk -t"$THREADS" -c32 -d"$SECS"s \
    --latency -s "$HERE/tokenize.lua" "http://$ADDR/tokenize" > "$WORK/wrk.txt" &
  WRK=$!
  # wrk's clock starts once every thread has loaded its bodies; measure a window inside its run.
  while [ "$(ls "$WORK" | grep -c '^wrk-ready-')" -lt "$THREADS" ]; do sleep 0.1; done
  sleep 1
  sample > "$WORK/window.txt"
  sleep $((SECS - 2))
  sample >> "$WORK/window.txt"
  wait $WRK
  curl -s "http://$ADDR/metrics" | grep '^multidrm_requests_total{route="tokenize"' > "$WORK/codes.txt" || true
  kill $PID; wait $PID 2>/dev/null || true
  python3 - "$WORK" <<'PY'
import re, sys
work = sys.argv[1]
wrk = open(f"{work}/wrk.txt").read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
p50 = re.search(r"\s50%\s+(\S+)", wrk).group(1)
p99 = re.search(r"\s99%\s+(\S+)", wrk).group(1)
codes = dict(re.findall(r'code="(-?\d+)"\}\s+(\d+)', open(f"{work}/codes.txt").read()))
ok = int(codes.pop("0", 0))
other = sum(int(v) for v in codes.values())
# The window: the server's own count of "ok" answers and both processes' CPU (10 ms ticks).
(t0, s0, w0, n0), (t1, s1, w1, n1) = (
    [float(x) for x in line.split()] for line in open(f"{work}/window.txt"))
served = max(n1 - n0, 1)
print(f"req/s {rps:,.0f} (window {served / (t1 - t0):,.0f})  p50 {p50}  p99 {p99}  "
      f"ok {ok:,}  other {other:,}  CPU per request: server {(s1 - s0) * 1e4 / served:.1f} µs, "
      f"wrk {(w1 - w0) * 1e4 / served:.1f} µs")
PY
done
