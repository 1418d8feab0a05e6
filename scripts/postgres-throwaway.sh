#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: installs Debian's postgresql
# package if it is missing, runs initdb on a temporary directory and starts
# the server with pg_ctl on 127.0.0.1 (a free port; its unix socket in the
# temporary directory, no other listener), creates a database and prints the
# URL. Authentication is `trust`: loopback only, for tests, never for data.
#
# Usage:
#   eval "$(bash scripts/postgres-throwaway.sh start)"
#       prints `export ZKGOV_TEST_POSTGRES=postgres://...` and
#       `export ZKGOV_PG_THROWAWAY=<dir>` for the shell to evaluate
#   bash scripts/postgres-throwaway.sh stop [DIR]
#       stops that cluster (default $ZKGOV_PG_THROWAWAY) and deletes its dir
#   bash scripts/postgres-throwaway.sh run -- COMMAND...
#       start, run COMMAND with ZKGOV_TEST_POSTGRES set, stop (also on failure)
#
# Everything but the export lines goes to stderr.
set -euo pipefail

log() { echo "postgres-throwaway: $*" >&2; }

pg_bin() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
        if [[ $(id -u) -ne 0 ]]; then
            log "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
            return 1
        fi
        log "installing Debian's postgresql package"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq --no-install-recommends postgresql >&2
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    echo "$bin"
}

# Runs a PostgreSQL program as the (non-root) owner of the cluster.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    local bin dir port url
    bin=$(pg_bin)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/zkgov-pg.XXXXXX")
    touch "$dir/.zkgov-throwaway"
    mkdir "$dir/data"
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown -R postgres: "$dir"
    fi
    chmod 700 "$dir" "$dir/data"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
        --no-locale --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; return 1; }
    local tries=0
    while :; do
        port=$((20000 + RANDOM % 20000))
        if port_free "$port" && as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" \
            start >/dev/null 2>&1; then
            break
        fi
        tries=$((tries + 1))
        if [[ $tries -ge 5 ]]; then
            log "the server did not start:"
            cat "$dir/server.log" >&2 || true
            return 1
        fi
    done
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres zkgov_test
    url="postgres://postgres@127.0.0.1:$port/zkgov_test"
    log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $url (cluster in $dir)"
    echo "export ZKGOV_TEST_POSTGRES=$url"
    echo "export ZKGOV_PG_THROWAWAY=$dir"
}

stop() {
    local dir=${1:-${ZKGOV_PG_THROWAWAY:-}} bin
    if [[ -z "$dir" || ! -f "$dir/.zkgov-throwaway" ]]; then
        log "no throwaway cluster to stop (${dir:-none given})"
        return 1
    fi
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 \
            || log "pg_ctl stop failed (see $dir/server.log)"
    fi
    rm -rf "$dir"
    log "stopped and removed $dir"
}

case "${1:-}" in
start) start ;;
stop) stop "${2:-}" ;;
run)
    shift
    [[ "${1:-}" == "--" ]] && shift
    eval "$(start)"
    trap 'stop "$ZKGOV_PG_THROWAWAY"' EXIT
    "$@"
    ;;
*)
    sed -n '2,17p' "$0" >&2
    exit 2
    ;;
esac
