#!/usr/bin/env bash
# Starts a streaming replica of the local PostgreSQL (127.0.0.1:5432) on 127.0.0.1:5433 for the replica tests
# (congress/tests/test_replica.py). Idempotent: a replica already answering on 5433 is left as it is.
# The primary needs a replication line in pg_hba.conf (added and reloaded here if missing); wal_level=replica
# and max_wal_senders are PostgreSQL's defaults.
set -euo pipefail
PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_DIR=${REPLICA_DIR:-/tmp/congress-pg-replica}
VERSION=$(ls /etc/postgresql | head -n1)
BIN=/usr/lib/postgresql/$VERSION/bin
HBA=$(psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -Atc "SHOW hba_file")

if pg_isready -h 127.0.0.1 -p "$REPLICA_PORT" -q 2>/dev/null; then
  [ "$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -Atc 'SELECT pg_is_in_recovery()')" = t ] \
    || { echo "port $REPLICA_PORT answers but is not a replica" >&2; exit 1; }
  exit 0
fi

if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+' "$HBA"; then
  echo "host replication postgres 127.0.0.1/32 trust" >>"$HBA"
  psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -Atc "SELECT pg_reload_conf()" >/dev/null
fi

rm -rf "$REPLICA_DIR"
mkdir -p "$REPLICA_DIR"
chown postgres: "$REPLICA_DIR"
chmod 700 "$REPLICA_DIR"
# -X stream: the WAL written during the copy comes along; -R: standby.signal and primary_conninfo.
su postgres -c "$BIN/pg_basebackup -h 127.0.0.1 -p $PRIMARY_PORT -U postgres -D $REPLICA_DIR/data -X stream -R -c fast --no-sync"
# Debian keeps a cluster's configuration outside its data directory: the replica gets its own, minimal one.
cat >"$REPLICA_DIR/data/postgresql.conf" <<CONF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$REPLICA_DIR'
hot_standby = on
hot_standby_feedback = on
shared_buffers = 32MB
# A throwaway test replica: nothing it holds needs to survive a crash.
fsync = off
CONF
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$REPLICA_DIR/data/pg_hba.conf"
: >"$REPLICA_DIR/data/pg_ident.conf"
chown postgres: "$REPLICA_DIR"/data/{postgresql,pg_hba,pg_ident}.conf
su postgres -c "$BIN/pg_ctl -D $REPLICA_DIR/data -l $REPLICA_DIR/log -w -t 60 start"
