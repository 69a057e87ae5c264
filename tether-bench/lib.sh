# Sourced by run.sh, broadcast.sh and compare.sh: one server at a time on core 0, stopped by its PID.
# Needs JAR, JVM (array) and PORT set; sets SERVER_PID.
SERVER_PID=""
SERVER_OUT=tether-bench/target/server.out

# start_server KIND [--jar JAR] [extra args...]: starts `tether-bench server KIND` (or Node's ws
# echo for node-ws) pinned to core 0 and waits for its "ready" line.
start_server() {
  local kind=$1; shift
  local jar=$JAR
  if [ "${1:-}" = --jar ]; then jar=$2; shift 2; fi
  : > "$SERVER_OUT"
  if [ "$kind" = node-ws ]; then
    taskset -c 0 node tether-bench/src/main/js/ws-echo.mjs "$PORT" > "$SERVER_OUT" 2>&1 &
  else
    taskset -c 0 java "${JVM[@]}" -jar "$jar" server "$kind" --port "$PORT" "$@" > "$SERVER_OUT" 2>&1 &
  fi
  SERVER_PID=$!
  for _ in $(seq 1 100); do grep -q '^ready' "$SERVER_OUT" && return 0; sleep 0.1; done
  echo "server $kind did not start:"; cat "$SERVER_OUT"; exit 1
}

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
