#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 (Django 6.1 needs it), or fails naming what is missing.
# pyenv shims answer "command not found" for versions that are installed but not selected,
# so every candidate is run, not just looked up.
set -u
want_major=3 want_minor=12
candidates=("${PYTHON:-}" python3.12 python3.13 python3.14 python3)
pyenv_root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for dir in $(ls -d "$pyenv_root"/versions/3.* 2>/dev/null | sort -V); do
  candidates+=("$dir/bin/python3")
done
candidates+=(/usr/bin/python3.12 /usr/bin/python3.13 /usr/local/bin/python3.12 /usr/local/bin/python3.13)
for c in "${candidates[@]}"; do
  [ -n "$c" ] || continue
  if "$c" -c "import sys, venv; sys.exit(sys.version_info < ($want_major, $want_minor))" >/dev/null 2>&1; then
    "$c" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
echo "PAPI Tracker needs Python $want_major.$want_minor or newer with the venv module (Django 6.1)." >&2
echo "None found on PATH or under $pyenv_root/versions. Install one (e.g. 'pyenv install 3.12')," >&2
echo "or point PYTHON at it: make PYTHON=/path/to/python3.12 run" >&2
exit 1
