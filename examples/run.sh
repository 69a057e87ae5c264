#!/usr/bin/env bash
# examples/run.sh NAME [ARGS...]: builds an example (and the modules it needs) and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  spring-chat)
    shift
    mvn -B -ntp -q -pl examples/spring-chat -am package -DskipTests
    # The page at http://127.0.0.1:8080/, the lobby's WebSocket on 8081; --tether.store=redis to keep sessions in Redis
    exec java -jar examples/spring-chat/target/tether-example-spring-chat.jar "$@"
    ;;
  *)
    echo "usage: examples/run.sh spring-chat [--tether.store=redis] [--spring.data.redis.port=6379] ..." >&2
    exit 2
    ;;
esac
