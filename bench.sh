#!/usr/bin/env bash
# Builds the JMH benchmarks and runs them: ./bench.sh [JMH options] [benchmark regex]
# e.g. ./bench.sh SingleCoreMips    ./bench.sh -f 1 -wi 3 -i 3 SingleCoreMips
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$ROOT/scripts/jdk25.sh"
(cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests -pl bench -am package >&2)
exec "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -jar "$ROOT/bench/target/benchmarks.jar" "$@"
