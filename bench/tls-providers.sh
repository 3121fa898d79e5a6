#!/usr/bin/env bash
# TLS providers of the API, side by side: one agentd server on loopback per provider (and one
# plain), in two rounds; wrk with 64 keep-alive connections (stale reads: the TLS records dominate
# the work), then openssl s_time with a new connection (a full handshake) per request. Free ports,
# a temporary directory, removed at the end. Needs wrk and openssl; build first
# (mvn -q install -DskipTests). Usage: bench/tls-providers.sh [--quick]
#   --quick: one round, 3 s warm-up, 5 s runs (a smoke run, not a measurement)
# Authentication on, as by default: the servers make their admin token from a bootstrap file
# (a random secret, mode 0600, in the temporary directory), and wrk sends it (bench/auth.lua).
set -euo pipefail
modes=(plain openssl jdk plain2 openssl2 jdk2); warm=10; secs=20; hs=10
if [[ "${1:-}" == --quick ]]; then modes=(plain openssl jdk); warm=3; secs=5; hs=3; shift; fi
(( $# == 0 )) || { echo "usage: bench/tls-providers.sh [--quick]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/daemon/target/agentd-daemon.jar
work=$(mktemp -d)
java -cp "$jar" io.agentd.daemon.Agentd tls init --dir "$work/tls" --servers n1 >/dev/null
(umask 077; head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=' > "$work/bootstrap-token"
 printf 'Authorization: Bearer %s\n' "$(cat "$work/bootstrap-token")" > "$work/auth-header")
free() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
pid=
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for mode in "${modes[@]}"; do
  http=$(free); raft=$(free)
  flags=()
  scheme=http
  if [[ $mode != plain* ]]; then
    flags=(--tls-cert "$work/tls/n1.pem" --tls-key "$work/tls/n1-key.pem" --tls-ca "$work/tls/ca.pem" --tls-provider "${mode%2}")
    scheme=https
  fi
  java -XX:+UseG1GC -Xms256m -XX:MaxTenuringThreshold=1 -cp "$jar" io.agentd.daemon.Agentd server \
    --data-dir "$work/$mode" --http-addr 127.0.0.1:$http --raft-addr 127.0.0.1:$raft \
    --bootstrap-token-file "$work/bootstrap-token" "${flags[@]}" > "$work/$mode.log" 2>&1 &
  pid=$!
  url="$scheme://127.0.0.1:$http/v1/namespaces?stale=true"
  # Ready, and the admin token made (the leader makes it just after its election).
  for _ in $(seq 100); do curl -sf --cacert "$work/tls/ca.pem" -o /dev/null -H @"$work/auth-header" "$url" && break; sleep 0.3; done
  curl -sf --cacert "$work/tls/ca.pem" -o /dev/null -H @"$work/auth-header" "$url" || { echo "$mode: the server did not answer with the token" >&2; tail "$work/$mode.log" >&2; exit 1; }
  BENCH_TOKEN_FILE="$work/bootstrap-token" wrk -t2 -c64 -d${warm}s -s "$root/bench/auth.lua" "$url" >/dev/null   # warm-up
  echo "== $mode: wrk -t2 -c64 -d${secs}s --latency -s bench/auth.lua $url"
  BENCH_TOKEN_FILE="$work/bootstrap-token" wrk -t2 -c64 -d${secs}s --latency -s "$root/bench/auth.lua" "$url" | grep -E "Requests/sec|Latency  |50%|99%|Transfer|Non-2xx"
  if [[ $mode != plain* ]]; then
    echo "== $mode: openssl s_time -new -time $hs (one full handshake per GET)"
    openssl s_time -connect 127.0.0.1:$http -new -time $hs -www /health/live 2>/dev/null | grep -E "connections/user sec|connections in" | tail -2
  fi
  kill $pid; wait $pid 2>/dev/null || true; pid=
done
