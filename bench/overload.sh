#!/usr/bin/env bash
# Overload: three agentd servers on loopback, writes past what they can commit. bench overload
# warms the servers up with a closed loop (384 connections over the three servers), finds the
# sustainable write rate with short open-loop probes (the highest rate that sheds at most 1 %),
# then sends open-loop writes at 1x, 2x and 4x that rate, spread over the servers (followers
# forward theirs), latency from each write's intended send time. A write is a metadata update of
# one of 900 agents: a log write like a spawn, but the registry keeps its size, so the servers'
# memory shows what the load holds. Per level: admitted writes/s and their latency, the share
# refused with 429 (and every other outcome: there should be none), each server's largest RSS.
# Targets: admitted p99 at 2x and 4x within 2x of the 1x p99; admitted writes/s at 4x at least
# 90 % of 1x. Authentication on, as by default (bench/lib.sh: the bootstrap admin token).
# usage: bench/overload.sh [--quick] [extra agentd server flags...]
#   --quick: 10 s warm-up and 8 s windows instead of 40 s and 20 s (a smoke run, not a measurement)
# Knobs (env): LEVELS (default 1,2,4), RATE (writes/s for 1x: skips the probes), CLOSED_CONNECTIONS
# (closed loop, over all servers, default 384), CONNECTIONS (open loop, per server, default 1536: more
# than a server admits, so that it, not the generator, decides what waits); PIN=1: the three servers on
# CPU 0 and the load generator on CPU 1 (taskset), so that the generator's own work does not take
# the servers' CPU when it sends at 2x and 4x (on a 2-core machine it otherwise does).
set -euo pipefail
quick=0
if [[ "${1:-}" == --quick ]]; then quick=1; shift; fi
source "$(dirname "$0")/lib.sh"
if (( quick )); then warmup=10s; window=8s; else warmup=40s; window=20s; fi
results_file "overload$( ((quick)) && echo -quick)" "$([ $quick = 1 ] && echo --quick)" "$@"
build
start_cluster "$work/c" 18300 "$@"
if [[ "${PIN:-0}" == 1 ]]; then
  for n in n1 n2 n3; do taskset -a -cp 0 "${spid[$n]}" >/dev/null; done
  taskset -cp 1 $$ >/dev/null # this shell, and so the generator it starts
  echo "pinned: servers on CPU 0, the load generator on CPU 1"
fi
extra=()
[[ -n "${RATE:-}" ]] && extra+=(--rate "$RATE")
bench overload --servers "$servers" --agents 900 --closed-connections "${CLOSED_CONNECTIONS:-384}" --connections "${CONNECTIONS:-1536}" --io-threads 1 \
  --warmup "$warmup" --seconds "$window" --settle 3s --levels "${LEVELS:-1,2,4}" "${extra[@]}" \
  --server-pids "n1=${spid[n1]},n2=${spid[n2]},n3=${spid[n3]}" | tee "$work/load.out"

echo
echo "| level | offered/s | admitted/s | admitted p50 ms | admitted p99 ms | max ms | 429 % | other errors | RSS max MiB (n1/n2/n3) |"
echo "|---|---|---|---|---|---|---|---|---|"
while read -r line; do
  echo "| $(field level "$line")x | $(field offered "$line") | $(field admitted_rate "$line") | $(field p50_ms "$line") | $(field p99_ms "$line") | $(field max_ms "$line") | $(field shed_pct "$line") | $(field other "$line") | $(field rss_max_mb_n1 "$line")/$(field rss_max_mb_n2 "$line")/$(field rss_max_mb_n3 "$line") |"
done < <(grep '^RESULT level=' "$work/load.out")
grep '^SUMMARY' "$work/load.out" || true
