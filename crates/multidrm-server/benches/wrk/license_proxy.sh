#!/bin/sh
# Token-proxy benchmark: multidrm sandbox (license emulator) + multidrm serve ([license_proxy]).
set -e
BIN=$(realpath "${BIN:-target/release/multidrm}")
DUR=${DUR:-10s}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p /tmp/proxybench && cp "$HERE/license_proxy.lua" "$HERE/license_direct.lua" /tmp/proxybench/
cd /tmp/proxybench
# A viewer JWT valid one day (HS256, the secret of bench.toml) and a 2,045-byte Widevine-shaped challenge.
python3 - <<'PY'
import base64, hashlib, hmac, json, time
b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=").decode()
h = b(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
c = b(json.dumps({"sub": "alice", "exp": int(time.time()) + 86400}).encode())
s = b(hmac.new(b"bench-viewer-jwt-secret-of-32-bytes!", f"{h}.{c}".encode(), hashlib.sha256).digest())
open("jwt", "w").write(f"{h}.{c}.{s}")
open("challenge.bin", "wb").write(bytes([8, 1, 0x12, 0xF8, 0x0F]) + bytes((i * 7) % 256 for i in range(2040)))
PY
$BIN sandbox > sandbox.out 2>/dev/null & echo $! > sandbox.pid
sleep 1
LINE=$(head -1 sandbox.out)
get() { echo "$LINE" | python3 -c "import json,sys;print(json.load(sys.stdin)['$1'])"; }
cat > bench.toml <<TOML
bind = "127.0.0.1:0"
secret = "bench-shared-secret"
content_url_template = "https://cdn.example.com/{video_id}/manifest.mpd"
license_url = "$(get license_url)"
max_connections = 4096
[doverunner]
site_id = "$(get license_site_id)"
site_key = "$(get license_site_key)"
access_key = "$(get license_access_key)"
[[rules]]
users = ["alice"]
videos = ["*"]
[token_endpoint]
jwt_hs256_secret = "bench-viewer-jwt-secret-of-32-bytes!"
[license_proxy]
license_url = "$(get license_url)"
clearkey_url = "$(get clearkey_url)"
TOML
$BIN serve --config bench.toml > serve.out 2>/dev/null & echo $! > serve.pid
sleep 1
PROXY=$(python3 -c "import json;print(json.load(open('serve.out'))['listening'])")
$BIN token issue --drm-type Widevine --user-id alice --cid movie-1 --site-id "$(get license_site_id)" \
  --site-key "$(get license_site_key)" --access-key "$(get license_access_key)" > token.json
python3 -c "import json;d=json.load(open('token.json'));print(d['token'] if isinstance(d,dict) else d)" > token 2>/dev/null || cp token.json token
LIC=$(get license_url)
echo "proxy http://$PROXY  license $LIC"
curl -s -o /dev/null -w "proxy check %{http_code} %{size_download}\n" -H "Authorization: Bearer $(cat jwt)" --data-binary @challenge.bin "http://$PROXY/drm/widevine?content_id=movie-1"
curl -s -o /dev/null -w "direct check %{http_code} %{size_download}\n" -H "pallycon-customdata-v2: $(cat token)" --data-binary @challenge.bin "$LIC"
echo "== emulator alone"; wrk -t2 -c32 -d$DUR --latency -s license_direct.lua "$LIC"
echo "== through the proxy"; wrk -t2 -c32 -d$DUR --latency -s license_proxy.lua "http://$PROXY/drm/widevine?content_id=movie-1"
echo "== latency, 1 connection: emulator alone"; wrk -t1 -c1 -d5s --latency -s license_direct.lua "$LIC"
echo "== latency, 1 connection: through the proxy"; wrk -t1 -c1 -d5s --latency -s license_proxy.lua "http://$PROXY/drm/widevine?content_id=movie-1"
kill $(cat serve.pid) $(cat sandbox.pid)
