#!/usr/bin/env bash
# Side by side, in one run: each echo server pinned to core 0 (taskset), the load generator to
# core 1, the same JVM flags for every Java server. Results go to tether-bench/target/bench-*.txt.
#   tether-bench/run.sh            # all servers, all scenarios, then the idle-connection test (~17 min)
#   WARMUP=5 SECS=10 IDLE=18000 tether-bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=tether-bench/target/tether-bench.jar
if [ ! -f "$JAR" ]; then mvn -B -q -ntp -DskipTests install; fi
(cd tether-bench/src/main/js && npm ci --silent --no-audit --no-fund)
JVM=(-Xms1g -Xmx1g -XX:+UseParallelGC -XX:+AlwaysPreTouch)
WARMUP=${WARMUP:-5}
SECS=${SECS:-10}
IDLE=${IDLE:-18000}
PORT=${PORT:-19090}
OUT=tether-bench/target/bench-$(date +%Y%m%d-%H%M%S).txt
mkdir -p tether-bench/target

log() { echo "$*" | tee -a "$OUT"; }


source tether-bench/lib.sh
trap stop_server EXIT

log "# tether-bench $(date -u +%FT%TZ) on $(nproc) cores, $(java -version 2>&1 | sed -n 1p); server on core 0, load on core 1"
log "# warmup ${WARMUP}s, measure ${SECS}s; JVM flags for Java servers: ${JVM[*]}"
for server in tether tether-v1 netty netty-flush java-websocket jetty node-ws; do
  kind=$server; v1=()
  if [ "$server" = tether-v1 ]; then kind=tether; v1=(--v1); fi
  for scenario in latency throughput large handshakes; do
    if [ "$scenario" = handshakes ] && [ "$server" = tether-v1 ]; then continue; fi
    start_server "$kind"
    result=$(taskset -c 1 java -Xmx2g -jar "$JAR" load --url "ws://127.0.0.1:$PORT/echo" "${v1[@]}" \
        --scenario "$scenario" --warmup "$WARMUP" --seconds "$SECS" --server-pid "$SERVER_PID" | grep '^result' || echo "result $scenario FAILED")
    log "$server ${result#result }"
    stop_server
  done
done

# Idle connections with server heartbeats every 10 s: memory per connection and heartbeat CPU.
live_heap_kb() { # pid -> used heap after a full GC, in KiB
  jcmd "$1" GC.run > /dev/null
  jcmd "$1" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); s += v } } END { print s }'
}
live_objects_bytes() { # pid -> bytes of the objects a class histogram finds live (it runs a full GC first)
  jcmd "$1" GC.class_histogram | awk '$1 == "Total" { print $3 }'
}
rss_kb() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# netty-hb is bare Netty with the usual IdleStateHandler heartbeat at the same interval: the
# baseline for what a ping per connection per interval costs on this machine.
for server in tether tether-v1 netty netty-hb; do
  kind=$server; v1=(); hb=()
  case $server in
    tether) hb=(--heartbeat 10s) ;;
    tether-v1) kind=tether; v1=(--v1); hb=(--heartbeat 10s) ;;
    netty-hb) kind=netty; hb=(--heartbeat 10s) ;;
  esac
  start_server "$kind" "${hb[@]}"
  sleep 2
  heap0=$(live_heap_kb "$SERVER_PID"); rss0=$(rss_kb "$SERVER_PID"); objects0=$(live_objects_bytes "$SERVER_PID")
  coproc IDLECLIENT { taskset -c 1 java -Xmx3g -jar "$JAR" idle --url "ws://127.0.0.1:$PORT/echo" "${v1[@]}" --connections "$IDLE"; }
  read -r line <&"${IDLECLIENT[0]}"
  opened=${line#opened }
  sleep 15
  heap1=$(live_heap_kb "$SERVER_PID"); rss1=$(rss_kb "$SERVER_PID"); objects1=$(live_objects_bytes "$SERVER_PID")
  t0=$(cpu_ticks "$SERVER_PID"); sleep 60; t1=$(cpu_ticks "$SERVER_PID")
  hz=$(getconf CLK_TCK)
  cpu=$(awk -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN { printf "%.2f", d / hz / 60 * 100 }')
  log "$server idle connections=$opened live_heap_per_conn_bytes=$(( (heap1 - heap0) * 1024 / opened )) live_objects_per_conn_bytes=$(( (objects1 - objects0) / opened )) rss_per_conn_bytes=$(( (rss1 - rss0) * 1024 / opened )) heartbeat_cpu_percent_of_one_core=$cpu"
  eval "exec ${IDLECLIENT[1]}>&-"
  wait "$IDLECLIENT_PID" 2>/dev/null || true
  stop_server
done
log "# results in $OUT"
