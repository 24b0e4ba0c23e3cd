-- wrk script: POSTs pre-signed tokenize bodies (one JSON per line, each with its own Challenge,
-- written by `--example load -- --write-bodies N FILE`). wrk's Lua has no HMAC, so the bodies are
-- signed ahead; every thread takes its own share of the lines so no Challenge is sent twice.
--
-- Two things keep wrk's own cost and bias out of the figure:
-- * Each request is formatted once, in `init`, not per request: wrk shares the two cores with
--   the server, and `wrk.format` on every request was CPU taken from it.
-- * A start barrier. wrk runs `init` for thread 2 only after thread 1 has started sending, but
--   starts its clock after the last `init`: thread 1's requests during the others' loading (2-4 s
--   here) were counted against a shorter time, inflating req/s (a 1 s run reported 71,600/s).
--   Now each `init` leaves a marker in READY_DIR, and the first `request` of every thread waits
--   until all markers are there.
--
-- There is no `response` callback on purpose: one makes wrk copy every answer into Lua. The
-- answers are counted by the server instead: `tokenize.sh` reads `multidrm_requests_total`.
--
--   BODIES=/tmp/bodies.jsonl WRK_THREADS=2 READY_DIR=/tmp/ready \
--     wrk -t2 -c32 -d10s -s benches/wrk/tokenize.lua http://127.0.0.1:PORT/tokenize

local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local function marker(i)
  return (os.getenv("READY_DIR") or "/tmp") .. "/wrk-ready-" .. i
end

function init(args)
  local path = os.getenv("BODIES") or "/tmp/bodies.jsonl"
  threads = tonumber(os.getenv("WRK_THREADS") or "2")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  requests = {}
  local i = 0
  for line in io.lines(path) do
    if i % threads == id then
      requests[#requests + 1] = wrk.format(nil, nil, nil, line)
    end
    i = i + 1
  end
  n = 0
  waiting = true
  io.open(marker(id), "w"):close()
end

-- wrk's Lua is LuaJIT: sleep through its FFI. (os.execute("sleep") forks the whole wrk process,
-- and each fork made the loading thread fault on every page it wrote.)
local ffi = require("ffi")
ffi.cdef("int usleep(unsigned int usec);")

local function all_ready()
  for i = 0, threads - 1 do
    local f = io.open(marker(i), "r")
    if not f then
      return false
    end
    f:close()
  end
  return true
end

function request()
  -- wrk's main thread calls the first thread's `request` once, to check the script, before the
  -- other threads exist: that call must not wait.
  while waiting and (id ~= 0 or n > 0) do
    if all_ready() then
      waiting = false
    else
      ffi.C.usleep(10000)
    end
  end
  n = n + 1
  return requests[((n - 1) % #requests) + 1]
end
