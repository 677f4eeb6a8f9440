#!/usr/bin/env bash
# Reconcile benchmark: one CLI pass over ROLES roles (default 200), ORGS organizations (default 10,000), USERS users
# (default 100,000), MEMBERSHIPS memberships (default 100,000), INVITATIONS invitations (default 20,000), PLANS plans
# (default 20) and SUBSCRIPTION_ITEMS subscription items (default 50,000) into an empty Convex (all inserted), then a
# second pass (all unchanged),
# against local Node stand-ins of Clerk's Backend API and Convex's HTTP API
# (bench/reconcile/standins.mjs), with Clerk's production rate limit configured (1000 requests per 10 s, also
# enforced by the stand-in). Reports per pass: wall time of the CLI (JVM start included), Clerk requests, Convex
# calls, peak RSS, CPU of the CLI and of the stand-ins, the summary's counts; and the load average, since the machine
# may be shared. Each JVM option set gets its own stand-ins (an empty Convex for its first pass).
#   bench/reconcile/run.sh [--users N] [--orgs N] [--memberships N] [--roles N] [--invitations N] [--plans N]
#                          [--subscription-items N] [--java-opts "opts1;opts2"]
# Environment: USERS, ORGS, MEMBERSHIPS, ROLES, INVITATIONS, PLANS, SUBSCRIPTION_ITEMS (0 leaves that kind out of the
# pass; users always run), BENCH_JAVA_OPTS: option sets separated
# by ';' (default: "@jvm.options" as the README runs the runtime, and "@jvm.options -XX:TieredStopAtLevel=1" as the
# README runs a reconcile).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
USERS="${USERS:-100000}"
ORGS="${ORGS:-10000}"
MEMBERSHIPS="${MEMBERSHIPS:-100000}"
ROLES="${ROLES:-200}"
INVITATIONS="${INVITATIONS:-20000}"
PLANS="${PLANS:-20}"
SUBSCRIPTION_ITEMS="${SUBSCRIPTION_ITEMS:-50000}"
JAVA_OPTS="${BENCH_JAVA_OPTS:-@jvm.options;@jvm.options -XX:TieredStopAtLevel=1}"
while [ $# -gt 0 ]; do
  case "$1" in
    --users) USERS="$2"; shift 2 ;;
    --orgs) ORGS="$2"; shift 2 ;;
    --memberships) MEMBERSHIPS="$2"; shift 2 ;;
    --roles) ROLES="$2"; shift 2 ;;
    --invitations) INVITATIONS="$2"; shift 2 ;;
    --plans) PLANS="$2"; shift 2 ;;
    --subscription-items) SUBSCRIPTION_ITEMS="$2"; shift 2 ;;
    --java-opts) JAVA_OPTS="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done

KINDS=users
[ "$ORGS" -gt 0 ] && KINDS="organizations,$KINDS"
[ "$ROLES" -gt 0 ] && KINDS="roles,$KINDS"
[ "$MEMBERSHIPS" -gt 0 ] && KINDS="$KINDS,memberships"
[ "$INVITATIONS" -gt 0 ] && KINDS="$KINDS,invitations"
[ "$PLANS" -gt 0 ] && KINDS="$KINDS,plans"
[ "$SUBSCRIPTION_ITEMS" -gt 0 ] && KINDS="$KINDS,subscriptionItems"
cd "$ROOT"
# the Java bin/clerk-convex-sync would pick (BENCH_JAVA_HOME names another); jvm.options is Java 25's, so on Java
# 17-24 the option sets read jvm17.options instead
# shellcheck source=bin/find-java.sh
. bin/find-java.sh
JAVA_HOME="${BENCH_JAVA_HOME:-${JAVA_HOME:-}}" find_java || { echo "no Java 17 or later found" >&2; exit 1; }
JAVA="$JAVA_FOUND/bin/java"
[ "$JAVA_FEATURE" -ge "$JAVA_WANTED" ] || JAVA_OPTS="${JAVA_OPTS//@jvm.options/@jvm17.options}"
JAR=target/clerk-convex-sync.jar
if [ ! -f "$JAR" ] || [ -n "$(find src/main application.properties pom.xml -newer "$JAR" -print -quit)" ]; then
  echo "building $JAR" >&2
  timeout 600 ./mvnw -B -q package -DskipTests
fi

WORK="$(mktemp -d)"
STANDINS=""
cleanup() { [ -n "$STANDINS" ] && kill "$STANDINS" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
stats() { curl -s "http://127.0.0.1:$1/stats"; }
# CPU seconds the stand-ins have used so far (utime + stime of /proc/<pid>/stat)
standin_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$STANDINS/stat"; }

n=0
IFS=';' read -r -a OPTION_SETS <<< "$JAVA_OPTS"
for opts in "${OPTION_SETS[@]}"; do
  n=$((n + 1))
  node "$HERE/standins.mjs" "$USERS" "$WORK/ports-$n.json" "$ORGS" "$MEMBERSHIPS" "$ROLES" "$INVITATIONS" "$PLANS" \
    "$SUBSCRIPTION_ITEMS" 2>"$WORK/standins.log" &
  STANDINS=$!
  for _ in $(seq 1 600); do [ -s "$WORK/ports-$n.json" ] && break; sleep 0.1; done
  [ -s "$WORK/ports-$n.json" ] || { echo "stand-ins did not start" >&2; cat "$WORK/standins.log" >&2; exit 1; }
  CLERK_PORT=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$WORK/ports-$n.json')).clerk)")
  CONVEX_PORT=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$WORK/ports-$n.json')).convex)")

  export CLERK_SECRET_KEY=sk_test_bench CLERK_API_URL="http://127.0.0.1:$CLERK_PORT"
  export CONVEX_URL="http://127.0.0.1:$CONVEX_PORT" CONVEX_DEPLOY_KEY='dev:bench|key'
  export CLERK_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw DATA_DIR="$WORK/data-$n"
  export RECONCILE_CLERK_REQUESTS_PER_10S=1000 LOG_FORMAT=plain RECONCILE_KINDS="$KINDS"

  echo "## $JAVA $opts: $ROLES roles, $ORGS organizations, $USERS users, $MEMBERSHIPS memberships, $INVITATIONS invitations, $PLANS plans, $SUBSCRIPTION_ITEMS subscription items ($KINDS), $(nproc) cores, load average before $(cut -d' ' -f1-3 /proc/loadavg)"
  for pass in 1 2; do
    clerk_before=$(stats "$CLERK_PORT"); convex_before=$(stats "$CONVEX_PORT"); standin_before=$(standin_cpu)
    start=$(date +%s%N)
    set +e
    # shellcheck disable=SC2086
    /usr/bin/time -f "%M %U %S" -o "$WORK/rss" "$JAVA" $opts -jar "$JAR" reconcile >"$WORK/summary-$pass.json" 2>"$WORK/stderr-$pass.log"
    code=$?
    set -e
    end=$(date +%s%N)
    node - "$pass" "$code" "$(( (end - start) / 1000000 ))" "$(tail -1 "$WORK/rss")" "$clerk_before" "$(stats "$CLERK_PORT")" \
        "$convex_before" "$(stats "$CONVEX_PORT")" "$WORK/summary-$pass.json" "$standin_before" "$(standin_cpu)" <<'JS'
const [pass, code, ms, time, cb, ca, vb, va, summaryFile, sb, sa] = process.argv.slice(2);
const [rssKb, userS, sysS] = time.split(" ").map(Number);
const d = (a, b, k) => JSON.parse(b)[k] - JSON.parse(a)[k];
let s = {};
try { s = JSON.parse(require("fs").readFileSync(summaryFile, "utf8")); } catch { }
console.log(`pass ${pass}: exit ${code}, wall ${(ms / 1000).toFixed(2)} s (JVM start included), peak RSS ${(rssKb / 1024).toFixed(0)} MiB, CPU ${(userS + sysS).toFixed(1)} s, `
  + `Clerk requests ${d(cb, ca, "requests")} (429: ${d(cb, ca, "rateLimited")}, not GET: ${d(cb, ca, "notGet")}), Convex calls ${d(vb, va, "calls")} `
  + `(upsertManyFromClerk ${d(vb, va, "upsertMany")}, pageExternalIds ${d(vb, va, "pageExternalIds")}, deleteFromClerk ${d(vb, va, "deleteFromClerk")}, `
  + `archiveFromClerk ${d(vb, va, "archiveFromClerk")}), complete ${s.complete}, `
  + ["roles", "organizations", "users", "memberships", "invitations", "plans", "subscriptionItems"].filter((k) => s[k])
    .map((k) => `${k}: listed ${s[k].listed}, upserted ${JSON.stringify(s[k].upserted)}, deleted ${s[k].deleted}, kept ${s[k].kept}, `
      + `archived ${s[k].archived}, reread ${s[k].reread}, refused ${s[k].refused}`).join("; ")
  + `, pass itself ${s.seconds} s, stand-ins' CPU ${(sa - sb).toFixed(1)} s`);
JS
    [ "$code" = 0 ] || { echo "pass $pass failed; its standard error:" >&2; tail -20 "$WORK/stderr-$pass.log" >&2; exit 1; }
  done
  kill "$STANDINS"; wait "$STANDINS" 2>/dev/null || true; STANDINS=""
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
