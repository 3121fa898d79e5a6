#!/usr/bin/env bash
# Worker failover: a worker running 20 agents is killed with SIGKILL; the time until all 20 run on
# the other worker. Three agentd servers and two workers on loopback, as in WorkerFailoverTest. The
# worker that holds the agents is killed, started again (it is the standby for the next round), and
# so on. Workers renew every TTL/10 and use a fence margin and a stop grace of TTL/6 each, so a
# worker keeps its lease through about half a TTL of failed renewals (on a loaded machine a worker
# that fences itself only starts its agents again at its next watch answer, up to 30 s later).
# usage: bench/worker-failover.sh [--quick] [extra agentd server flags...]
#   --quick: TTL 3 s only, 3 rounds (default: TTL 3 s and 10 s, 5 rounds each)
set -euo pipefail
quick=0
if [[ "${1:-}" == --quick ]]; then quick=1; shift; fi
source "$(dirname "$0")/lib.sh"
if (( quick )); then ttls=(3); rounds=3; else ttls=(3 10); rounds=5; fi
agents=20
results_file "worker-failover$( ((quick)) && echo -quick)" "$([ $quick = 1 ] && echo --quick)" "$@"
build
summaries=()
base=18300
for ttl in "${ttls[@]}"; do
  dir="$work/ttl$ttl"
  hb=$(( ttl * 100 ))ms; margin=$(( ttl * 1000 / 6 ))ms
  start_cluster "$dir" "$base" --worker-ttl "${ttl}s" "$@"
  wflags=(--slots 40 --heartbeat-interval "$hb" --fence-margin "$margin" --stop-grace "$margin")
  declare -A wport=([wa]=$((base + 50)) [wb]=$((base + 51)))
  start_worker "$dir" wa "${wport[wa]}" "${wflags[@]}"
  wait_worker wa ready 90
  for i in $(seq 0 $((agents - 1))); do
    acurl -sf -m 10 -o /dev/null -H 'Content-Type: application/json' -X POST "${servers%%,*}/v1/namespaces/default/agents" \
      -d "{\"name\":\"fo-$i\",\"spec\":{\"command\":\"/bin/sh\",\"args\":[\"-c\",\"exec sleep 3600\"],\"restart\":\"always\",\"labels\":{\"bench\":\"failover\"}}}"
  done
  start_worker "$dir" wb "${wport[wb]}" "${wflags[@]}"
  wait_worker wb ready 90
  echo "TTL ${ttl}s: $agents agents on wa, wb standing by (workers: ${wflags[*]})"
  holder=wa; other=wb; times=(); all=(); failed=0
  for r in $(seq 1 "$rounds"); do
    bench failover --servers "$servers" --kill-pid "${wpid[$holder]}" --from "$holder" --count "$agents" \
      --label bench=failover --ready-timeout 90s --timeout "$((ttl * 3 + 60))s" | tee "$work/fo.out" || true
    deadline=$((SECONDS + 10)); while kill -0 "${wpid[$holder]}" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.1; done
    line=$(grep '^RESULT ' "$work/fo.out" | tail -n1)
    [[ -n "$line" ]] || { echo "round $r: no result" >&2; exit 1; }
    ms=$(field all_ms "$line")
    if [[ "$ms" == -1 ]]; then
      failed=$((failed + 1)); ms=timeout
      keep_logs "TTL ${ttl}s round $r: not all agents moved within $((ttl * 3 + 60)) s"
    else
      times+=("$ms")
    fi
    all+=("$ms")
    echo "TTL ${ttl}s round $r: $holder -> $other in $ms ms (worker down after $(field down_ms "$line") ms)"
    # The killed worker comes back as the standby for the next round.
    start_worker "$dir" "$holder" "${wport[$holder]}" "${wflags[@]}"
    wait_worker "$holder" ready 90
    sleep 2
    tmp=$holder; holder=$other; other=$tmp
  done
  # The median counts a round that timed out as the slowest.
  sorted=($(printf '%s\n' "${times[@]}" | sort -n) $(for _ in $(seq 1 "$failed"); do echo timeout; done))
  median=${sorted[$(( ${#sorted[@]} / 2 ))]}
  ratio=$([[ $median == timeout ]] && echo NaN || awk -v m="$median" -v t="$ttl" 'BEGIN { printf "%.2f", m / (t * 1000) }')
  echo "TTL ${ttl}s: rounds ${all[*]} ms; median $median ms = $ratio x TTL"
  summaries+=("SUMMARY failover ttl_ms=$((ttl * 1000)) median_ms=$median ratio=$ratio timeouts=$failed rounds_ms=$(IFS=,; echo "${all[*]}")")
  stop_all
  base=$((base + 100))
done
echo
echo "| TTL | rounds (ms) | median ms | median / TTL |"
echo "|---|---|---|---|"
for s in "${summaries[@]}"; do
  echo "| $(( $(field ttl_ms "$s") / 1000 )) s | $(field rounds_ms "$s" | tr , ' ') | $(field median_ms "$s") | $(field ratio "$s") |"
done
printf '%s\n' "${summaries[@]}"
