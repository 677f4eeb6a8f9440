# Sourced by bin/clerk-convex-sync, bin/build-aot-cache and .ci/run: picks the Java that runs clerk-convex-sync.
# After find_java: JAVA_FOUND (a JDK/JRE home), JAVA_FEATURE (its feature release: 17, 25, ...). Returns 1 when no
# Java 17 or later is found. The order: $JAVA_HOME as the user set it (any Java >= 17: the user's choice), else a
# Java >= 25 on the PATH, else one in the usual install folders, else the PATH's java (>= 17) as the fallback.
JAVA_WANTED=25

# the feature release of the Java at home $1 ("" when it is not a Java): its release file, else its own answer
java_feature() {
  local home="$1" v=""
  [ -x "$home/bin/java" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  fi
  echo "$v"
}

find_java() {
  local home v candidate
  JAVA_FOUND="" JAVA_FEATURE=""
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(java_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 17 ]; then JAVA_FOUND="$JAVA_HOME" JAVA_FEATURE="$v"; return 0; fi
  fi
  home=""
  if candidate=$(command -v java 2>/dev/null); then
    home=$(dirname "$(dirname "$(readlink -f "$candidate")")")
    v=$(java_feature "$home")
    if [ -n "$v" ] && [ "$v" -ge "$JAVA_WANTED" ]; then JAVA_FOUND="$home" JAVA_FEATURE="$v"; return 0; fi
  fi
  # Debian/Ubuntu packages and Temurin's .deb (/usr/lib/jvm), the Temurin image (/opt/java/openjdk), SDKMAN, macOS
  for candidate in /usr/lib/jvm/* /opt/java/openjdk "${HOME:-/nonexistent}"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$candidate" ] || continue
    v=$(java_feature "$candidate")
    if [ -n "$v" ] && [ "$v" -ge "$JAVA_WANTED" ]; then JAVA_FOUND="$candidate" JAVA_FEATURE="$v"; return 0; fi
  done
  if [ -n "$home" ]; then
    v=$(java_feature "$home")
    if [ -n "$v" ] && [ "$v" -ge 17 ]; then JAVA_FOUND="$home" JAVA_FEATURE="$v"; return 0; fi
  fi
  return 1
}

# the options file for that Java: jvm.options (Java 25 and later) or jvm17.options (Java 17 to 24: no 25-only option)
java_options_file() {
  if [ "$JAVA_FEATURE" -ge "$JAVA_WANTED" ]; then echo jvm.options; else echo jvm17.options; fi
}
