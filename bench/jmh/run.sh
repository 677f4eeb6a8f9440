#!/usr/bin/env bash
# JMH benchmark of the runtime's per-event CPU path (see README.md). From the repository root:
#   bench/jmh/run.sh                 # all benchmarks, JMH's annotations: 1 fork, 5x2 s warm-up, 5x2 s measurement
#   bench/jmh/run.sh fullPath -f 1 -wi 3 -i 5     # any JMH options / benchmark regex
# Builds the runtime jar if it is missing (./mvnw -B -q package -DskipTests), then this project against it.
# JAR=/path/to/clerk-convex-sync.jar picks another runtime jar. Results: bench/results/jmh-<stamp>.json (not committed).
set -euo pipefail
JMH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$JMH/../.." && pwd)"
JAR="${JAR:-$ROOT/target/clerk-convex-sync.jar}"
case "$JAR" in /*) ;; *) JAR="$ROOT/$JAR" ;; esac
if [ ! -f "$JAR" ]; then
  echo "[jmh] building the runtime jar (./mvnw -B -q package -DskipTests)"
  (cd "$ROOT" && timeout 900 ./mvnw -B -q package -DskipTests)
fi
echo "[jmh] building the benchmarks against $JAR"
# clean: the compiler cannot see that the runtime jar changed, and a stale build would call methods that are gone
(cd "$ROOT" && timeout 900 ./mvnw -B -q -f bench/jmh/pom.xml clean package -Druntime.jar="$JAR")
mkdir -p "$ROOT/bench/results"
out="$ROOT/bench/results/jmh-$(date -u +%Y%m%dT%H%M%SZ).json"
cd "$ROOT"   # the benchmark reads the repository's application.properties
# bounded: JMH's own iteration counts, and an outer limit
exec timeout 1800 java -cp "$JMH/target/benchmarks.jar:$JAR" org.openjdk.jmh.Main -foe true -rf json -rff "$out" "$@"
