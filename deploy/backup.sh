#!/usr/bin/env bash
# Nightly backup: a pg_dump in custom format (compressed, restorable table by table) plus the uploaded files,
# kept for BACKUP_KEEP days. Run by congress-backup.timer (or cron: `15 2 * * * congress /srv/congress/deploy/backup.sh`).
#
#   DATABASE_URL   postgres://user@host:5432/congress   (required; read from /etc/congress/env under systemd)
#   BACKUP_DIR     where dumps go                        (default /var/backups/congress)
#   BACKUP_KEEP    how many dumps to keep                (default 14)
#   MEDIA_ROOT     uploaded attachments to archive too   (optional)
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must be set}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/congress}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"
umask 077  # the dumps hold ID numbers and addresses: readable by the service user only

mkdir -p "$BACKUP_DIR"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dump="$BACKUP_DIR/congress-$stamp.dump"
partial="$BACKUP_DIR/.congress-$stamp.dump.partial"
trap 'rm -f "$partial"' EXIT

# A dump is written under a temporary name and renamed only once complete and readable, so a crash or a full
# disk never leaves a truncated file that rotation would then prefer over a good one.
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$partial"
pg_restore --list "$partial" >/dev/null
mv "$partial" "$dump"
ln -sfn "$(basename "$dump")" "$BACKUP_DIR/latest.dump"

if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar --create --gzip --file="$BACKUP_DIR/media-$stamp.tar.gz" --directory="$MEDIA_ROOT" .
fi

# Rotation: keep the newest BACKUP_KEEP of each kind (names sort by time).
for pattern in 'congress-*.dump' 'media-*.tar.gz'; do
  find "$BACKUP_DIR" -maxdepth 1 -name "$pattern" -type f | sort -r | tail -n +"$((BACKUP_KEEP + 1))" | xargs -r rm -f --
done

echo "backup written: $dump ($(du -h "$dump" | cut -f1))"
