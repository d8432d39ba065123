#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster from the Debian server binaries (no Docker) and
# prints its DATABASE_URL. Usage: eval "$(scripts/postgres.sh start DIR)"; scripts/postgres.sh stop DIR
set -euo pipefail
action=$1 dir=$2
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_owner() {
  # The server refuses to run as root; run it as the postgres system user then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $action in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$pg_bin/initdb" -D "$dir/data" -U papi --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    as_owner "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U papi papi
    echo "export DATABASE_URL=postgres://papi@127.0.0.1:$port/papi"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
esac
