#!/usr/bin/env bash
# The whole test suite: unit and property tests, integration tests on real processes on
# loopback, and a short Jepsen-style safety run (jepsen-tests: network namespaces as root,
# else loopback with process faults only). Usage: ./test.sh [extra maven args]
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -ntp install "$@"
