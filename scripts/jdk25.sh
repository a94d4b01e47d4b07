# Sourced by ./smpsim, ./test and .ci/run: finds a JDK 25 and exports JAVA_HOME for it.
# Order: $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*25*. The default java on these
# machines is 17, so the last step is the usual one.

jdk_major() { # prints the feature version of the JDK at $1 (a JAVA_HOME), or nothing
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk25() {
    local candidate
    if [ -n "${JAVA_HOME:-}" ] && [ "$(jdk_major "$JAVA_HOME")" = "25" ]; then
        echo "$JAVA_HOME"; return 0
    fi
    if command -v java >/dev/null 2>&1; then
        candidate=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
        if [ "$(jdk_major "$candidate")" = "25" ]; then
            echo "$candidate"; return 0
        fi
    fi
    for candidate in /usr/lib/jvm/*25*; do
        if [ "$(jdk_major "$candidate")" = "25" ]; then
            echo "$candidate"; return 0
        fi
    done
    return 1
}

if ! SMPSIM_JDK=$(find_jdk25); then
    echo "smpsim needs a JDK 25: none found in \$JAVA_HOME, on the PATH or under /usr/lib/jvm." >&2
    echo "Install one (e.g. Temurin 25) or point JAVA_HOME at it." >&2
    exit 2
fi
export JAVA_HOME="$SMPSIM_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own guava calls sun.misc.Unsafe, which JDK 25 warns about on every build.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
