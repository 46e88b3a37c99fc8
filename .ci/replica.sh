#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL cluster, for the read-replica tests: a second cluster
# `replica` on 127.0.0.1:5434 made with pg_basebackup from `main` (5432). Idempotent: creates,
# repairs or starts only what is missing. Developers run it too: `bash .ci/replica.sh`.
set -euo pipefail

PORT="${REPLICA_PORT:-5434}"
NAME=replica
VERSION="$(ls /etc/postgresql | head -n 1)"
HBA="/etc/postgresql/$VERSION/main/pg_hba.conf"
DATA="/var/lib/postgresql/$VERSION/$NAME"
fail() { echo "FATAL: $*; the read-replica tests cannot run." >&2; exit 1; }

command -v pg_basebackup >/dev/null || fail "pg_basebackup is missing (Debian package postgresql-$VERSION)"
pg_isready -h 127.0.0.1 -p 5432 -q || fail "the primary at 127.0.0.1:5432 does not answer"

# The primary must accept replication connections from loopback (trust, like the rest of this cluster).
if ! grep -qE '^host\s+replication\s+all\s+127\.0\.0\.1/32\s+trust' "$HBA"; then
  echo "Allowing replication connections in $HBA"
  echo "host replication all 127.0.0.1/32 trust" >> "$HBA"
  psql -h 127.0.0.1 -U postgres -qAtc "select pg_reload_conf()" >/dev/null
fi

is_replica() {
  pg_isready -h 127.0.0.1 -p "$PORT" -q && [[ "$(psql -h 127.0.0.1 -p "$PORT" -U postgres -qAtc 'select pg_is_in_recovery()' 2>/dev/null)" == t ]]
}

# the replica lets in what the primary lets in (trust on loopback; Debian's default asks for passwords)
same_access() { cp "$HBA" "/etc/postgresql/$VERSION/$NAME/pg_hba.conf"; }

if pg_lsclusters -h | awk '{print $2}' | grep -qx "$NAME"; then
  same_access
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" reload 2>/dev/null || true
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do is_replica && break; sleep 0.5; done
  if ! is_replica; then
    echo "The $NAME cluster exists but is not a working replica: making it again"
    pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" stop -m immediate 2>/dev/null || true
    pg_dropcluster "$VERSION" "$NAME" || { rm -rf "/etc/postgresql/$VERSION/$NAME" "$DATA"; }
  fi
fi

if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$NAME"; then
  echo "Creating the streaming replica $NAME on port $PORT (pg_basebackup of main)"
  pg_createcluster "$VERSION" "$NAME" -p "$PORT" >/dev/null
  same_access
  rm -rf "$DATA"
  install -d -o postgres -g postgres -m 700 "$DATA" # its parent may belong to root
  # -R writes standby.signal and primary_conninfo: the copy starts as a streaming standby
  su postgres -c "pg_basebackup -h 127.0.0.1 -p 5432 -U postgres -D '$DATA' -R -X stream --checkpoint=fast" || fail "pg_basebackup failed"
  # the copy carries the primary's postgresql.auto.conf; the port is the replica cluster's own (its postgresql.conf)
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start || fail "the replica cluster did not start (see /var/log/postgresql/postgresql-$VERSION-$NAME.log)"
fi

for _ in $(seq 1 30); do is_replica && break; sleep 1; done
is_replica || fail "127.0.0.1:$PORT does not answer as a standby"
# a paused replay left by an interrupted test would make every later run see it lagging
psql -h 127.0.0.1 -p "$PORT" -U postgres -qAtc "select pg_wal_replay_resume()" >/dev/null
state="$(psql -h 127.0.0.1 -U postgres -qAtc "select state from pg_stat_replication where client_addr = '127.0.0.1' limit 1")"
[[ "$state" == streaming ]] || fail "the replica is not streaming from the primary (pg_stat_replication state: '${state:-none}')"
echo "Streaming replica ready at 127.0.0.1:$PORT"
