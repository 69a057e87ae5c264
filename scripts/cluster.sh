#!/usr/bin/env bash
# A local Tether cluster on 127.0.0.1: Redis (one redis-server, or a 3-master Redis Cluster with
# --redis-cluster), N `tether serve` nodes (default 3) and nginx in front of them, running the
# shipped deploy/nginx/tether.conf (round robin, no sticky sessions).
#
#   scripts/cluster.sh up [--nodes N] [--redis-cluster] [--port P]   start everything, print the chat's URL
#   scripts/cluster.sh status                                        what runs, by PID
#   scripts/cluster.sh down                                          stop exactly the processes `up` started
#
# Ports: nginx P (default 8080), nodes P+1..P+N, redis-server P+100 (cluster: P+101..P+103, whose
# cluster buses are those + 10000). State — PIDs, logs, configs, Redis data — lives in
# $TETHER_CLUSTER_DIR (default target/cluster/ of the repository); `down` keeps the logs.
#
# Environment:
#   TETHER_STORE_ARGS  arguments giving each node the shared store, with {uri} (the Redis URI:
#                      redis://127.0.0.1:PORT[,127.0.0.1:PORT...]) and {node} (node-1, node-2, ...)
#                      substituted; default '--store {uri} --node-id {node}'. Set it empty to run
#                      the nodes without a shared store (each keeps its sessions in memory).
#   TETHER_SERVE_ARGS  more arguments for every `tether serve`, e.g. '--ping-interval 5s'.
#   NGINX, REDIS_SERVER, REDIS_CLI, JAVA   the binaries (default /usr/sbin/nginx, redis-server,
#                      redis-cli, java from PATH).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
state="${TETHER_CLUSTER_DIR:-$here/target/cluster}"
NGINX="${NGINX:-/usr/sbin/nginx}"
REDIS_SERVER="${REDIS_SERVER:-redis-server}"
REDIS_CLI="${REDIS_CLI:-redis-cli}"
JAVA="${JAVA:-java}"
default_store_args='--store {uri} --node-id {node}'
STORE_ARGS="${TETHER_STORE_ARGS-$default_store_args}"
SERVE_ARGS="${TETHER_SERVE_ARGS:-}"
jar="$here/tether-app/target/tether.jar"

say() { echo "cluster.sh: $*" >&2; }
die() { say "$*"; exit 1; }

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# --- processes: each recorded as "PID STARTTIME" in $state/pids/NAME, so `down` never signals a
# --- process that merely got the same PID later.

starttime() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }

# Is the process recorded under NAME still the one we started?
alive() {
  local file="$state/pids/$1" pid start
  [ -f "$file" ] || return 1
  read -r pid start < "$file"
  [ -n "$pid" ] && [ "$(starttime "$pid")" = "$start" ]
}

pid_of() { awk '{print $1}' "$state/pids/$1"; }

# launch NAME LOG COMMAND...: starts COMMAND in the background, detached from this shell.
launch() {
  local name="$1" log="$2"
  shift 2
  nohup "$@" >> "$log" 2>&1 < /dev/null &
  local pid=$!
  local start=""
  for _ in $(seq 50); do
    start="$(starttime "$pid")" && [ -n "$start" ] && break
  done
  echo "$pid $start" > "$state/pids/$name"
}

# await NAME LOG SECONDS WHAT COMMAND...: polls COMMAND (every 0.1 s) until it succeeds; fails
# with the log's tail when the process exits first or SECONDS pass.
await() {
  local name="$1" log="$2" seconds="$3" what="$4"
  shift 4
  local deadline=$((SECONDS + seconds))
  until "$@" > /dev/null 2>&1; do
    if ! alive "$name"; then
      say "$name exited before it was $what; $log:"
      tail -n 20 "$log" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "$name not $what within ${seconds}s; $log:"
      tail -n 20 "$log" >&2
      return 1
    fi
    sleep 0.1
  done
}

# stop NAME: SIGTERM to the recorded PID, SIGKILL after 20 s (a node drains first).
stop() {
  local name="$1" pid
  if alive "$name"; then
    pid="$(pid_of "$name")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 200); do
      alive "$name" || break
      sleep 0.1
    done
    if alive "$name"; then
      say "$name (pid $pid) still running after 20 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped $name (pid $pid)"
  fi
  rm -f "$state/pids/$name"
}

port_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

# --- the pieces

start_redis() {
  local port="$1"
  mkdir -p "$state/redis"
  launch redis "$state/redis/redis.log" "$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --protected-mode no \
    --daemonize no --dir "$state/redis" --save "" --appendonly no
  await redis "$state/redis/redis.log" 10 "answering PING" redis_pong "$port"
  redis_uri="redis://127.0.0.1:$port"
}

redis_pong() { [ "$("$REDIS_CLI" -h 127.0.0.1 -p "$1" ping)" = PONG ]; }

cluster_ok() { "$REDIS_CLI" -h 127.0.0.1 -p "$1" cluster info | grep -q '^cluster_state:ok'; }

start_redis_cluster() {
  local first="$1" seeds=() port i
  for i in 1 2 3; do
    port=$((first + i - 1))
    mkdir -p "$state/redis-$i"
    launch "redis-$i" "$state/redis-$i/redis.log" "$REDIS_SERVER" --port "$port" --bind 127.0.0.1 \
      --protected-mode no --daemonize no --dir "$state/redis-$i" --save "" --appendonly no \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000
    await "redis-$i" "$state/redis-$i/redis.log" 10 "answering PING" redis_pong "$port"
    seeds+=("127.0.0.1:$port")
  done
  "$REDIS_CLI" --cluster create "${seeds[@]}" --cluster-replicas 0 --cluster-yes > "$state/cluster-create.log" 2>&1 \
    || { cat "$state/cluster-create.log" >&2; return 1; }
  for i in 1 2 3; do
    await "redis-$i" "$state/redis-$i/redis.log" 30 "cluster_state:ok" cluster_ok $((first + i - 1))
  done
  redis_uri="redis://$(IFS=,; echo "${seeds[*]}")"
}

build_jar() {
  # The launcher builds tether.jar when it is missing or older than the sources; run it once here
  # so the nodes do not all build at the same time.
  "$here/tether" --version > /dev/null
}

start_node() {
  local i="$1" port="$2" args=()
  local store="${STORE_ARGS//\{uri\}/$redis_uri}"
  store="${store//\{node\}/node-$i}"
  # shellcheck disable=SC2206 # word splitting of the two argument strings is intended
  args=($store $SERVE_ARGS)
  mkdir -p "$state/node-$i"
  # One HMAC secret for all nodes: a token the chat's demo login issued on one node is good on all.
  if [ ! -s "$state/demo-secret" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 > "$state/demo-secret")
  fi
  args+=(--auth-jwt-secret-file "$state/demo-secret" --demo-login)
  launch "node-$i" "$state/node-$i/tether.log" "$JAVA" -jar "$jar" serve --host 127.0.0.1 --port "$port" "${args[@]}"
}

render_nginx() {
  local listen="$1"
  shift
  awk -v listen="$listen" -v nodes="$*" '
    /^[ \t]*#/ { print; next }
    /@TETHER_NODE@/ { n = split(nodes, p, " "); for (i = 1; i <= n; i++) { l = $0; sub(/@TETHER_NODE@/, "127.0.0.1:" p[i], l); print l }; next }
    { gsub(/@TETHER_LISTEN@/, listen); print }
  ' "$here/deploy/nginx/tether.conf"
}

start_nginx() {
  local port="$1"
  shift
  local dir="$state/nginx" user=""
  mkdir -p "$dir"
  cp "$here/deploy/nginx/local.conf" "$dir/nginx.conf"
  render_nginx "127.0.0.1:$port" "$@" > "$dir/tether.conf"
  [ "$(id -u)" = 0 ] && user=" user root;"
  local globals="daemon off; pid $dir/nginx.pid; error_log $dir/error.log notice;$user"
  "$NGINX" -t -p "$dir/" -c "$dir/nginx.conf" -g "$globals" > "$dir/nginx-t.log" 2>&1 \
    || { cat "$dir/nginx-t.log" >&2; return 1; }
  launch nginx "$dir/nginx.out" "$NGINX" -p "$dir/" -c "$dir/nginx.conf" -g "$globals"
  await nginx "$dir/error.log" 10 "serving the chat page" http_ok "http://127.0.0.1:$port/"
}

# --- commands

names() {
  [ -d "$state/pids" ] && ls "$state/pids"
  return 0
}

up() {
  local nodes=3 redis_cluster=false port=8080
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes) nodes="${2:?--nodes needs a number}"; shift 2 ;;
      --redis-cluster) redis_cluster=true; shift ;;
      --port) port="${2:?--port needs a number}"; shift 2 ;;
      *) usage ;;
    esac
  done
  [[ "$nodes" =~ ^[1-9][0-9]*$ ]] || die "--nodes must be a positive number, was $nodes"
  for name in $(names); do
    alive "$name" && die "already up ($name runs as pid $(pid_of "$name")); run: $0 down"
  done
  local redis_port=$((port + 100)) ports=() i
  for i in $(seq "$nodes"); do ports+=($((port + i))); done
  local wanted=("$port" "${ports[@]}")
  if $redis_cluster; then
    wanted+=($((redis_port + 1)) $((redis_port + 2)) $((redis_port + 3)) $((redis_port + 10001)) $((redis_port + 10002)) $((redis_port + 10003)))
  else
    wanted+=("$redis_port")
  fi
  for p in "${wanted[@]}"; do port_free "$p" || die "port $p on 127.0.0.1 is in use"; done

  # A fresh cluster each time (redis-cli --cluster create needs empty nodes); only what up writes.
  rm -rf "$state/pids" "$state"/redis* "$state"/node-* "$state/nginx" "$state/cluster-create.log" "$state/nginx.port"
  mkdir -p "$state/pids"
  trap 'say "up failed: stopping what was started"; down > /dev/null' EXIT
  build_jar
  if $redis_cluster; then start_redis_cluster $((redis_port + 1)); else start_redis "$redis_port"; fi
  for i in $(seq "$nodes"); do start_node "$i" "${ports[$((i - 1))]}"; done
  for i in $(seq "$nodes"); do
    await "node-$i" "$state/node-$i/tether.log" 60 "serving HTTP" http_ok "http://127.0.0.1:${ports[$((i - 1))]}/"
  done
  start_nginx "$port" "${ports[@]}"
  trap - EXIT
  echo "$redis_uri" > "$state/redis.uri"
  echo "$port" > "$state/nginx.port"
  status
  echo "Chat at http://127.0.0.1:$port/ (nginx, round robin over ${nodes} nodes; WebSocket ws://127.0.0.1:$port/chat)"
}

down() {
  local name
  stop nginx
  for name in $(names); do
    case "$name" in node-*) stop "$name" ;; esac
  done
  for name in $(names); do stop "$name"; done
}

status() {
  local name running=0
  for name in $(names); do
    if alive "$name"; then
      echo "running  $name  pid $(pid_of "$name")"
      running=$((running + 1))
    else
      echo "stopped  $name  (pid $(pid_of "$name") gone)"
    fi
  done
  if [ "$running" -eq 0 ]; then
    echo "nothing running (state in $state)"
  else
    echo "redis: $(cat "$state/redis.uri" 2>/dev/null || echo '?')  logs: $state"
  fi
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) shift; down ;;
  status) shift; status ;;
  *) usage ;;
esac
