-- POST a 2 KB Widevine-sized challenge to the token proxy with a long-lived viewer JWT.
local f = io.open("/tmp/proxybench/challenge.bin", "rb"); local body = f:read("*a"); f:close()
local j = io.open("/tmp/proxybench/jwt", "r"); local jwt = j:read("*a"); j:close()
wrk.method = "POST"
wrk.body = body
wrk.headers["Authorization"] = "Bearer " .. jwt
wrk.headers["Content-Type"] = "application/octet-stream"
-- No `response` callback: wrk counts non-2xx answers itself ("Non-2xx or 3xx responses").
