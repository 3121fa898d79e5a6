#!/usr/bin/env bash
# Spawn to running: from just before a spawn is sent to the moment the agent's own process starts
# (it writes `date +%s%N` to a file). Three agentd servers and one agentd worker on loopback; the
# agents are spawned one at a time, after warm-up spawns, and deleted afterwards.
# usage: bench/spawn-to-running.sh [--quick] [extra agentd server flags...]
#   --quick: 20 warm-up spawns and 50 measured instead of 100 and 200 (a smoke run)
set -euo pipefail
quick=0
if [[ "${1:-}" == --quick ]]; then quick=1; shift; fi
source "$(dirname "$0")/lib.sh"
if (( quick )); then warm=20; count=50; else warm=100; count=200; fi
results_file "spawn-to-running$( ((quick)) && echo -quick)" "$([ $quick = 1 ] && echo --quick)" "$@"
build
start_cluster "$work/c" 18200 "$@"
start_worker "$work/c" w1 18250 --slots 256
wait_worker w1 ready 90
echo "worker w1 ready (pid ${wpid[w1]}); $warm warm-up spawns"
bench spawn-to-running --servers "$servers" --dir "$work/c/started-warm" --count "$warm" --prefix warm \
  | grep -E '^RESULT|spawn sent|did not|failed' || true
echo "measuring $count spawns, one at a time"
bench spawn-to-running --servers "$servers" --dir "$work/c/started" --count "$count" --prefix s2r \
  | tee "$work/s2r.out"
line=$(grep '^RESULT ' "$work/s2r.out" | tail -n1)
[[ -n "$line" ]] || { echo "no result" >&2; exit 1; }
echo
echo "| spawns | p50 ms | p90 ms | p99 ms | max ms | spawn answered p50 / p99 ms | timeouts |"
echo "|---|---|---|---|---|---|---|"
echo "| $(field n "$line") | $(field p50_ms "$line") | $(field p90_ms "$line") | $(field p99_ms "$line") | $(field max_ms "$line") | $(field ack_p50_ms "$line") / $(field ack_p99_ms "$line") | $(field timeouts "$line") |"
echo "SUMMARY spawn_to_running_p50_ms=$(field p50_ms "$line") p99_ms=$(field p99_ms "$line") max_ms=$(field max_ms "$line") n=$(field n "$line")"
