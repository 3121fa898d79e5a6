#!/usr/bin/env bash
# Spawn to running: from just before a spawn is sent to the moment the agent's own process starts
# (it writes `date +%s%N` to a file). Three agentd servers and one agentd worker on loopback; the
# agents are spawned one at a time, after warm-up spawns, and deleted afterwards.
# usage: bench/spawn-to-running.sh [--quick] [extra agentd server flags...]
#   warm-up: rounds of 50 spawns (each round's agents deleted after it) for WARMUP_SECONDS (default
#   60: the JVMs JIT-compile for minutes under this load, see docs/benchmarks.md), then 200 measured.
#   --quick: one warm-up round of 20 spawns and 50 measured (a smoke run, not a measurement)
set -euo pipefail
quick=0
if [[ "${1:-}" == --quick ]]; then quick=1; shift; fi
source "$(dirname "$0")/lib.sh"
if (( quick )); then warm=20; warm_secs=0; count=50; else warm=50; warm_secs=${WARMUP_SECONDS:-60}; count=200; fi
results_file "spawn-to-running$( ((quick)) && echo -quick)" "$([ $quick = 1 ] && echo --quick)" "$@"
build
start_cluster "$work/c" 18200 "$@"
start_worker "$work/c" w1 18250 --slots 256
wait_worker w1 ready 90
echo "worker w1 ready (pid ${wpid[w1]}); warm-up: rounds of $warm spawns for ${warm_secs} s"
warm_end=$((SECONDS + warm_secs)); round=0
while :; do
  round=$((round + 1))
  echo "warm-up round $round"
  bench spawn-to-running --servers "$servers" --dir "$work/c/started-warm-$round" --count "$warm" --prefix "warm$round" \
    | grep -E 'spawn sent|did not|failed' || true
  (( SECONDS < warm_end && round < 100 )) || break
done
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
