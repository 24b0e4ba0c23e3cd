-- wrk script: POSTs pre-signed tokenize bodies (one JSON per line, each with its own Challenge,
-- written by `--example load -- --write-bodies N FILE`). wrk's Lua has no HMAC, so the bodies are
-- signed ahead; every thread takes its own share of the lines so no Challenge is sent twice
-- (a replay would be answered with a signed "ko" 1004, which `done` counts separately).
--
--   BODIES=/tmp/bodies.jsonl wrk -t2 -c32 -d10s -s benches/wrk/tokenize.lua http://127.0.0.1:PORT/tokenize

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("BODIES") or "/tmp/bodies.jsonl"
  bodies = {}
  local i = 0
  for line in io.lines(path) do
    if i % counter_total() == id then
      bodies[#bodies + 1] = line
    end
    i = i + 1
  end
  n = 0
  ok = 0
  ko = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function counter_total()
  return tonumber(os.getenv("WRK_THREADS") or "2")
end

function request()
  n = n + 1
  local body = bodies[((n - 1) % #bodies) + 1]
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if string.find(body, '"Response":"ok"', 1, true) then
    ok = ok + 1
  else
    ko = ko + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_ko = 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + (t:get("ok") or 0)
    total_ko = total_ko + (t:get("ko") or 0)
  end
  io.write(string.format("ok answers: %d, ko answers: %d\n", total_ok, total_ko))
end
