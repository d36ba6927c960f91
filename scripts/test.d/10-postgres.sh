# PostgreSQL for the event store's conformance tests (sourced by scripts/test).
# Uses CANYU_TEST_POSTGRES_URL if it is set. Otherwise starts a throwaway server: Debian's
# binaries (installed with apt-get when missing and running as root), a fresh data directory
# under /tmp, a free port on 127.0.0.1, a socket in the data directory, stopped on exit.
# Without PostgreSQL its tests print SKIP, unless CANYU_REQUIRE_SERVICES=1 (CI).

canyu_pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

canyu_pg_missing() {
  if [ "${CANYU_REQUIRE_SERVICES:-}" = 1 ]; then
    echo "PostgreSQL: $1, and CANYU_REQUIRE_SERVICES=1 requires it" >&2
    return 1
  fi
  echo "SKIP: PostgreSQL: $1; its event store tests will skip"
}

canyu_pg_start() {
  local bin user dir port run=()
  bin=$(canyu_pg_bin_dir)
  if [ -z "$bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "PostgreSQL: installing the Debian package (about a minute) …"
    # The package's own cluster is not needed; policy-rc.d keeps it from being started.
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; } \
      || echo "PostgreSQL: apt-get install failed" >&2
    rm -f /usr/sbin/policy-rc.d
    bin=$(canyu_pg_bin_dir)
  fi
  [ -n "$bin" ] || { canyu_pg_missing "no server binaries in /usr/lib/postgresql/*/bin"; return; }

  dir=$(mktemp -d /tmp/canyu-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root.
    user=postgres
    id -u "$user" >/dev/null 2>&1 || user=canyu-pg
    id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
    chown "$user" "$dir"
    run=(runuser -u "$user" --)
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
  if ! "${run[@]}" "$bin/initdb" -D "$dir/data" -U canyu -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    canyu_pg_missing "initdb failed"
    return
  fi
  # Test server: durability off (fsync) for speed; enough connections for parallel checks.
  if ! "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c full_page_writes=off" \
      start >/dev/null; then
    cat "$dir/server.log" >&2
    canyu_pg_missing "the server did not start"
    return
  fi
  CANYU_CLEANUP+=("${run[*]} $bin/pg_ctl -D $dir/data -m immediate stop; rm -rf $dir")
  "${run[@]}" "$bin/createdb" -h "$dir" -p "$port" -U canyu canyu_test
  export CANYU_TEST_POSTGRES_URL="postgres://canyu@127.0.0.1:$port/canyu_test"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $CANYU_TEST_POSTGRES_URL (data in $dir)"
}

if [ -n "${CANYU_TEST_POSTGRES_URL:-}" ]; then
  echo "PostgreSQL: using CANYU_TEST_POSTGRES_URL"
else
  canyu_pg_start
fi
