local counter = 0
local tid = 0
local threads = {}
function setup(thread) thread:set("id", #threads); table.insert(threads, thread) end
-- BENCH_TOKEN_FILE names a file with the API token (its first line), sent as Authorization: Bearer.
function init(args)
  tid = id or 0; wrk.method = "POST"; wrk.headers["Content-Type"] = "application/json"
  local path = os.getenv("BENCH_TOKEN_FILE")
  if path and path ~= "" then
    local f = assert(io.open(path, "r"), "cannot read BENCH_TOKEN_FILE " .. path)
    local token = f:read("*l"); f:close()
    assert(token and token ~= "", "no token in " .. path)
    wrk.headers["Authorization"] = "Bearer " .. token
  end
end
function request()
  counter = counter + 1
  local name = string.format("b-%d-%d", tid, counter)
  return wrk.format(nil, "/v1/namespaces/default/agents", nil,
    '{"name":"' .. name .. '","spec":{"command":"/bin/sleep","args":["60"],"env":{"A":"' .. string.rep("x", 150) .. '"}}}')
end
function response(status, headers, body) if status ~= 201 then errs = (errs or 0) + 1 end end
