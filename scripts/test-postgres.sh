#!/bin/sh
# Starts (or reuses) a private PostgreSQL cluster on 127.0.0.1 for Keel's store tests and prints the
# variables the test fixture reads, ready for eval:
#
#   eval "$(scripts/test-postgres.sh)"      # start or reuse, then export KEEL_TEST_PG_*
#   scripts/test-postgres.sh stop           # stop the cluster (the data directory stays)
#   scripts/test-postgres.sh purge          # stop and delete the data directory
#
# KEEL_TEST_PG_DIR chooses the directory (default: /tmp/keel-test-pg), KEEL_TEST_PG_LISTEN the
# address (default 127.0.0.1; scripts/pg-blackhole.sh uses one it can take away). The cluster
# belongs to the `postgres` OS user when run as root (initdb refuses root), listens only on that
# address on a free port (remembered in the directory), and has a role and a database `keel_test`
# with a random password.
# Diagnostics go to stderr; stdout carries only the export line.
set -eu

DIR=${KEEL_TEST_PG_DIR:-/tmp/keel-test-pg}
DATA="$DIR/data"
LISTEN=${KEEL_TEST_PG_LISTEN:-127.0.0.1}
MODE=${1:-start}

PGBIN=${KEEL_PG_BIN:-}
if [ -z "$PGBIN" ]; then
    for v in 17 16 15 14 13; do
        if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then PGBIN="/usr/lib/postgresql/$v/bin"; break; fi
    done
fi
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "test-postgres: no PostgreSQL server binaries found (set KEEL_PG_BIN)" >&2
    exit 1
fi

# Run a command as the cluster owner: `postgres` when we are root, ourselves otherwise.
if [ "$(id -u)" = 0 ]; then
    OWNER=postgres
    as_owner() { runuser -u "$OWNER" -- "$@"; }
else
    OWNER=$(id -un)
    as_owner() { "$@"; }
fi

pg_running() {
    [ -f "$DATA/postmaster.pid" ] && as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

case "$MODE" in
stop)
    if pg_running; then as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >&2; fi
    exit 0 ;;
purge)
    if pg_running; then as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >&2; fi
    rm -rf "$DIR"
    exit 0 ;;
start) ;;
*)
    echo "usage: $0 [start|stop|purge]" >&2
    exit 2 ;;
esac

mkdir -p "$DIR"
chmod 755 "$DIR"
if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    mkdir -p "$DATA" "$DIR/socket" "$DIR/log"
    chown "$OWNER" "$DATA" "$DIR/socket" "$DIR/log"
    chmod 700 "$DATA"
    head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DIR/password"
    chmod 644 "$DIR/password" # a throw-away cluster on loopback; initdb runs as its owner and reads it
    free_port > "$DIR/port"
    as_owner "$PGBIN/initdb" -D "$DATA" -U postgres -A scram-sha-256 --pwfile="$DIR/password" \
        -E UTF8 --locale=C.UTF-8 >&2
    # initdb's pg_hba.conf admits TCP from 127.0.0.1 and ::1 only.
    [ "$LISTEN" = 127.0.0.1 ] || echo "host all all $LISTEN/32 scram-sha-256" >> "$DATA/pg_hba.conf"
    NEW=1
else
    NEW=0
fi
PORT=$(cat "$DIR/port")
PASS=$(cat "$DIR/password")

if ! pg_running; then
    # A previous run may have been killed; if the remembered port is taken by something else, move.
    # SO_REUSEADDR as PostgreSQL sets it: connections of the cluster's previous run in TIME_WAIT do
    # not make the port "taken" (moving would strand clients that reconnect after a restart).
    if python3 -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('$LISTEN',$PORT))" 2>/dev/null; then :; else
        PORT=$(free_port); echo "$PORT" > "$DIR/port"
    fi
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/log/server.log" -w -t 60 \
        -o "-c listen_addresses=$LISTEN -p $PORT -k $DIR/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >&2
fi

export PGPASSWORD="$PASS"
PSQL="$PGBIN/psql -X -q -h $LISTEN -p $PORT -U postgres -d postgres -v ON_ERROR_STOP=1"
if [ "$NEW" = 1 ] || ! $PSQL -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'keel_test'" | grep -q 1; then
    $PSQL -c "CREATE ROLE keel_test LOGIN PASSWORD '$PASS'" >&2
    $PSQL -c "CREATE DATABASE keel_test OWNER keel_test" >&2
fi

echo "export KEEL_TEST_PG_HOST=$LISTEN KEEL_TEST_PG_PORT=$PORT KEEL_TEST_PG_USER=keel_test KEEL_TEST_PG_PASSWORD=$PASS KEEL_TEST_PG_DB=keel_test"
