-- wrk script: wrk's own request (the URL of its command line, GET unless -M says otherwise) with
-- "Authorization: Bearer <token>", the token being the first line of the file BENCH_TOKEN_FILE
-- names. Only init() is defined, so wrk still sends one pre-formatted request over and over.
-- Used by bench/tls-providers.sh.
function init(args)
  local path = os.getenv("BENCH_TOKEN_FILE")
  if path and path ~= "" then
    local f = assert(io.open(path, "r"), "cannot read BENCH_TOKEN_FILE " .. path)
    local token = f:read("*l"); f:close()
    assert(token and token ~= "", "no token in " .. path)
    wrk.headers["Authorization"] = "Bearer " .. token
  end
end
