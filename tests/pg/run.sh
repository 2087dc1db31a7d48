#!/bin/sh
# Run a command (the test suite) with a throw-away local PostgreSQL server.
#
#   tests/pg/run.sh .venv/bin/python -m pytest -q
#
# Best effort: PostgreSQL is installed with apt-get when missing (Debian package
# "postgresql", as root only), a cluster is created in a temporary folder, the server listens
# on the loopback only (127.0.0.1, a free port, its socket in the temporary folder), and it is
# stopped and deleted when the command ends, whatever happens. The URL is exported as
# CLOTERRES_TEST_PG_URL; without it the PostgreSQL variants of the tests are skipped with the
# reason written in CLOTERRES_TEST_PG_SKIP. The server runs as an unprivileged user (initdb
# and postgres refuse root): the "postgres" user the package creates, or "nobody".

find_bin() {
    for dir in "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/*/bin /usr/local/bin /usr/bin; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

start_server() {
    BIN=$(find_bin)
    if [ -z "$BIN" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "Installation de PostgreSQL pour les tests (apt-get, une seule fois)…" >&2
        { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql;
        } >/dev/null 2>&1
        BIN=$(find_bin)
    fi
    if [ -z "$BIN" ]; then
        CLOTERRES_TEST_PG_SKIP="PostgreSQL is not installed and could not be installed (apt-get as root)"
        return 1
    fi
    RUN_AS=""
    if [ "$(id -u)" = 0 ]; then
        if id postgres >/dev/null 2>&1; then USER_PG=postgres; else USER_PG=nobody; fi
        if command -v runuser >/dev/null 2>&1; then
            RUN_AS="runuser -u $USER_PG --"
        else
            RUN_AS="su -s /bin/sh $USER_PG -c"
        fi
    fi
    PGTMP=$(mktemp -d "${TMPDIR:-/tmp}/cloterres-pg.XXXXXX") || return 1
    [ -n "$RUN_AS" ] && chown "$USER_PG" "$PGTMP"
    chmod 700 "$PGTMP"
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
    if ! $RUN_AS "$BIN/initdb" -D "$PGTMP/data" -U cloterres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log" 2>&1; then
        CLOTERRES_TEST_PG_SKIP="initdb failed (see $PGTMP/initdb.log)"
        return 1
    fi
    if ! $RUN_AS "$BIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGTMP -c fsync=off" start >/dev/null 2>&1; then
        CLOTERRES_TEST_PG_SKIP="the PostgreSQL server did not start (see $PGTMP/server.log)"
        return 1
    fi
    if ! $RUN_AS "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U cloterres cloterres_test >/dev/null 2>&1; then
        CLOTERRES_TEST_PG_SKIP="createdb failed"
        return 1
    fi
    CLOTERRES_TEST_PG_URL="postgresql+psycopg://cloterres@127.0.0.1:$PORT/cloterres_test"
    export CLOTERRES_TEST_PG_URL
    return 0
}

stop_server() {
    if [ -n "$PGTMP" ] && [ -d "$PGTMP/data" ]; then
        $RUN_AS "$BIN/pg_ctl" -D "$PGTMP/data" -m immediate -w stop >/dev/null 2>&1
    fi
    [ -n "$PGTMP" ] && rm -rf "$PGTMP"
}

PGTMP=""
trap stop_server EXIT
trap 'exit 130' INT TERM
if start_server; then
    echo "PostgreSQL de test : 127.0.0.1:$PORT (arrêté à la fin)" >&2
else
    echo "PostgreSQL indisponible, tests PostgreSQL ignorés : $CLOTERRES_TEST_PG_SKIP" >&2
    export CLOTERRES_TEST_PG_SKIP
fi
"$@"
