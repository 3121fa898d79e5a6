#!/usr/bin/env bash
# The whole test suite: unit and property tests, then integration tests on real
# processes on loopback. Usage: ./test.sh [extra maven args]
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -ntp install "$@"
