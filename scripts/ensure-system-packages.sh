#!/usr/bin/env bash
# The Debian packages the tests need, installed when they are missing and this machine lets us
# (root, or sudo without a password); otherwise one line saying what to run. Shared by
# `make test` (profile "test") and .ci/run (profile "ci": also PostgreSQL for the private
# cluster and wrk for the benchmark's smoke test).
#
#   scripts/ensure-system-packages.sh [test|ci]
#
# Exit 0: everything is there (or was just installed). Exit 2: something is missing and could
# not be installed; stderr says, in one line, what to run. Paths can be pointed elsewhere (the
# tests do): CHROMIUM (default /usr/bin/chromium), UVISA_PG_LIB (default /usr/lib/postgresql).
set -euo pipefail
profile=${1:-test}
who="make test"; [ "$profile" = ci ] && who="ci"
case "$profile" in test | ci) ;; *) echo "usage: $0 [test|ci]" >&2; exit 64 ;; esac
chromium=${CHROMIUM:-/usr/bin/chromium}
pg_lib=${UVISA_PG_LIB:-/usr/lib/postgresql}

need=()
command -v make >/dev/null || need+=(make)
command -v python3 >/dev/null || need+=(python3)
# venv without ensurepip (Debian splits it out) cannot make .venv.
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
[ -x "$chromium" ] || need+=(chromium)                 # the browser tests (Playwright)
command -v pdftotext >/dev/null || need+=(poppler-utils) # PDFs read back and rendered
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ "$profile" = ci ]; then
  compgen -G "$pg_lib/*/bin/initdb" >/dev/null || need+=(postgresql)
  command -v wrk >/dev/null || need+=(wrk)
fi
# python3 missing implies python3-venv missing: say each package once.
mapfile -t need < <(printf '%s\n' "${need[@]}" | awk 'NF && !seen[$0]++')
[ ${#need[@]} -eq 0 ] && exit 0

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "$who: missing ${need[*]}; run: sudo apt-get install -y --no-install-recommends ${need[*]}  (or make test-fast, which needs no browser)" >&2
    exit 2
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "$who: missing ${need[*]} and no apt-get here: install them with your system's package manager." >&2
  exit 2
fi
echo "$who: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
