#!/usr/bin/env bash
# examples/run.sh NAME [ARGS...]: builds an example (and the modules it needs) and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat >&2 <<'USAGE'
usage: examples/run.sh NAME [ARGS...]
  minimal-server [PORT]                    resumable echo server on ws://127.0.0.1:PORT/echo (8080; 0 = any free port)
  reconnecting-client URL [COUNT]          sends COUNT (20) messages, reconnects and resumes, exits 0 when all echoed
                                           (also the client for redis-server: it resumes across a server restart)
  redis-server PORT REDIS_URI              the echo server with its sessions in Redis (e.g. 8080 redis://127.0.0.1:6379)
  spring-chat [--tether.store=redis] ...   a Spring Boot chat: http://127.0.0.1:8080/
USAGE
  exit 2
}

case "${1:-}" in
  minimal-server)      module=minimal-server;      main=io.tether.examples.minimal.MinimalServer ;;
  reconnecting-client) module=reconnecting-client; main=io.tether.examples.client.ReconnectingClient ;;
  redis-server)        module=redis-resume;        main=io.tether.examples.redis.RedisResumeServer ;;
  spring-chat)
    shift
    mvn -B -ntp -q -pl examples/spring-chat -am package -DskipTests
    # The page at http://127.0.0.1:8080/, the lobby's WebSocket on 8081; --tether.store=redis to keep sessions in Redis
    exec java -jar examples/spring-chat/target/tether-example-spring-chat.jar "$@"
    ;;
  *) usage ;;
esac
shift

# package builds the Tether modules the example needs in this checkout (no mvn install: nothing
# goes to ~/.m2), and build-classpath writes where their jars and the libraries are.
mvn -B -ntp -q -pl "examples/$module" -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -DskipTests
exec java -cp "examples/$module/target/classes:$(cat "examples/$module/target/classpath.txt")" "$main" "$@"
