#!/bin/bash
# Time the nightly backup and the monthly restore test of docs/deploy.md section 5, step by
# step, on the database in DATABASE_URL. Prints seconds and sizes per step.
#
#   DATABASE_URL=postgres://user@host:port/uvisa UVISA_FIELD_KEYS=... UVISA_LOOKUP_KEY=... \
#     DJANGO_SECRET_KEY=... bash bench/backup_restore.sh [/path/to/dump/dir]
#
# Needs the PostgreSQL client tools (pg_dump, pg_restore, createdb, dropdb) and the app's
# .venv. Leaves the source database alone; restores into <name>_restore_test and drops it.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
dir=${1:-$(mktemp -d)}
mkdir -p "$dir"
# postgres://user[:password]@host:port/name -> libpq environment
rest=${DATABASE_URL#*://}
creds=${rest%%@*}; hostpart=${rest#*@}
export PGUSER=${creds%%:*}
[[ $creds == *:* ]] && export PGPASSWORD=${creds#*:}
hostport=${hostpart%%/*}; db=${hostpart#*/}; db=${db%%\?*}
export PGHOST=${hostport%%:*}
[[ $hostport == *:* ]] && export PGPORT=${hostport#*:}
scratch=${db}_restore_test
out="$dir/$db-$(date +%F).dump"
py=.venv/bin/python

step() {  # step "name" command...
  local name=$1; shift
  local t0=$SECONDS
  "$@"
  printf '%-40s %6d s\n' "$name" $((SECONDS - t0))
}

echo "database $db on $PGHOST:${PGPORT:-5432}: $(psql -Atc "select pg_size_pretty(pg_database_size('$db'))" "$db")"
step "pg_dump (custom, compress 6)" pg_dump --format=custom --compress=6 --no-owner --file="$out.part" "$db"
mv "$out.part" "$out"
echo "dump file: $(du -h "$out" | cut -f1)"
step "pg_restore --list (archive readable)" bash -c "pg_restore --list '$out' >/dev/null"
dropdb --if-exists "$scratch"
step "createdb" createdb "$scratch"
step "pg_restore (one job, as documented)" pg_restore --exit-on-error --no-owner --dbname="$scratch" "$out"
restored="${DATABASE_URL%/*}/$scratch"
step "migrate --check" env DATABASE_URL="$restored" $py manage.py migrate --check
check() {
  env DATABASE_URL="$1" $py manage.py shell -c \
    "from cases.models import CertificationRequest as R; print(R.objects.count(), R.objects.latest('created_at').reference)" \
    2>/dev/null | tail -1
}
source_line=$(check "$DATABASE_URL"); restored_line=$(check "$restored")
echo "source:   $source_line"
echo "restored: $restored_line"
[[ "$source_line" == "$restored_line" ]] || { echo "restore differs from the source"; exit 1; }
step "audit_verify (the audit chain is intact)" env DATABASE_URL="$restored" $py manage.py audit_verify
step "dropdb" dropdb "$scratch"
echo "backup and restore: OK in ${SECONDS} s"
