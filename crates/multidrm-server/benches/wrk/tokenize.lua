-- wrk script: POSTs pre-signed tokenize bodies (one JSON per line, each with its own Challenge,
-- written by `--example load -- --write-bodies N FILE`). wrk's Lua has no HMAC, so the bodies are
-- signed ahead; every thread takes its own share of the lines so no Challenge is sent twice.
--
-- There is no `response` callback on purpose: one makes wrk copy every answer into Lua, which
-- cost wrk (on the same two cores as the server) a fifth of the throughput. The answers are
-- counted by the server instead: `tokenize.sh` reads `multidrm_requests_total` by code.
--
--   BODIES=/tmp/bodies.jsonl WRK_THREADS=2 wrk -t2 -c32 -d10s -s benches/wrk/tokenize.lua http://127.0.0.1:PORT/tokenize

local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local path = os.getenv("BODIES") or "/tmp/bodies.jsonl"
  local threads = tonumber(os.getenv("WRK_THREADS") or "2")
  bodies = {}
  local i = 0
  for line in io.lines(path) do
    if i % threads == id then
      bodies[#bodies + 1] = line
    end
    i = i + 1
  end
  n = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[((n - 1) % #bodies) + 1])
end
