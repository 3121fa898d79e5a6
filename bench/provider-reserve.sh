#!/usr/bin/env bash
# Provider reservations answered from the worker's bucket: one agent (bench reserve-load, the
# bench jar run as the agent's command) reserves and commits on its worker's local API, one call
# after the other over a keep-alive connection, on a provider whose limit is far above the load,
# so every reservation is answered from the worker's own bucket. Three agentd servers and one
# worker on loopback, authentication on (bench/lib.sh). Reports the reservations' latency, send to
# answer, after a warm-up; the target (issue 21) is p99 under 1 ms.
# usage: bench/provider-reserve.sh [--quick]   (--quick: 2,000 warm-up and 5,000 measured, a smoke run)
set -euo pipefail
quick=0
if [[ "${1:-}" == --quick ]]; then quick=1; shift; fi
source "$(dirname "$0")/lib.sh"
if (( quick )); then warm=2000; count=5000; else warm=${WARMUP:-50000}; count=${COUNT:-100000}; fi
results_file "provider-reserve$( ((quick)) && echo -quick)" "warmup=$warm count=$count"
build
start_cluster "$work/c" 18700
start_worker "$work/c" w1 18750 --slots 4
wait_worker w1 ready 90
url=${servers%%,*}
acurl -sf -m 30 -o /dev/null -X POST -H 'Content-Type: application/json' "$url/v1/cluster/feature-level" -d '{"level":3}'
acurl -sf -m 30 -o /dev/null -X PUT -H 'Content-Type: application/json' "$url/v1/providers/bench-fast" \
  -d '{"requestsPerMinute":100000000}'
jar="$root/bench/target/agentd-bench.jar"
spec=$(jq -nc --arg jar "$jar" --arg warm "$warm" --arg count "$count" '{name: "reserve-load", spec: {command: "java",
  args: ["-XX:+UseSerialGC", "-Xmx256m", "-jar", $jar, "reserve-load", "--provider", "bench-fast", "--warmup", $warm,
         "--count", $count], restart: "never"}}')
acurl -sf -m 30 -o /dev/null -X POST -H 'Content-Type: application/json' "$url/v1/namespaces/default/agents" -d "$spec"
echo "agent reserve-load spawned on w1: $warm warm-up pairs, then $count measured"
deadline=$((SECONDS + 900)); state=""
until [[ "$state" == stopped || "$state" == failed ]]; do
  (( SECONDS < deadline )) || { echo "reserve-load did not finish in 900 s" >&2; exit 1; }
  sleep 2
  state=$(acurl -s -m 5 "$url/v1/namespaces/default/agents/reserve-load" | jq -r '.state // empty')
done
acurl -s -m 10 "$url/v1/namespaces/default/agents/reserve-load/logs?tail=20" | jq -r '.lines[]' | tee "$work/agent.out"
line=$(grep '^RESULT ' "$work/agent.out" | tail -n 1)
[[ -n "$line" ]] || { echo "no RESULT from the agent (state $state)" >&2; exit 1; }
echo
echo "SUMMARY reserve_p50_ms=$(field p50_ms "$line") reserve_p99_ms=$(field p99_ms "$line") reserve_p999_ms=$(field p999_ms "$line")" \
  "rate=$(field rate "$line") refused=$(field refused "$line")"
