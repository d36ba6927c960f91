# Redis for the read-model store tests (sourced by scripts/test).
# Uses CANYU_TEST_REDIS_URL if it is set. Otherwise starts a throwaway server: Debian's
# redis-server (installed with apt-get when missing and running as root), a fresh directory
# under /tmp, a free port on 127.0.0.1, no persistence, stopped on exit. Tests that kill and
# restart Redis start their own redis-server from the same package.
# Without Redis its tests print SKIP, unless CANYU_REQUIRE_SERVICES=1 (CI).

canyu_redis_missing() {
  if [ "${CANYU_REQUIRE_SERVICES:-}" = 1 ]; then
    echo "Redis: $1, and CANYU_REQUIRE_SERVICES=1 requires it" >&2
    return 1
  fi
  echo "SKIP: Redis: $1; its read-model store tests will skip"
}

canyu_redis_start() {
  local dir port
  if ! command -v redis-server >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Redis: installing the Debian package …"
    # The package's own service is not needed; policy-rc.d keeps it from being started.
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null; } \
      || echo "Redis: apt-get install failed" >&2
    rm -f /usr/sbin/policy-rc.d
  fi
  command -v redis-server >/dev/null || { canyu_redis_missing "no redis-server binary"; return; }

  dir=$(mktemp -d /tmp/canyu-redis.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
  if ! redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
      --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"; then
    canyu_redis_missing "redis-server did not start"
    return
  fi
  local i
  for i in $(seq 1 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$port" ping >/dev/null 2>&1 || { cat "$dir/redis.log" >&2; canyu_redis_missing "redis-server does not answer"; return; }
  CANYU_CLEANUP+=("kill \$(cat $dir/redis.pid); rm -rf $dir")
  export CANYU_TEST_REDIS_URL="redis://127.0.0.1:$port"
  echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) at $CANYU_TEST_REDIS_URL (data in $dir)"
}

if [ -n "${CANYU_TEST_REDIS_URL:-}" ]; then
  echo "Redis: using CANYU_TEST_REDIS_URL"
else
  canyu_redis_start
fi
