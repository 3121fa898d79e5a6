-- wrk script for bench/vs-etcd: the same load shape against etcd's JSON gateway and agentd's /v1.
-- Chosen by environment variables (set by bench/vs-etcd):
--   VS_OP     etcd-put | etcd-range | agentd-spawn | agentd-get
--   VS_TAG    lower-case letters/digits, unique per run: writes use distinct keys / agent names
--             etcd key "vs/TAG/THREAD/N" (200-byte value), agent "vs-TAG-THREAD-N" (~200-byte spec)
--   VS_READ_TAG, VS_READ_THREADS, VS_READ_N   reads cycle over what an earlier write run with tag
--             VS_READ_TAG wrote: threads 0..VS_READ_THREADS-1, N = 11..VS_READ_N+10 (wrk calls
--             request() once before it sends anything, so N = 1 is never written)
--   BENCH_TOKEN_FILE  a file holding agentd's API token: agentd's requests carry
--             "Authorization: Bearer <token>" (etcd's carry none: its auth is off)
-- Every run ends with one line: RESULT requests=.. rps=.. p50_ms=.. p90_ms=.. p99_ms=.. p999_ms=..
-- max_ms=.. err_connect=.. err_read=.. err_write=.. err_status=.. err_timeout=..
-- (wrk's own latency histogram; err_status counts answers >= 400).

local op = os.getenv("VS_OP") or "etcd-put"
local tag = os.getenv("VS_TAG") or "x"
local read_tag = os.getenv("VS_READ_TAG") or "pre"
local read_threads = tonumber(os.getenv("VS_READ_THREADS") or "2")
local read_n = tonumber(os.getenv("VS_READ_N") or "500")

-- The token in the file BENCH_TOKEN_FILE names (its first line), or nil without the variable.
local function bench_token()
  local path = os.getenv("BENCH_TOKEN_FILE")
  if path == nil or path == "" then return nil end
  local f = assert(io.open(path, "r"), "cannot read BENCH_TOKEN_FILE " .. path)
  local t = f:read("*l")
  f:close()
  assert(t ~= nil and t ~= "", "no token in " .. path)
  return t
end

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local quad = {}
    for k = 3, 0, -1 do
      local idx = math.floor(n / 64 ^ k) % 64
      quad[#quad + 1] = alphabet:sub(idx + 1, idx + 1)
    end
    if not b then quad[3] = "=" end
    if not c then quad[4] = "=" end
    out[#out + 1] = table.concat(quad)
  end
  return table.concat(out)
end

-- main state: number the threads 0, 1, ...
local nthreads = 0
function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
end

local value64 = base64(string.rep("v", 200))
local spec = '{"command":"/bin/true","env":{"A":"' .. string.rep("x", 150) .. '"}}'
local counter = 0
local reads = {}
local next_read = 0

function init(args)
  tid = tid or 0
  wrk.headers["Content-Type"] = "application/json"
  if op == "agentd-spawn" or op == "agentd-get" then
    local token = bench_token()
    if token then wrk.headers["Authorization"] = "Bearer " .. token end
  end
  if op == "etcd-range" or op == "agentd-get" then
    for t = 0, read_threads - 1 do
      for n = 11, read_n + 10 do
        if op == "etcd-range" then
          reads[#reads + 1] = wrk.format("POST", "/v3/kv/range", nil,
            '{"key":"' .. base64(string.format("vs/%s/%d/%d", read_tag, t, n)) .. '"}')
        else
          reads[#reads + 1] = wrk.format("GET",
            string.format("/v1/namespaces/default/agents/vs-%s-%d-%d", read_tag, t, n))
        end
      end
    end
    next_read = (tid * 7919) % #reads   -- threads start at different keys
  end
end

function request()
  if op == "etcd-range" or op == "agentd-get" then
    next_read = next_read % #reads + 1
    return reads[next_read]
  end
  counter = counter + 1
  if op == "etcd-put" then
    local key = string.format("vs/%s/%d/%d", tag, tid, counter)
    return wrk.format("POST", "/v3/kv/put", nil, '{"key":"' .. base64(key) .. '","value":"' .. value64 .. '"}')
  end
  local name = string.format("vs-%s-%d-%d", tag, tid, counter)
  return wrk.format("POST", "/v1/namespaces/default/agents", nil, '{"name":"' .. name .. '","spec":' .. spec .. '}')
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d secs=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f "
    .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
