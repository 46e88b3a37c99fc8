#!/usr/bin/env bash
# PgBouncer (Debian's package) in transaction mode on 127.0.0.1:6432, in front of the local
# PostgreSQL at 127.0.0.1:5432: the pooler the tests run the attempts, concurrency and auth suites
# through (test/helpers/app.ts, dialect `postgres+pgbouncer`). Idempotent: installs it when missing,
# writes its own config (not /etc/pgbouncer's), starts it, restarts it when the config changed,
# and fails loudly when it does not answer. Run by .ci/run; developers run `bash .ci/pgbouncer.sh`.
set -euo pipefail

DIR=${PGBOUNCER_DIR:-/var/lib/mathakine-ci/pgbouncer}
PORT=6432
BIN=/usr/sbin/pgbouncer
PIDFILE="$DIR/pgbouncer.pid"
fail() {
  echo "FATAL: PgBouncer on 127.0.0.1:$PORT: $*" >&2
  [[ -f "$DIR/pgbouncer.log" ]] && tail -n 20 "$DIR/pgbouncer.log" >&2
  exit 1
}
answers() { psql -h 127.0.0.1 -p "$PORT" -U postgres -d "${1:-test}" -Atc 'select 1' >/dev/null 2>&1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
# the pid in our pidfile when that process runs (a killed one may linger a moment as a zombie)
our_pid() { [[ -f "$PIDFILE" ]] && [[ "$(ps -o stat= -p "$(cat "$PIDFILE")" 2>/dev/null)" == [^Z]* ]] && cat "$PIDFILE"; }

if [[ ! -x "$BIN" ]]; then
  echo "Installing Debian's pgbouncer"
  (apt-get update && apt-get install -y pgbouncer) || fail "apt-get install pgbouncer failed"
  # The package's own service (its /etc/pgbouncer config, same port) is not the one we want.
  { systemctl stop pgbouncer && systemctl disable pgbouncer; } >/dev/null 2>&1 || service pgbouncer stop >/dev/null 2>&1 || true
fi

# pgbouncer refuses to run as root: as root it drops to the postgres user, which owns the folder.
RUN_AS=()
if [[ $EUID -eq 0 ]]; then RUN_AS=(-u postgres); fi
mkdir -p "$DIR"
[[ $EUID -eq 0 ]] && chown postgres:postgres "$DIR"

# `*`: any database name goes to the same name on 5432, so every scratch test database works.
# auth_type trust matches the local cluster's trust setup (the user must still be in auth_file).
# No statement_timeout in ignore_startup_parameters: ignored would mean silently not applied; the
# tests put the timeout on the database instead (README, Scaling out).
# server_idle_timeout is short: 5 people share this PostgreSQL's 100 connections.
CONFIG="[databases]
* = host=127.0.0.1 port=5432

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = trust
auth_file = $DIR/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 500
default_pool_size = 10
server_idle_timeout = 30
logfile = $DIR/pgbouncer.log
pidfile = $PIDFILE
"
changed=false
if ! printf '%s' "$CONFIG" | cmp -s - "$DIR/pgbouncer.ini"; then
  printf '%s' "$CONFIG" >"$DIR/pgbouncer.ini"
  changed=true
fi
echo '"postgres" ""' >"$DIR/userlist.txt"

pid=$(our_pid || true)
if [[ -n "$pid" && $changed == true ]]; then
  echo "PgBouncer config changed: restarting it (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && fail "pid $pid did not stop"
  pid=
fi
if [[ -z "$pid" ]]; then
  rm -f "$PIDFILE" # stale (killed without cleaning up)
  if port_open; then
    # Debian's own service, started by the package on a machine with systemd
    { systemctl stop pgbouncer || service pgbouncer stop; } >/dev/null 2>&1 || true
    sleep 1
    port_open && fail "port $PORT is taken by another process (not this script's pgbouncer, pidfile $PIDFILE)"
  fi
  echo "Starting PgBouncer on 127.0.0.1:$PORT (config $DIR/pgbouncer.ini)"
  "$BIN" -d "${RUN_AS[@]}" "$DIR/pgbouncer.ini" || fail "pgbouncer did not start"
fi

for _ in $(seq 1 30); do answers && break; sleep 0.5; done
answers || fail "it does not answer 'select 1' on database test (is PostgreSQL up at 127.0.0.1:5432?)"
mode=$(psql -h 127.0.0.1 -p "$PORT" -U postgres -d pgbouncer -Atc 'show config' 2>/dev/null | awk -F'|' '$1 == "pool_mode" { print $2 }')
[[ "$mode" == transaction ]] || fail "pool_mode is '$mode', expected transaction"
echo "PgBouncer $("$BIN" --version | head -n 1 | awk '{print $2}') answers on 127.0.0.1:$PORT (pool_mode=transaction, pid $(cat "$PIDFILE"))"
