#!/usr/bin/env bash
# Write throughput of a 3-server agentd on loopback: wrk drives spawns of distinct agents
# at the leader. Not part of CI; the side-by-side comparison with etcd comes with bench/vs-etcd.
# usage: bench/spawn-throughput.sh [CONNECTIONS=64] [SECONDS=20] [extra agentd server flags...]
# Knobs (env): WARMUP (seconds of unmeasured load first, default 40), AGENTD_BIN (default bin/agentd).
# Authentication on, as by default: the servers make their admin token from a bootstrap file (a
# random secret, mode 0600, in the temporary directory), and wrk sends it (bench/spawn.lua).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
conns="${1:-64}"; secs="${2:-20}"; shift $(( $# > 2 ? 2 : $# )) || true
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
warmup=${WARMUP:-40}
agentd=${AGENTD_BIN:-$root/bin/agentd}
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
(umask 077; head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=' > "$work/bootstrap-token"
 printf 'Authorization: Bearer %s\n' "$(cat "$work/bootstrap-token")" > "$work/auth-header")
"$agentd" --help >/dev/null   # build once before starting three servers
peers=n1=127.0.0.1:17421,n2=127.0.0.1:17431,n3=127.0.0.1:17441
for i in 1 2 3; do
  "$agentd" server --node-id n$i --data-dir "$work/n$i" --http-addr 127.0.0.1:17${i}20 --peers $peers \
    --bootstrap-token-file "$work/bootstrap-token" "$@" \
    > "$work/n$i.log" 2>&1 & pids+=($!)
done
leader=""
for _ in $(seq 1 60); do
  # Answers once there is a leader and it has made the admin token.
  leader=$(curl -s -H @"$work/auth-header" 127.0.0.1:17120/v1/cluster/status | sed -n 's/.*"leader":"\([^"]*\)".*/\1/p') || true
  [[ -n "$leader" ]] && break; sleep 1
done
[[ -n "$leader" ]] || { echo "no leader elected (or the bootstrap token does not work)" >&2; exit 1; }
url="http://127.0.0.1:17${leader#n}20"
echo "leader $leader at $url; warming up $warmup s (the JVMs need 40 s to reach full speed)"
# bench/spawn.lua sends the token in the file BENCH_TOKEN_FILE names.
BENCH_TOKEN_FILE="$work/bootstrap-token" wrk -t2 -c"$conns" -d"${warmup}s" -s "$root/bench/spawn.lua" "$url" >/dev/null
echo "measuring ${secs}s at $conns connections"
BENCH_TOKEN_FILE="$work/bootstrap-token" wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$root/bench/spawn.lua" "$url" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
