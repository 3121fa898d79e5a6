#!/usr/bin/env bash
# Heartbeat capacity: how many workers one leader keeps leased. Three agentd servers on loopback;
# bench heartbeat-load registers simulated workers and renews each one's lease once a second at the
# leader, open loop (latency from the intended send time). After a warm-up the fleet grows in steps;
# it stops after the first step with p99 >= 100 ms or more than 0.1 % errors. Authentication on, as
# by default: registrations and renewals carry the bootstrap admin token (bench/lib.sh; one token
# for the whole simulated fleet).
# usage: [PROVIDERS=N] bench/heartbeat-capacity.sh [--quick] [extra agentd server flags...]
#   PROVIDERS=N: every renewal reports demand on N providers and gets its grants (docs/providers.md)
#   --quick: 20 s warm-up and 10 s steps instead of 60 s and 30 s (a smoke run, not a measurement)
set -euo pipefail
quick=0
if [[ "${1:-}" == --quick ]]; then quick=1; shift; fi
source "$(dirname "$0")/lib.sh"
steps=${STEPS:-1000,2000,5000,10000,15000,20000}
if (( quick )); then warmup=20s; duration=10s; else warmup=60s; duration=30s; fi
results_file "heartbeat-capacity$( ((quick)) && echo -quick)" "$([ $quick = 1 ] && echo --quick) providers=${PROVIDERS:-0}" "$@"
build
start_cluster "$work/c" 18100 "$@"
echo "warm-up $warmup at the first step's fleet, then steps $steps of $duration each"
bench heartbeat-load --servers "$servers" --workers "$steps" --warmup "$warmup" --duration "$duration" \
  --settle 2s --providers "${PROVIDERS:-0}" --connections "${CONNECTIONS:-256}" --io-threads "${IO_THREADS:-2}" --sender "${SENDER:-nio}" --stop-p99-ms 100 --stop-error-pct 0.1 \
  --server-pids "n1=${spid[n1]},n2=${spid[n2]},n3=${spid[n3]}" | tee "$work/load.out"

echo
echo "| workers | renewals/s | p50 ms | p99 ms | p99.9 ms | max ms | errors % | leader CPU % | generator CPU % |"
echo "|---|---|---|---|---|---|---|---|---|"
best=0; all_ok=1; n_steps=0
while read -r line; do
  n=$(field workers "$line"); p99=$(field p99_ms "$line"); err=$(field error_pct "$line")
  ld=$(field leader "$line")
  echo "| $n | $(field rate "$line") | $(field p50_ms "$line") | $p99 | $(field p999_ms "$line") | $(field max_ms "$line") | $err | $(field "cpu_${ld}_pct" "$line") | $(field gen_cpu_pct "$line") |"
  n_steps=$((n_steps + 1))
  if awk -v p="$p99" -v e="$err" 'BEGIN { exit !(p < 100 && e <= 0.1) }'; then
    (( all_ok )) && best=$n
  else
    all_ok=0
  fi
done < <(grep '^RESULT ' "$work/load.out")
(( n_steps > 0 )) || { echo "no step finished" >&2; exit 1; }
last_step=${steps##*,}
echo "SUMMARY max_workers_p99_under_100ms=$best limit_reached=$( ((all_ok)) && [[ "$best" == "$last_step" ]] && echo no || echo yes)"
