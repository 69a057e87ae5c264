#!/usr/bin/env bash
# Room fan-out, side by side in one run: Tether's Rooms (tether-room, tether.v1) against a bare
# Netty ChannelGroup broadcast (netty-broadcast), each server pinned to core 0 (taskset), the
# broadcast load generator to core 1, the same JVM flags as run.sh; 32-byte messages, then 4 KiB.
# Results go to tether-bench/target/broadcast-*.txt.
#   tether-bench/broadcast.sh                           # 1000 members, 1000 msg/s, 20 s each (~2.5 min)
#   MEMBERS=200 RATE=200 WARMUP=2 SECS=5 tether-bench/broadcast.sh
#   BEFORE_JAR=/tmp/before/tether-bench/target/tether-bench.jar tether-bench/broadcast.sh
#       # also tether-room from an older build (tether-room-before), in the same run
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=tether-bench/target/tether-bench.jar
if [ ! -f "$JAR" ]; then echo "build first: mvn -B -ntp -pl tether-bench -am package -DskipTests"; exit 1; fi
JVM=(-Xms1g -Xmx1g -XX:+UseParallelGC -XX:+AlwaysPreTouch)
MEMBERS=${MEMBERS:-1000}
RATE=${RATE:-1000}
WARMUP=${WARMUP:-5}
SECS=${SECS:-20}
SIZES=${SIZES:-"32 4096"}
PORT=${PORT:-19090}
OUT=tether-bench/target/broadcast-$(date +%Y%m%d-%H%M%S).txt
mkdir -p tether-bench/target

# Each side holds MEMBERS + 1 sockets; raise the soft limit towards the hard one only if short.
need=$((MEMBERS + 256))
if [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt "$need" ]; then
  ulimit -Sn "$need" 2>/dev/null || { echo "open-file limit $(ulimit -Sn) < $need and cannot be raised (hard $(ulimit -Hn))"; exit 1; }
fi

log() { echo "$*" | tee -a "$OUT"; }


source tether-bench/lib.sh
trap stop_server EXIT

log "# tether-bench broadcast $(date -u +%FT%TZ) on $(nproc) cores, $(java -version 2>&1 | sed -n 1p); server on core 0, load on core 1"
log "# members ${MEMBERS}, ${RATE} msg/s, warmup ${WARMUP}s, measure ${SECS}s; JVM flags for servers: ${JVM[*]}"
for size in $SIZES; do
  servers=(tether-room netty-broadcast)
  if [ -n "${BEFORE_JAR:-}" ]; then servers=(tether-room-before tether-room netty-broadcast); fi
  for server in "${servers[@]}"; do
    v1=(); kind=$server; jar=$JAR
    if [ "$server" = tether-room-before ]; then kind=tether-room; jar=$BEFORE_JAR; fi
    if [ "$kind" = tether-room ]; then v1=(--v1); fi
    start_server "$kind" --jar "$jar"
    # The generator's whole output (its join time, a failure's stack trace) stays in load.out.
    result=$(taskset -c 1 java -Xmx2g -jar "$JAR" broadcast --url "ws://127.0.0.1:$PORT/room" "${v1[@]}" \
        --members "$MEMBERS" --rate "$RATE" --size "$size" --warmup "$WARMUP" --seconds "$SECS" \
        --server-pid "$SERVER_PID" 2>&1 | tee tether-bench/target/load.out | grep '^result' \
        || echo "result broadcast FAILED (size $size; see tether-bench/target/load.out)")
    log "$server ${result#result }"
    stop_server
    # What the tether-room server counted as refused by members' replay buffers, on its way out.
    if grep -q '^rooms ' tether-bench/target/server.out; then log "#   $server $(grep '^rooms ' tether-bench/target/server.out)"; fi
  done
done
log "# results in $OUT"
