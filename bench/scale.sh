#!/usr/bin/env bash
# Scale: a 3-server cluster on loopback holding --count agents (default 1,000,000), registered
# through the batch spawn endpoint (1,000 per request, one log entry each). No worker runs, so
# every agent stays pending: this measures the registry, not placement. Then, per server: heap
# after a full GC (jcmd GC.run, then GC.heap_info "used") and RSS (/proc/PID/status VmRSS); the
# size of the newest snapshot and the time each took (servers run with --snapshot-threshold of a
# tenth of the batches, so several are taken during the load and the last holds nearly all
# agents); restart-to-ready of a follower (SIGKILL, start again, until /health/ready answers 200,
# which needs a read barrier, i.e. the node caught up with the leader's commit index); latency of
# a linearizable get and of a filtered, paginated list at the leader; and how long a cluster check
# takes (every member hashes its whole store at one log index).
# usage: bench/scale.sh [--quick] [extra agentd server flags...]
#   --quick: 100,000 agents instead of 1,000,000
# Server JVM options: AGENTD_JAVA_OPTS as bin/agentd takes them (default: bin/agentd's own);
# RESTART_JAVA_OPTS: those of the restarted server only (e.g. a JFR recording; default: the same).
# KEEP_LOGS=DIR: copy the servers' logs there at the end (the restarted server's log shows its start-up).
# RESTART_PAIRS=N: after the measured restart, N more (SUMMARY again_*: medians); with
# RESTART_ALT=PATH/bin/agentd each is preceded by one with that build's launcher (alt_*): two builds'
# restarts of the same data, back to back. The builds must share the on-disk format.
set -euo pipefail
quick=0
if [[ "${1:-}" == --quick ]]; then quick=1; shift; fi
source "$(dirname "$0")/lib.sh"
if (( quick )); then count=100000; else count=1000000; fi
batch=1000
batches=$(( (count + batch - 1) / batch ))
threshold=$(( batches / 10 < 10 ? 10 : batches / 10 ))
base=18600
results_file "scale$( ((quick)) && echo -quick)" "$([ $quick = 1 ] && echo --quick)" "$@"
echo "# server JVM options: ${AGENTD_JAVA_OPTS:-bin/agentd default}; restarted server: ${RESTART_JAVA_OPTS:-the same}; $(java -version 2>&1 | head -n1)"
build
if [[ -n "${RESTART_ALT:-}" ]]; then "$RESTART_ALT" --help >/dev/null; fi  # build it (and its archive) now, not during a restart
flags=(--snapshot-threshold "$threshold" "$@")
start_cluster "$work/c" "$base" "${flags[@]}"
leader_url=$(bench leader --servers "$servers" | awk '{print "http://" $2}')
acurl -sf -m 10 -X POST -H 'Content-Type: application/json' -d '{"name": "scale"}' "$leader_url/v1/namespaces" >/dev/null

# heap_of PID: MiB used after a full GC.  rss_of PID: resident MiB.
heap_of() {
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/garbage-first heap|used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); print int(v / 1024); exit } }'
}
rss_of() { awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$1/status"; }
applied_of() { curl -s -m 5 "127.0.0.1:$((base + 10 * $1))/metrics" | awk '/^agentd_raft_applied_index / { printf "%d\n", $2 }'; }

echo "loading $count agents in batches of $batch (snapshot threshold $threshold entries)"
bench scale --mode load --servers "$servers" --count "$count" --batch "$batch" --concurrency 4 | tee "$work/load.out"
load_line=$(grep '^RESULT ' "$work/load.out" | tail -n1)

# Every server has applied everything the leader has.
target=$(applied_of "${leader: -1}")
deadline=$((SECONDS + 120))
for i in 1 2 3; do
  until [[ "$(applied_of "$i")" -ge "$target" ]] 2>/dev/null; do
    (( SECONDS < deadline )) || { echo "n$i did not catch up to index $target" >&2; exit 1; }
    sleep 0.5
  done
done
agents=$(curl -s -m 5 "$leader_url/metrics" | awk '/^agentd_registry_agents / { printf "%d\n", $2 }')
echo "all servers at applied index >= $target; registry_agents=$agents"

# cluster check: every member digests its whole store (off its apply thread) at one log index.
t0=$(date +%s%N)
check=$(acurl -sf -m 180 -X POST "$leader_url/v1/cluster/check")
check_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check_agree=$(grep -o '"agree" *: *[a-z]*' <<< "$check" | awk -F: '{gsub(/ /, "", $2); print $2}')
echo "cluster check: ${check_ms} ms from request to every member's digest; agree=${check_agree}"
[[ "$check_agree" == true ]] || { echo "the replicas differ: $check" >&2; exit 1; }

echo
echo "probing get and list latency at the leader ($leader)"
bench scale --mode probe --url "$leader_url" --count "$count" --gets 300 --lists 300 --limit 100 | tee "$work/probe.out"
probe_line=$(grep '^RESULT ' "$work/probe.out" | tail -n1)

echo
declare -A heap=() rss=()
for i in 1 2 3; do
  heap[n$i]=$(heap_of "${spid[n$i]}"); rss[n$i]=$(rss_of "${spid[n$i]}")
  echo "n$i (pid ${spid[n$i]}): heap after full GC ${heap[n$i]} MiB, RSS ${rss[n$i]} MiB"
done
jcmd "${spid[$leader]}" GC.class_histogram | head -n 25 > "$work/histogram.txt"
echo "leader's class histogram (top 20):"; sed -n 1,23p "$work/histogram.txt"

snap_dir=$(ls -d "$work/c/n1/raft"/*/sm/snapshot.* 2>/dev/null | sort -t_ -k2 -n | tail -n1 || true)
snap_mib=$( [[ -n "$snap_dir" ]] && du -sm "$snap_dir" | cut -f1 || echo NaN)
state_mib=$(du -sm "$work/c/n1/state" | cut -f1)
raft_mib=$(du -sm "$work/c/n1/raft" | cut -f1)
snap_ms=$(grep -h 'took snapshot' "$work/c"/n*.log | sed -E 's/.* ([0-9]+) ms\).*/\1/' | sort -n | tail -n1)
snap_last_ms=$(grep -h 'n1: took snapshot' "$work/c/n1.log" | tail -n1 | sed -E 's/.* ([0-9]+) ms\).*/\1/')
snaps=$(grep -hc 'took snapshot' "$work/c"/n*.log | paste -sd+ | bc)
echo "snapshots taken: $snaps (all servers); newest on n1: ${snap_dir##*/} ${snap_mib} MiB, took ${snap_last_ms:-?} ms; slowest ${snap_ms:-?} ms"
echo "n1 on disk: state (RocksDB) $state_mib MiB, raft (log + snapshots) $raft_mib MiB"

# Restart a follower: SIGKILL, start again, time to /health/ready.
victim=n1; [[ "$leader" == n1 ]] && victim=n2
vi=${victim#n}
# restart_once LAUNCHER: one restart of the victim with that bin/agentd; sets restart_s, restart_cpu_s.
restart_once() {
  local launcher=$1 log_lines t0 t1 deadline saved_opts
  echo
  echo "restarting follower $victim (SIGKILL), with $launcher"
  kill -9 "${spid[$victim]}"; wait "${spid[$victim]}" 2>/dev/null || true
  log_lines=$(wc -l < "$work/c/$victim.log")
  t0=$(date +%s%N)
  saved_opts=${AGENTD_JAVA_OPTS-}
  export AGENTD_JAVA_OPTS="${RESTART_JAVA_OPTS:-${AGENTD_JAVA_OPTS:-}}"
  AGENTD_LAUNCHER=$launcher start_server "$work/c" "$base" "$vi" "${flags[@]}"
  export AGENTD_JAVA_OPTS="$saved_opts"
  deadline=$((SECONDS + 120))
  until curl -sf -m 2 -o /dev/null "127.0.0.1:$((base + 10 * vi))/health/ready"; do
    (( SECONDS < deadline )) || { echo "$victim not ready 120 s after restart" >&2; tail -n 30 "$work/c/$victim.log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  restart_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  # CPU the restarted process used until ready (utime + stime, all its threads, GC included), and the
  # machine's load: on a shared machine the wall time is mostly waiting for a core.
  restart_cpu_s=$(awk '{ sub(/.*\) /, ""); split($0, f, " "); printf "%.1f", (f[12] + f[13]) / 100 }' "/proc/${spid[$victim]}/stat")
  echo "$victim ready ${restart_s} s after start (process start, RocksDB open, registry load, Raft join, read barrier);"
  echo "  it used ${restart_cpu_s} s of CPU by then; load average $(cut -d' ' -f1-3 /proc/loadavg); started at $(date -u -d @$((t0 / 1000000000)) +%T) UTC"
  # Where the time went: the restarted server's log since its start, key lines only.
  tail -n +$((log_lines + 1)) "$work/c/$victim.log" \
    | grep -E 'opened the state store|loaded the registry|initialized at applied|raft node started|serves the API|installing|took snapshot' | cut -c1-220 || true
}
# median of the arguments
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "NaN"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The restart measured: the first after the load (RocksDB replays its write-ahead log, up to 16 MiB).
restart_once "$agentd_bin"
first_s=$restart_s first_cpu_s=$restart_cpu_s
# RESTART_PAIRS=N more restarts, of the same data (a small WAL now); with RESTART_ALT=other/bin/agentd
# each is a pair, that build's restart then this one's: two builds' restarts back to back.
again=() again_cpu=() alt=() alt_cpu=()
for (( r = 1; r <= ${RESTART_PAIRS:-0}; r++ )); do
  if [[ -n "${RESTART_ALT:-}" ]]; then
    restart_once "$RESTART_ALT"; alt+=("$restart_s"); alt_cpu+=("$restart_cpu_s")
  fi
  restart_once "$agentd_bin"; again+=("$restart_s"); again_cpu+=("$restart_cpu_s")
done
restart_s=$first_s restart_cpu_s=$first_cpu_s
more_summary=""
if (( ${#again[@]} > 0 )); then
  echo
  echo "restarts again, this build: ${again[*]} s (median $(median "${again[@]}")), CPU ${again_cpu[*]} s (median $(median "${again_cpu[@]}"))"
  more_summary=" again_ready_s=$(median "${again[@]}") again_cpu_s=$(median "${again_cpu[@]}")"
fi
if (( ${#alt[@]} > 0 )); then
  echo "restarts again, $RESTART_ALT: ${alt[*]} s (median $(median "${alt[@]}")), CPU ${alt_cpu[*]} s (median $(median "${alt_cpu[@]}"))"
  more_summary+=" alt_ready_s=$(median "${alt[@]}") alt_cpu_s=$(median "${alt_cpu[@]}")"
fi
if [[ -n "${KEEP_LOGS:-}" ]]; then
  mkdir -p "$KEEP_LOGS" && cp "$work/c"/n*.log "$KEEP_LOGS"/ && echo "server logs copied to $KEEP_LOGS"
  # A JFR recording that RESTART_JAVA_OPTS started (-XX:StartFlightRecording), saved before the kill at the end.
  jcmd "${spid[$victim]}" JFR.dump filename="$KEEP_LOGS/restart.jfr" >/dev/null 2>&1 || true
  if [[ -s "$KEEP_LOGS/restart.jfr" ]]; then echo "JFR recording of $victim saved as $KEEP_LOGS/restart.jfr"; fi
fi
heap_restart=$(heap_of "${spid[$victim]}"); rss_restart=$(rss_of "${spid[$victim]}")
echo "$victim after restart: heap after full GC $heap_restart MiB, RSS $rss_restart MiB"

heap_max=$(printf '%s\n' "${heap[@]}" "$heap_restart" | sort -n | tail -n1)
rss_max=$(printf '%s\n' "${rss[@]}" "$rss_restart" | sort -n | tail -n1)
snap_s=$(awk -v m="${snap_last_ms:-NaN}" 'BEGIN { printf "%.2f", m / 1000 }')
echo
echo "| agents | load agents/s | heap MiB n1 / n2 / n3 (after restart) | RSS MiB n1 / n2 / n3 | snapshot MiB | snapshot s | restart-to-ready s | get p50 / p99 ms | list p50 / p99 ms | list full scan p50 ms |"
echo "|---|---|---|---|---|---|---|---|---|---|"
echo "| $agents | $(field agents_per_s "$load_line") | ${heap[n1]} / ${heap[n2]} / ${heap[n3]} ($heap_restart) | ${rss[n1]} / ${rss[n2]} / ${rss[n3]} | $snap_mib | $snap_s | $restart_s | $(field get_p50_ms "$probe_line") / $(field get_p99_ms "$probe_line") | $(field list_p50_ms "$probe_line") / $(field list_p99_ms "$probe_line") | $(field scan_p50_ms "$probe_line") |"
echo "SUMMARY agents=$agents heap_mib=$heap_max rss_mib=$rss_max snapshot_mib=$snap_mib snapshot_s=$snap_s restart_ready_s=$restart_s restart_cpu_s=$restart_cpu_s$more_summary check_ms=$check_ms get_p99_ms=$(field get_p99_ms "$probe_line") list_p99_ms=$(field list_p99_ms "$probe_line")"
