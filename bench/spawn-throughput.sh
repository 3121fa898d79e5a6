#!/usr/bin/env bash
# Write throughput of a 3-server agentd on loopback: wrk drives spawns of distinct agents
# at the leader. Not part of CI; the side-by-side comparison with etcd comes with bench/vs-etcd.
# usage: bench/spawn-throughput.sh [CONNECTIONS=64] [SECONDS=20] [extra agentd server flags...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
conns="${1:-64}"; secs="${2:-20}"; shift $(( $# > 2 ? 2 : $# )) || true
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
"$root/bin/agentd" --help >/dev/null   # build once before starting three servers
peers=n1=127.0.0.1:17421,n2=127.0.0.1:17431,n3=127.0.0.1:17441
for i in 1 2 3; do
  "$root/bin/agentd" server --node-id n$i --data-dir "$work/n$i" --http-addr 127.0.0.1:17${i}20 --peers $peers "$@" \
    > "$work/n$i.log" 2>&1 & pids+=($!)
done
leader=""
for _ in $(seq 1 60); do
  leader=$(curl -s 127.0.0.1:17120/v1/cluster/status | sed -n 's/.*"leader":"\([^"]*\)".*/\1/p') || true
  [[ -n "$leader" ]] && break; sleep 1
done
[[ -n "$leader" ]] || { echo "no leader elected" >&2; exit 1; }
url="http://127.0.0.1:17${leader#n}20"
echo "leader $leader at $url; warming up 40 s (the JVMs need it to reach full speed)"
wrk -t2 -c"$conns" -d40s -s "$root/bench/spawn.lua" "$url" >/dev/null
echo "measuring ${secs}s at $conns connections"
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$root/bench/spawn.lua" "$url" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
