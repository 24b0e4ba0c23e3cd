#!/bin/sh
# Signed DIVA tokenize with token minting: `multidrm serve` (metrics and info logging on, logs to
# /dev/null) under wrk with pre-signed unique bodies, then the answers counted by the server's
# own metrics (every one must be "ok", code 0) and its CPU time per request.
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
cat > "$WORK/bench.toml" <<TOML
bind = "127.0.0.1:0"
secret = "$SECRET"
content_url_template = "https://cdn.example.com/{video_id}/manifest.mpd"
license_url = "https://drm-license.doverunner.com/ri/licenseManager.do"
replay_capacity = 2000000
[doverunner]
site_id = "TUTO"
site_key = "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC"
access_key = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20"
[[rules]]
users = ["*"]
videos = ["*"]
TOML
for run in $(seq "$RUNS"); do
  # A fresh server per run: every body is a new Challenge again.
  "$BIN" serve --config "$WORK/bench.toml" > "$WORK/serve.out" 2>/dev/null &
  PID=$!
  sleep 1
  ADDR=$(python3 -c "import json;print(json.load(open('$WORK/serve.out'))['listening'])")
  CPU0=$(awk '{print $14 + $15}' /proc/$PID/stat)
  BODIES="$WORK/bodies.jsonl" WRK_THREADS=${WRK_THREADS:-2} wrk -t"${WRK_THREADS:-2}" -c32 -d"$DUR" --latency \
    -s "$HERE/tokenize.lua" "http://$ADDR/tokenize" > "$WORK/wrk.txt"
  CPU1=$(awk '{print $14 + $15}' /proc/$PID/stat)
  curl -s "http://$ADDR/metrics" | grep '^multidrm_requests_total{route="tokenize"' > "$WORK/codes.txt" || true
  kill $PID; wait $PID 2>/dev/null || true
  python3 - "$WORK" "$CPU0" "$CPU1" <<'PY'
import re, sys
work, cpu0, cpu1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
wrk = open(f"{work}/wrk.txt").read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1)
p50 = re.search(r"\s50%\s+(\S+)", wrk).group(1)
p99 = re.search(r"\s99%\s+(\S+)", wrk).group(1)
codes = dict(re.findall(r'code="(-?\d+)"\}\s+(\d+)', open(f"{work}/codes.txt").read()))
ok = int(codes.pop("0", 0))
other = sum(int(v) for v in codes.values())
ticks = (cpu1 - cpu0) * 10000  # clock ticks of 10 ms, in µs
print(f"req/s {float(rps):,.0f}  p50 {p50}  p99 {p99}  ok {ok:,}  other {other:,}  "
      f"server CPU {ticks / max(ok, 1):.1f} µs/request")
PY
done
