# Sourced by the bench/*.sh drivers: builds what they need, starts agentd servers and workers
# on loopback, and cleans up. Every process started here is recorded; on exit (normal, error or
# ^C) cleanup stops the workers, kills every recorded process, then kills what is still running
# with its working directory under $work (the agents the workers started: they inherit it), and
# removes $work (after a failure the logs are kept under bench/results/failed-*/ first).
# Every wait is bounded.
#
# Secure by default (issue 17): the servers run with a bootstrap admin token, a random
# 43-character secret in $token_file (mode 0600, in $work, the same file for every server), and
# every client sends it: curl through acurl (the header comes from a file, so the secret is in no
# command line), the bench tools with --token-file (bench() adds it), the wrk scripts (bench/*.lua)
# read the file BENCH_TOKEN_FILE names (set for the wrk command only: not exported, so workers and
# their agents do not inherit it). Workers get a worker token of their own (start_worker).
#
# Knobs (env): AGENTD_BIN, AGENTCTL_BIN: the launchers (default bin/agentd and bin/agentctl, which
# build on first use); BENCH_BUILD=0: use bench/target/agentd-bench.jar as it is (no Maven).

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/agentd-bench.XXXXXX")"
pids=()                 # every process started here
declare -A spid=()      # server node id -> pid
declare -A wpid=()      # worker id -> pid
servers=""              # comma-separated URLs of the running cluster
agentd_bin=${AGENTD_BIN:-$root/bin/agentd}
agentctl_bin=${AGENTCTL_BIN:-$root/bin/agentctl}

bench_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_all
  if (( rc != 0 )); then keep_logs "exit $rc"; fi
  rm -rf "$work"
  exit "$rc"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# The bootstrap admin token: 32 random bytes in base64url without padding (43 characters), and
# the header file acurl sends. $work is mode 0700 (mktemp), the files 0600.
token_file="$work/bootstrap-token"
auth_header="$work/auth-header"
(
  umask 077
  head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=' > "$token_file"
  printf 'Authorization: Bearer %s\n' "$(cat "$token_file")" > "$auth_header"
)
(( $(wc -c < "$token_file") == 43 )) || { echo "could not make a bootstrap token in $token_file" >&2; exit 1; }

# acurl ARGS...: curl with the admin token.
acurl() { curl -H @"$auth_header" "$@"; }

# keep_logs WHY: copies the logs under $work to bench/results/failed-<results name>/ (git ignores it).
keep_logs() {
  [[ -n "${out:-}" ]] || return 0
  local logs="${out%.txt}"; logs="$(dirname "$logs")/failed-$(basename "$logs")"
  mkdir -p "$logs" && (cd "$work" && find . -name '*.log' -exec cp --parents {} "$logs" \;) || true
  echo "$1; logs kept in $logs" >&2
}

# stop_all: workers get SIGTERM (they stop their agents) and 15 s; then SIGKILL for everything.
stop_all() {
  local p w deadline
  for w in "${!wpid[@]}"; do kill -TERM "${wpid[$w]}" 2>/dev/null || true; done
  deadline=$((SECONDS + 15))
  for w in "${!wpid[@]}"; do
    while kill -0 "${wpid[$w]}" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  kill_under "$work"
  pids=(); spid=(); wpid=()
}

# kill_under DIR: SIGKILL every process whose working directory is DIR or below it.
kill_under() {
  local d cwd
  for d in /proc/[0-9]*; do
    cwd=$(readlink "$d/cwd" 2>/dev/null) || continue
    if [[ "$cwd" == "$1" || "$cwd" == "$1"/* ]]; then kill -9 "${d#/proc/}" 2>/dev/null || true; fi
  done
}

# results_file NAME ARGS...: bench/results/NAME-<date>.txt; all further output also goes there.
results_file() {
  mkdir -p "$root/bench/results"
  out="$root/bench/results/$1-$(date +%Y-%m-%d-%H%M%S).txt"; shift
  exec > >(tee -a "$out") 2>&1
  echo "# $(basename "$0") $* on $(hostname), $(nproc) cores, $(date -Is); commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# build: the daemon through bin/agentd (once), the bench jar when its sources changed (unless
# BENCH_BUILD=0).
build() {
  command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq; }
  "$agentd_bin" --help >/dev/null
  local jar="$root/bench/target/agentd-bench.jar"
  if [[ "${BENCH_BUILD:-1}" == 0 ]]; then
    [[ -f "$jar" ]] || { echo "BENCH_BUILD=0 but there is no $jar" >&2; exit 1; }
  elif [[ ! -f "$jar" || -n "$(find "$root/bench/src/main" "$root/bench/pom.xml" "$root/client/src/main" \
        -newer "$jar" -print -quit 2>/dev/null)" ]]; then
    echo "building bench/target/agentd-bench.jar" >&2
    (cd "$root" && mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl bench -am package >&2)
  fi
}

# bench TOOL ARGS...: runs a tool of the bench jar, with the admin token.
bench() {
  java ${BENCH_JAVA_OPTS:--XX:+UseG1GC -Xms256m -Xmx1g} -jar "$root/bench/target/agentd-bench.jar" "$1" \
    --token-file "$token_file" "${@:2}"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_server DIR BASE I [server flags...]: server nI of the cluster start_cluster makes (also to
# restart one after it was stopped), with the bootstrap token; its log is appended to DIR/nI.log.
start_server() {
  local dir=$1 base=$2 i=$3; shift 3
  local peers="n1=127.0.0.1:$((base + 11)),n2=127.0.0.1:$((base + 21)),n3=127.0.0.1:$((base + 31))"
  local peer_http="n1=127.0.0.1:$((base + 10)),n2=127.0.0.1:$((base + 20)),n3=127.0.0.1:$((base + 30))"
  (cd "$dir" && exec "${AGENTD_LAUNCHER:-$agentd_bin}" server --node-id "n$i" --data-dir "$dir/n$i" \
      --http-addr "127.0.0.1:$((base + 10 * i))" --raft-addr "127.0.0.1:$((base + 10 * i + 1))" --peers "$peers" --peer-http "$peer_http" \
      --bootstrap-token-file "$token_file" "$@") \
    >> "$dir/n$i.log" 2>&1 &
  pids+=($!); spid[n$i]=$!
}

# start_cluster DIR BASE [server flags...]: servers n1..n3, node i with HTTP on 127.0.0.1:BASE+10i
# and Raft on BASE+10i+1, data under DIR. Returns once a leader is known, all three are ready and
# the bootstrap token works (the first leader makes it just after its election).
start_cluster() {
  local dir=$1 base=$2; shift 2
  local i port
  servers="http://127.0.0.1:$((base + 10)),http://127.0.0.1:$((base + 20)),http://127.0.0.1:$((base + 30))"
  for port in $((base + 10)) $((base + 11)) $((base + 20)) $((base + 21)) $((base + 30)) $((base + 31)); do
    port_free "$port" || { echo "port $port is in use; is another benchmark running?" >&2; exit 1; }
  done
  mkdir -p "$dir"
  for i in 1 2 3; do start_server "$dir" "$base" "$i" "$@"; done
  local deadline=$((SECONDS + 90)) ready
  while :; do
    ready=0
    for i in 1 2 3; do
      curl -sf -m 2 -o /dev/null "127.0.0.1:$((base + 10 * i))/health/ready" && ready=$((ready + 1))
    done
    (( ready == 3 )) && break
    if (( SECONDS > deadline )); then
      echo "the cluster did not become ready in 90 s; server logs:" >&2; tail -n 20 "$dir"/n*.log >&2; exit 1
    fi
    sleep 0.5
  done
  deadline=$((SECONDS + 60)); leader=""
  until leader=$(acurl -sf -m 2 "127.0.0.1:$((base + 10))/v1/cluster/status" | jq -re '.leader // empty'); do
    if (( SECONDS > deadline )); then
      echo "the bootstrap token did not work within 60 s; server logs:" >&2; tail -n 20 "$dir"/n*.log >&2; exit 1
    fi
    sleep 0.5
  done
  echo "cluster up: $servers; leader $leader; server pids n1=${spid[n1]} n2=${spid[n2]} n3=${spid[n3]}"
}

# worker_token DIR ID: DIR/ID.token (mode 0600) holds a worker token bound to ID, made with the
# admin token (POST /v1/tokens) unless the file is there already (a restarted worker keeps its own).
worker_token() {
  local f="$1/$2.token" ans
  [[ -s "$f" ]] && return 0
  ans=$(acurl -sf -m 10 -X POST -H 'Content-Type: application/json' "${servers%%,*}/v1/tokens" \
    -d "{\"role\":\"worker\",\"workerId\":\"$2\",\"description\":\"bench worker $2\"}") \
    || { echo "could not make a worker token for $2" >&2; exit 1; }
  (umask 077; jq -er .secret <<<"$ans" > "$f") || { echo "no secret in the token answer for $2" >&2; exit 1; }
}

# start_worker DIR ID LOCAL_API_PORT [worker flags...]: an agentd worker with its working directory
# (and so its agents') under DIR/ID, and its own worker token (worker_token).
start_worker() {
  local dir=$1 id=$2 port=$3; shift 3
  port_free "$port" || { echo "port $port is in use" >&2; exit 1; }
  mkdir -p "$dir/$id"
  worker_token "$dir" "$id"
  (cd "$dir/$id" && exec "$agentd_bin" worker --servers "$servers" --worker-id "$id" --data-dir "$dir/$id/data" \
      --local-api "127.0.0.1:$port" --token-file "$dir/$id.token" "$@") >> "$dir/$id.log" 2>&1 &
  pids+=($!); wpid[$id]=$!
  # Not a job any more, so bash does not report "Killed" when a benchmark kills it on purpose
  # (bash still reaps it).
  disown "$!"
}

# wait_worker ID STATE [SECONDS=60]: until GET /v1/workers/ID says STATE.
wait_worker() {
  local id=$1 state=$2 deadline=$((SECONDS + ${3:-60})) s
  while :; do
    s=$(acurl -s -m 2 "${servers%%,*}/v1/workers/$id" | jq -r '.state // empty' 2>/dev/null || true)
    [[ "$s" == "$state" ]] && return 0
    if (( SECONDS > deadline )); then echo "worker $id is not $state after ${3:-60} s (is: ${s:-unknown})" >&2; return 1; fi
    sleep 0.2
  done
}

# field KEY LINE: the value of KEY=VALUE in a RESULT line.
field() { awk -v k="$1=" '{ for (i = 1; i <= NF; i++) if (index($i, k) == 1) { print substr($i, length(k) + 1); exit } }' <<<"$2"; }
