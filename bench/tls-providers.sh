#!/usr/bin/env bash
# TLS providers of the API, side by side: one agentd server on loopback per provider (and one
# plain), in two rounds; wrk with 64 keep-alive connections (stale reads: the TLS records dominate
# the work), then openssl s_time with a new connection (a full handshake) per request. Free ports,
# a temporary directory, removed at the end. Needs wrk and openssl; build first
# (mvn -q install -DskipTests). Usage: bench/tls-providers.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/daemon/target/agentd-daemon.jar
work=$(mktemp -d)
java -cp "$jar" io.agentd.daemon.Agentd tls init --dir "$work/tls" --servers n1 >/dev/null
free() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
pid=
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for mode in plain openssl jdk plain2 openssl2 jdk2; do
  http=$(free); raft=$(free)
  flags=()
  scheme=http
  if [[ $mode != plain* ]]; then
    flags=(--tls-cert "$work/tls/n1.pem" --tls-key "$work/tls/n1-key.pem" --tls-ca "$work/tls/ca.pem" --tls-provider "${mode%2}")
    scheme=https
  fi
  java -XX:+UseG1GC -Xms256m -XX:MaxTenuringThreshold=1 -cp "$jar" io.agentd.daemon.Agentd server \
    --data-dir "$work/$mode" --http-addr 127.0.0.1:$http --raft-addr 127.0.0.1:$raft "${flags[@]}" > "$work/$mode.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -skf -o /dev/null "$scheme://127.0.0.1:$http/health/ready" && break; sleep 0.3; done
  url="$scheme://127.0.0.1:$http/v1/namespaces?stale=true"
  wrk -t2 -c64 -d10s "$url" >/dev/null   # warm-up
  echo "== $mode: wrk -t2 -c64 -d20s --latency $url"
  wrk -t2 -c64 -d20s --latency "$url" | grep -E "Requests/sec|Latency  |50%|99%|Transfer"
  if [[ $mode != plain* ]]; then
    echo "== $mode: openssl s_time -new -time 10 (one full handshake per GET)"
    openssl s_time -connect 127.0.0.1:$http -new -time 10 -www /health/live 2>/dev/null | grep -E "connections/user sec|connections in" | tail -2
  fi
  kill $pid; wait $pid 2>/dev/null || true; pid=
done
