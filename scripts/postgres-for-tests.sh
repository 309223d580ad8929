#!/usr/bin/env bash
# A real PostgreSQL server for the tests, on a free local port, stopped at the end:
#   scripts/postgres-for-tests.sh start DIR   initdb into DIR/data (as the unprivileged `postgres`
#                                             user when run as root), start, write DIR/url
#   scripts/postgres-for-tests.sh stop DIR    stop it and remove DIR
#   scripts/postgres-for-tests.sh restart DIR SECONDS   stop it, wait, start it again on its port
#                                             (what a worker sees when the server goes away)
# The superuser "studio" has password "studio" over TCP (so a wrong password is a real refusal).
# CTest runs these as the setup/cleanup fixture of the tests that use a server store.
set -euo pipefail
action="$1" dir="$(realpath -m "$2")"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "postgres-for-tests: PostgreSQL is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$action" in
start)
  "$0" stop "$dir" >/dev/null 2>&1 || true
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  echo studio > "$dir/pw"
  as_owner "$bin/initdb" -D "$dir/data" -U studio --pwfile="$dir/pw" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  port=""
  for p in $(shuf -i 20000-32000 -n 50); do  # a port nothing listens on, below the ephemeral range
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { port=$p; break; }
  done
  echo "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" > "$dir/options"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgresql://studio:studio@127.0.0.1:$port/postgres" > "$dir/url"
  echo "postgres-for-tests: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
  ;;
restart)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
  sleep "${3:-3}"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >/dev/null \
    || { tail -20 "$dir/server.log" >&2; exit 1; }
  ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR, or restart DIR SECONDS" >&2; exit 2 ;;
esac
