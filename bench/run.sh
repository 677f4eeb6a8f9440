#!/usr/bin/env bash
# One command for the whole benchmark (see bench/README.md):
#   bench/run.sh [--rounds N] [--mixes padded,docs,mix] [--duration S] [--warmup S] [--concurrency N]
#                [--targets ceiling,runtime,peer] [--store h2|postgres] [--wrk-threads N] [--quiet-wait S]
#                [--java JDK_HOME] [--jfr] [--profile] [--nmt] [--no-md] [--otel-sink] [--otel-ratio R]
# The same options can be given as environment variables: ROUNDS (default 3), MIXES, DURATION (s per mix, default 30),
# WARMUP (s per start, default 60), CONCURRENCY, TARGETS, STORE (postgres: one more runtime per round on a fresh
# PostgreSQL database at PGHOST:PGPORT, default 127.0.0.1:5432, user PGUSER, default postgres), WRK_THREADS,
# QUIET_WAIT, JFR=1, PROFILE=1 (async-profiler), NMT=1 (native memory summaries), WRITE_MD=0, DIAG_TARGET (which
# target --jfr/--profile/--nmt attach to, default runtime), PROFILE_EVENT (async-profiler's event: cpu or wall),
# BENCH_JAVA_HOME (--java: the JDK the runtime runs on, default the one bin/clerk-convex-sync finds: Java 25 where
# there is one), BENCH_JAVA_OPTS (set: `java <these options> -jar` instead of the README's bin/clerk-convex-sync),
# RATE_GUESS.
# Traces: every OTEL_* variable of the environment reaches the runtime (README "Observability: traces"); --otel-sink
# (OTEL_SINK=1) starts bench/otlp-sink.mjs, a local OTLP/HTTP receiver that discards spans, and points the runtime at
# it; --otel-ratio R (OTEL_RATIO) samples that fraction of webhooks (parentbased_traceidratio), default all of them.
# It installs what is missing (wrk from Debian, the peer's npm packages, the stand-in built with gcc,
# the runtime jar with ./mvnw), then runs bench/run.mjs. Every step is bounded in time; every process
# it starts is stopped at the end.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
cmd="bench/run.sh${*:+ $*}"

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) export ROUNDS="$2"; shift 2 ;;
    --mixes) export MIXES="$2"; shift 2 ;;
    --store) export STORE="$2"; shift 2 ;;
    --quiet-wait) export QUIET_WAIT="$2"; shift 2 ;;
    --duration) export DURATION="$2"; shift 2 ;;
    --warmup) export WARMUP="$2"; shift 2 ;;
    --concurrency) export CONCURRENCY="$2"; shift 2 ;;
    --targets) export TARGETS="$2"; shift 2 ;;
    --wrk-threads) export WRK_THREADS="$2"; shift 2 ;;
    --jfr) export JFR=1; shift ;;
    --profile) export PROFILE=1; shift ;;
    --nmt) export NMT=1; shift ;;
    --java) export BENCH_JAVA_HOME="$2"; shift 2 ;;
    --no-md) export WRITE_MD=0; shift ;;
    --otel-sink) export OTEL_SINK=1; shift ;;
    --otel-ratio) export OTEL_RATIO="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
export BENCH_COMMAND="$cmd"
TARGETS="${TARGETS:-ceiling,runtime,peer}"

log() { echo "[bench] $*"; }
apt_install() {
  # apt-get install as it is here (root); refresh the package lists once if the first try cannot find it
  if ! apt-get install -y -qq "$@" >/dev/null 2>&1; then
    timeout 300 apt-get update -qq
    timeout 600 apt-get install -y -qq "$@" >/dev/null
  fi
}
command -v node >/dev/null || { echo "node (>= 20) is required" >&2; exit 1; }
command -v wrk >/dev/null || { log "installing wrk (Debian package)"; apt_install wrk; }
command -v gcc >/dev/null || { log "installing gcc (Debian package)"; apt_install gcc libc6-dev; }

# Convex stand-in: a small C epoll server, built here (bench/results/ is not committed)
BIN="$BENCH/results/.bin"
mkdir -p "$BIN"
if [ ! -x "$BIN/convex-standin" ] || [ "$BENCH/standin/convex-standin.c" -nt "$BIN/convex-standin" ]; then
  log "building the Convex stand-in"
  gcc -O2 -Wall -o "$BIN/convex-standin" "$BENCH/standin/convex-standin.c"
fi
export STANDIN_BIN="$BIN/convex-standin"

# reference peer: npm ci from the committed lock file
if [[ "$TARGETS" == *peer* ]]; then
  if [ ! -d "$BENCH/peer/node_modules/svix" ] || [ "$BENCH/peer/package-lock.json" -nt "$BENCH/peer/node_modules/.package-lock.json" ]; then
    log "installing the peer's npm packages (npm ci)"
    (cd "$BENCH/peer" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# runtime jar: build it if it is not there, or older than the sources it is built from (a stale jar would be
# measured without the latest changes)
if [ "${STORE:-h2}" = "postgres" ]; then
  command -v psql >/dev/null || { log "installing the PostgreSQL client (Debian package)"; apt_install postgresql-client; }
fi
if [[ "$TARGETS" == *runtime* ]] || [ "${STORE:-h2}" = "postgres" ]; then
  JAR="${JAR:-target/clerk-convex-sync.jar}"
  case "$JAR" in /*) ;; *) JAR="$ROOT/$JAR" ;; esac
  stale=""
  if [ -f "$JAR" ] && [ "$JAR" = "$ROOT/target/clerk-convex-sync.jar" ]; then
    stale=$(find "$ROOT/src/main" "$ROOT/pom.xml" "$ROOT/application.properties" -newer "$JAR" -print -quit 2>/dev/null)
  fi
  if [ ! -f "$JAR" ] || [ -n "$stale" ]; then
    [ -f "$ROOT/pom.xml" ] || { echo "no pom.xml at $ROOT: the runtime cannot be built yet (use --targets ceiling,peer)" >&2; exit 1; }
    command -v java >/dev/null || { log "installing a JDK (Debian package)"; apt_install openjdk-17-jdk-headless; }
    log "building the runtime jar (./mvnw -B -q package -DskipTests)"
    (cd "$ROOT" && timeout 900 ./mvnw -B -q package -DskipTests)
  fi
  # the start-up archive bin/clerk-convex-sync maps for the Java it runs on (the AOT cache on 25, the CDS archive on
  # 17): made by the build for the Java found then; made here for another one (--java) when it is missing
  if [ -z "${BENCH_JAVA_OPTS+set}" ] && [ "$JAR" = "$ROOT/target/clerk-convex-sync.jar" ]; then
    # shellcheck source=bin/find-java.sh
    . "$ROOT/bin/find-java.sh"
    JAVA_HOME="${BENCH_JAVA_HOME:-${JAVA_HOME:-}}" find_java || { echo "no Java 17 or later found" >&2; exit 1; }
    archive="$ROOT/target/clerk-convex-sync.jsa"
    [ "$JAVA_FEATURE" -ge "$JAVA_WANTED" ] && archive="$ROOT/target/clerk-convex-sync.aot"
    if [ ! -f "$archive" ]; then
      log "making $(basename "$archive") for Java $JAVA_FEATURE (bin/build-aot-cache)"
      JAVA_HOME="$JAVA_FOUND" timeout 900 "$ROOT/bin/build-aot-cache" >/dev/null
    fi
  fi
fi

# async-profiler for --profile: its Maven Central artifact carries the native library for each platform
if [ "${PROFILE:-}" = "1" ]; then
  AP_VERSION=4.1
  case "$(uname -m)" in x86_64) AP_ARCH=linux-x64 ;; aarch64) AP_ARCH=linux-arm64 ;; *) echo "--profile: no async-profiler build for $(uname -m)" >&2; exit 1 ;; esac
  export ASYNC_PROFILER_LIB="$BIN/async-profiler-$AP_VERSION/$AP_ARCH/libasyncProfiler.so"
  if [ ! -f "$ASYNC_PROFILER_LIB" ]; then
    log "fetching async-profiler $AP_VERSION (Maven Central)"
    (cd "$ROOT" && timeout 300 ./mvnw -B -q dependency:copy -Dartifact="tools.profiler:async-profiler:$AP_VERSION" \
      -DoutputDirectory="$BIN" -Dmdep.overWriteIfNewer=true)
    (cd "$BIN" && mkdir -p "async-profiler-$AP_VERSION" && unzip -o -q "async-profiler-$AP_VERSION.jar" "$AP_ARCH/*" -d "async-profiler-$AP_VERSION")
  fi
fi

# pre-signed events live on disk under bench/results/ for the length of a phase (1.5-3.3 KB each)
free_gib=$(df -Pk "$BENCH" | awk 'NR==2 {print int($4/1048576)}')
[ "$free_gib" -ge 8 ] || log "warning: only ${free_gib} GiB free; a start needs up to RATE_GUESS*WARMUP*2 KB and a mix rate*2.5*DURATION*3.3 KB of pre-signed events"

# traces on: a local sink for the spans, stopped with the run
if [ "${OTEL_SINK:-}" = "1" ]; then
  sink_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  node "$BENCH/otlp-sink.mjs" "$sink_port" &
  sink_pid=$!
  trap 'kill "$sink_pid" 2>/dev/null; wait "$sink_pid" 2>/dev/null || true' EXIT
  export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
fi
if [ -n "${OTEL_RATIO:-}" ]; then
  export OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG="$OTEL_RATIO"
fi
[ -z "${OTEL_EXPORTER_OTLP_ENDPOINT:-}${OTEL_TRACES_EXPORTER:-}" ] || log "traces on: ${OTEL_EXPORTER_OTLP_ENDPOINT:-$OTEL_TRACES_EXPORTER}, sampler ${OTEL_TRACES_SAMPLER:-parentbased_always_on} ${OTEL_TRACES_SAMPLER_ARG:-}"

node "$BENCH/run.mjs"
