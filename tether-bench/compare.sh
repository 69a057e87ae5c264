#!/usr/bin/env bash
# Before/after on the echo, in one run: the same scenarios against servers from two builds (and
# bare Netty with flush consolidation, the bar), interleaved round by round so that drift on this
# shared machine hits every variant alike. Same pinning and JVM flags as run.sh.
#   BEFORE_JAR=/tmp/before/tether-bench/target/tether-bench.jar tether-bench/compare.sh
#   ROUNDS=5 SCENARIOS=large VARIANTS="tether-before tether netty-flush" tether-bench/compare.sh
# A variant is a server kind (tether, netty-flush, ...), optionally with -before (BEFORE_JAR's
# build), -v1 (the client speaks tether.v1) and -hbN / -hboff (Tether's ping interval N seconds,
# or no heartbeat), in that order: tether-before-v1, tether-hb1.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=tether-bench/target/tether-bench.jar
JVM=(-Xms1g -Xmx1g -XX:+UseParallelGC -XX:+AlwaysPreTouch)
WARMUP=${WARMUP:-5}
SECS=${SECS:-10}
ROUNDS=${ROUNDS:-2}
SCENARIOS=${SCENARIOS:-"throughput large"}
VARIANTS=${VARIANTS:-"tether-before tether tether-before-v1 tether-v1 netty-flush"}
PORT=${PORT:-19090}
OUT=tether-bench/target/compare-$(date +%Y%m%d-%H%M%S).txt
mkdir -p tether-bench/target

log() { echo "$*" | tee -a "$OUT"; }

source tether-bench/lib.sh
trap stop_server EXIT

log "# tether-bench compare $(date -u +%FT%TZ) on $(nproc) cores; before: ${BEFORE_JAR:-none}; warmup ${WARMUP}s, measure ${SECS}s, ${ROUNDS} rounds"
for round in $(seq 1 "$ROUNDS"); do
  for scenario in $SCENARIOS; do
    for variant in $VARIANTS; do
      rest=$variant; jar=$JAR; v1=(); hb=()
      kind=${rest%%-*}; rest=${rest#"$kind"}
      if [ "$kind" = netty ]; then kind=netty-flush; rest=${rest#-flush}; fi
      if [[ $rest == -before* ]]; then jar=${BEFORE_JAR:?BEFORE_JAR is not set}; rest=${rest#-before}; fi
      if [[ $rest == -v1* ]]; then v1=(--v1); rest=${rest#-v1}; fi
      if [[ $rest == -hboff ]]; then hb=(--heartbeat 0s); elif [[ $rest == -hb* ]]; then hb=(--heartbeat "${rest#-hb}s"); fi
      start_server "$kind" --jar "$jar" "${hb[@]}"
      result=$(taskset -c 1 java -Xmx2g -jar "$JAR" load --url "ws://127.0.0.1:$PORT/echo" "${v1[@]}" \
          --scenario "$scenario" --warmup "$WARMUP" --seconds "$SECS" --server-pid "$SERVER_PID" | grep '^result' \
          || echo "result $scenario FAILED")
      log "round $round $variant ${result#result }"
      stop_server
    done
  done
done
log "# results in $OUT"
