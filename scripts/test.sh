#!/usr/bin/env bash
# Runs the whole test suite: Maven (Java unit, integration, interop, storm, chaos and browser
# tests), then the Node tests of tether.js. Installs the Debian packages it needs first when they
# are missing (as root; otherwise it says what to install). Extra arguments go to Maven.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
missing=()
while read -r pkg; do
  case "$pkg" in ''|'#'*) continue ;; esac
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < "$here/scripts/debian-packages.txt"
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing ${missing[*]}" >&2
    apt-get update -qq
    # Debian starts redis-server and nginx as system services on install; the tests start their
    # own on free ports, so keep the packages from starting any (policy-rc.d exit 101 = "not now").
    guard=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    if [ -n "$guard" ]; then rm -f /usr/sbin/policy-rc.d; fi
  else
    echo "test.sh: please install: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
cd "$here"
# The release profile adds the sources and javadoc jars (doclint on, a warning fails) that Maven
# Central takes; check-release.py then checks them and the POMs, and prints the artifacts' sizes.
mvn -B -ntp -P release verify "$@"
python3 scripts/check-release.py
# tether.js (the browser client) with Node's test runner, against the jar that verify just built.
(cd tether-app/src/test/js && npm ci --no-audit --no-fund --loglevel=error && node --test)
# tether.js as the npm package tether-js: its declarations checked by tsc against a typed example,
# the packed tarball's contents and an import by name, then the tarball itself (not published).
(cd tether-js && npm ci --no-audit --no-fund --loglevel=error && npx tsc -p types-test && node --test test/ \
  && mkdir -p target && npm pack --pack-destination target >/dev/null)
