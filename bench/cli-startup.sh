#!/usr/bin/env bash
# agentctl's cost per call, whole processes, side by side in one run (hyperfine -N, no shell):
#   floor          a Java hello world with agentctl's JVM flags: what any JVM tool pays here
#   agentctl       bin/agentctl get NAME (the launcher: java with agentctl's class data archive)
#   installed      the packaged launcher (packaging/target/stage/usr/bin/agentctl, when the
#                  packaging module was built): as bin/agentctl without its check for changed sources
#   agentctl-jar   java -jar cli/target/agentctl.jar get NAME with the JDK's archive only
#   version        java with the archive: agentctl --version (no request, no JSON)
#   etcdctl        etcdctl get KEY against a one-member etcd on loopback
#   curl           curl of the same agent from agentd, with the token
# against the leader of a 3-server agentd on loopback (bootstrap token, as every bench) holding one agent, and a
# one-member etcd holding one key. Ends with:
#   SUMMARY agentctl_ms=M floor_ms=F agentctl_over_floor=R etcdctl_ms=E agentctl_over_etcdctl=R2
# (means; R and R2 are the ratios a day's machine speed cancels out of).
#   before         with BEFORE=<another checkout>/bin/agentctl (built there first): that build's
#                  launcher, for a change's gain measured in the same run
# usage: [BEFORE=LAUNCHER] bench/cli-startup.sh [RUNS=30]. Ports: agentd 18410-18431, etcd 23891/23892. Not part of CI.
set -euo pipefail
export LC_ALL=C
runs=${1:-30}
source "$(dirname "$0")/lib.sh"
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v etcd >/dev/null || need+=(etcd-server)
command -v etcdctl >/dev/null || need+=(etcd-client)
command -v jq >/dev/null || need+=(jq)
if ((${#need[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; fi
results_file cli-startup "runs=$runs"
"$agentd_bin" --help >/dev/null
"$agentctl_bin" version
start_cluster "$work/c" 18400
name=startup-probe url=http://127.0.0.1:$((18400 + 10 * ${leader#n}))   # the leader, as in bench/vs-etcd
acurl -sf -m 10 -o /dev/null -X POST -H 'Content-Type: application/json' "$url/v1/namespaces/default/agents" \
  -d "{\"name\":\"$name\",\"spec\":{\"command\":\"/bin/true\"}}" || { echo "could not create $name" >&2; exit 1; }

etcd_url=http://127.0.0.1:23891
(cd "$work" && exec etcd --name e1 --data-dir "$work/etcd" --listen-client-urls "$etcd_url" \
    --advertise-client-urls "$etcd_url" --listen-peer-urls http://127.0.0.1:23892 \
    --initial-advertise-peer-urls http://127.0.0.1:23892 --initial-cluster e1=http://127.0.0.1:23892) \
  > "$work/etcd.log" 2>&1 &
pids+=($!)
deadline=$((SECONDS + 30))
until etcdctl --endpoints="$etcd_url" put startup-probe value >/dev/null 2>&1; do
  (( SECONDS < deadline )) || { echo "etcd did not start in 30 s" >&2; tail -n 20 "$work/etcd.log" >&2; exit 1; }
  sleep 0.2
done

cat > "$work/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
javac -d "$work" "$work/Hello.java"
jvm="java -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC -Xshare:auto"   # agentctl's flags
cmds=(
  "floor|$jvm -cp $work Hello"
  "agentctl|$agentctl_bin --addr $url --token-file $token_file get $name"
  ${BEFORE:+"before|$BEFORE --addr $url --token-file $token_file get $name"}
  "installed|$root/packaging/target/stage/usr/bin/agentctl --addr $url --token-file $token_file get $name"
  "agentctl-jar|$jvm -jar $root/cli/target/agentctl.jar --addr $url --token-file $token_file get $name"
  "version|$jvm -XX:SharedArchiveFile=$root/cli/target/agentctl.jsa -jar $root/cli/target/agentctl.jar --version"
  "etcdctl|etcdctl --endpoints=$etcd_url get startup-probe"
  "curl|curl -sf -H @$auth_header $url/v1/namespaces/default/agents/$name"
)
echo "# java: $(java -version 2>&1 | head -1); $(etcdctl version | head -1); $(hyperfine --version)"
echo
echo "| command | mean ms | median ms | min ms | max ms |"
echo "|---|---|---|---|---|"
declare -A mean=()
for entry in "${cmds[@]}"; do
  n=${entry%%|*}; cmd=${entry#*|}
  if [[ $n == installed && ! -x $root/packaging/target/stage/usr/bin/agentctl ]]; then
    echo "| installed | (not built: mvn -pl packaging -am package) | | | |"; continue
  fi
  bash -c "$cmd" > "$work/$n.out" 2>&1 || { echo "$n fails, not timed: $(head -c 300 "$work/$n.out")" >&2; exit 1; }
  timeout 300 hyperfine -N --runs "$runs" --warmup 3 --export-json "$work/$n.json" "$cmd" > "$work/$n.txt" 2>&1 \
    || { echo "hyperfine failed for $n" >&2; cat "$work/$n.txt" >&2; exit 1; }
  mean[$n]=$(jq -r '.results[0].mean * 1000 | round' "$work/$n.json")
  echo "| $n | ${mean[$n]} | $(jq -r '.results[0] | "\(.median * 1000 | round) | \(.min * 1000 | round) | \(.max * 1000 | round)"' "$work/$n.json") |"
done
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "SUMMARY agentctl_ms=${mean[agentctl]} floor_ms=${mean[floor]} agentctl_over_floor=$(ratio "${mean[agentctl]}" "${mean[floor]}")" \
  "etcdctl_ms=${mean[etcdctl]} agentctl_over_etcdctl=$(ratio "${mean[agentctl]}" "${mean[etcdctl]}")"
