#!/usr/bin/env bash
# Proves the latest backup restores: loads it into a scratch database, checks every table in the dump is there
# with the row count the dump holds, and that the application accepts the restored schema
# (`manage.py migrate --check` and `manage.py check --database default`). Drops the scratch database after.
# Run it weekly (congress-restore-test.timer) and before trusting a backup for real.
#
#   DATABASE_URL   the live database's URL; the scratch database is created beside it (required)
#   BACKUP_DIR     where backup.sh writes (default /var/backups/congress)
#   DUMP           a specific dump to test (default: $BACKUP_DIR/latest.dump)
#   RESTORE_DB     scratch database name (default: <live name>_restore_test)
#   PYTHON         the project's python (default: the checkout's .venv/bin/python)
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must be set}"
here="$(cd "$(dirname "$0")" && pwd)"
project="$(dirname "$here")"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/congress}"
DUMP="${DUMP:-$BACKUP_DIR/latest.dump}"
PYTHON="${PYTHON:-$project/.venv/bin/python}"

[ -s "$DUMP" ] || { echo "no backup at $DUMP" >&2; exit 1; }

url="${DATABASE_URL%%\?*}"
server="${url%/*}"
live_db="${url##*/}"
RESTORE_DB="${RESTORE_DB:-${live_db}_restore_test}"
case "$RESTORE_DB" in
  *[!A-Za-z0-9_]*) echo "unsafe scratch database name: $RESTORE_DB" >&2; exit 1 ;;
esac
[ "$RESTORE_DB" != "$live_db" ] || { echo "refusing to restore over the live database" >&2; exit 1; }
scratch_url="$server/$RESTORE_DB"
admin_url="$server/postgres"

work="$(mktemp -d)"
cleanup() {
  psql --quiet --no-psqlrc "$admin_url" -c "DROP DATABASE IF EXISTS \"$RESTORE_DB\"" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql --quiet --no-psqlrc -v ON_ERROR_STOP=1 "$admin_url" \
  -c "DROP DATABASE IF EXISTS \"$RESTORE_DB\"" -c "CREATE DATABASE \"$RESTORE_DB\"" >/dev/null
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$scratch_url" "$DUMP"

# What the dump holds: each table's rows are the lines of its COPY block in the dump's SQL.
pg_restore --file=- --data-only "$DUMP" | awk '
  /^COPY / { table = $2; count = 0; inside = 1; next }
  inside && /^\\\.$/ { print table, count; inside = 0; next }
  inside { count++ }
' | sort >"$work/expected"
pg_restore --list "$DUMP" | awk '$4 == "TABLE" && $5 != "DATA" { print $5 "." $6 }' | sort >"$work/tables-in-dump"

# What the scratch database holds.
psql --no-psqlrc -At -v ON_ERROR_STOP=1 "$scratch_url" \
  -c "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')" \
  | sort >"$work/tables-restored"
: >"$work/actual"
while read -r table _; do
  rows="$(psql --no-psqlrc -At -v ON_ERROR_STOP=1 "$scratch_url" -c "SELECT count(*) FROM $table")"
  echo "$table $rows" >>"$work/actual"
done <"$work/expected"
sort -o "$work/actual" "$work/actual"

status=0
if ! diff -u "$work/tables-in-dump" "$work/tables-restored"; then
  echo "FAIL: the restored tables differ from the dump's" >&2
  status=1
fi
if ! diff -u "$work/expected" "$work/actual"; then
  echo "FAIL: restored row counts differ from the dump's" >&2
  status=1
fi

# The application's own view: every migration applied and the system checks pass on the restored database.
DATABASE_URL="$scratch_url" "$PYTHON" "$project/manage.py" migrate --check --noinput >/dev/null \
  || { echo "FAIL: the restored database has unapplied migrations" >&2; status=1; }
DATABASE_URL="$scratch_url" "$PYTHON" "$project/manage.py" check --database default >/dev/null \
  || { echo "FAIL: manage.py check failed on the restored database" >&2; status=1; }

tables="$(wc -l <"$work/tables-restored")"
rows="$(awk '{ sum += $2 } END { print sum + 0 }' "$work/actual")"
if [ "$status" -eq 0 ]; then
  echo "restore test passed: $DUMP -> $RESTORE_DB, $tables tables, $rows rows"
fi
exit "$status"
