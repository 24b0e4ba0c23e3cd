-- POST the same challenge straight to the license emulator with one fresh license token.
local f = io.open("/tmp/proxybench/challenge.bin", "rb"); local body = f:read("*a"); f:close()
local t = io.open("/tmp/proxybench/token", "r"); local token = t:read("*a"); t:close()
wrk.method = "POST"
wrk.body = body
wrk.headers["pallycon-customdata-v2"] = token:gsub("%s+$", "")
wrk.headers["Content-Type"] = "application/octet-stream"
-- No `response` callback: wrk counts non-2xx answers itself ("Non-2xx or 3xx responses").
