#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing:
# PostgreSQL 15 server binaries, Chromium (browser tests), poppler (PDF checks), gettext
# (translation checks), redis-server (the two-server test's shared cache) and the libraries
# WeasyPrint loads.
# Never downloads a browser of its own: Playwright drives Debian's chromium.
set -euo pipefail
need=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || need+=(postgresql)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v redis-server >/dev/null || need+=(redis-server)
command -v xgettext >/dev/null && command -v msgfmt >/dev/null || need+=(gettext)
ldconfig -p 2>/dev/null | grep -q "libmagic.so.1 " || need+=(libmagic1)
# WeasyPrint warns (an error under the suite's filterwarnings) without HarfBuzz's subsetter.
ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so.0 " || need+=(libharfbuzz-subset0)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Need root (or sudo) to install: ${need[*]}" >&2; exit 1; }
  sudo="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
