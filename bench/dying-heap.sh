#!/usr/bin/env bash
# How long after kill -9 a JVM's sockets close, by the size of its heap and the page size behind
# it. Followers notice a dead agentd leader by its connections closing (LeaderLossDetector), and
# the kernel closes a dying process's files only after it has freed its memory, so this time is
# the first part of every fast failover.
#
# For each heap size and each setting (4 KiB pages; -XX:+UseTransparentHugePages) a JVM fills
# that much of its heap with live 256 KiB arrays, listens on loopback and accepts one connection
# from this script; the script kills it with SIGKILL and times, with bash built-ins, how long its
# read of that connection waits for end of file. ROUNDS rounds, the settings alternating.
#
# usage: bench/dying-heap.sh [HEAP_MB...]        (default: 500 1000 2000; ROUNDS=3)
# Prints one ROW per kill and a median per heap size and setting. Not part of CI.
set -euo pipefail
export LC_ALL=C
ROUNDS=${ROUNDS:-3}
sizes=("$@"); (( ${#sizes[@]} )) || sizes=(500 1000 2000)
for s in "${sizes[@]}"; do [[ $s =~ ^[1-9][0-9]*$ ]] || { echo "heap size must be a number of MiB: $s" >&2; exit 2; }; done
thp_mode=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unavailable)
tmp="$(mktemp -d "${TMPDIR:-/tmp}/dying-heap.XXXXXX")"
child=""
trap '[[ -n "$child" ]] && kill -9 "$child" 2>/dev/null; rm -rf "$tmp"' EXIT
cat > "$tmp/Hold.java" <<'EOF'
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

public class Hold {
    public static void main(String[] args) throws Exception {
        int mb = Integer.parseInt(args[0]);
        byte[][] keep = new byte[mb * 4][];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = new byte[256 << 10];
        }
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.out.println(server.getLocalPort());
            System.out.flush();
            Socket s = server.accept();
            Thread.sleep(600_000);
            System.out.println(keep.length + " " + s);
        }
    }
}
EOF
javac -d "$tmp" "$tmp/Hold.java"
echo "# $(date -u +%FT%TZ) $(nproc) cores, kernel $(uname -r), transparent huge pages: $thp_mode"
echo "# java: $(java -version 2>&1 | head -n1)"

# one_kill MB FLAGS...: prints rss_mib and close_ms of one kill.
one_kill() {
  local mb=$1; shift
  local port rss t0 t1 b
  coproc HOLD { exec java -Xms$((mb + 512))m -Xmx$((mb + 512))m "$@" -cp "$tmp" Hold "$mb"; }
  child=$HOLD_PID
  read -r -t 120 port <&"${HOLD[0]}" || { echo "the JVM did not start" >&2; return 1; }
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  sleep 0.5
  rss=$(awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$child/status")
  t0=$EPOCHREALTIME
  kill -9 "$child"
  read -r -t 30 -n 1 b <&3 || true   # returns at end of file (or after 30 s)
  t1=$EPOCHREALTIME
  exec 3<&-
  wait "$child" 2>/dev/null || true
  child=""
  awk -v r="$rss" -v a="$t0" -v b="$t1" 'BEGIN { printf "rss_mib=%d close_ms=%.1f\n", r, (b - a) * 1000 }'
}

declare -A got=()
for mb in "${sizes[@]}"; do
  for r in $(seq 1 "$ROUNDS"); do
    for setting in small thp; do
      if [[ $setting == thp ]]; then flags=(-XX:+UseTransparentHugePages); else flags=(); fi
      res=$(one_kill "$mb" -XX:+UseG1GC "${flags[@]}")
      echo "ROW heap_mib=$mb pages=$setting round=$r $res"
      got[$mb-$setting]+="${res##*close_ms=} "
    done
  done
done
echo
echo "| live heap MiB | 4 KiB pages: kill -9 → socket closed, median ms | huge pages: median ms |"
echo "|---|---|---|"
med() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for mb in "${sizes[@]}"; do
  echo "| $mb | $(med <<<"${got[$mb-small]}") | $(med <<<"${got[$mb-thp]}") |"
done
