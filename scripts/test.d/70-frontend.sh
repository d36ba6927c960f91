# Web frontend: codegen staleness, type check, unit tests (Vitest), the GraphQL community's
# conformance checks (frontend/conformance/run.mjs), build, and browser tests
# (Playwright in Debian's Chromium) against a seeded `canyu serve` on a free 127.0.0.1 port.
# Sourced by scripts/test (set -euo pipefail). Missing npm/Chromium is a SKIP unless
# CANYU_REQUIRE_SERVICES=1.
frontend_step() {
  local start=$SECONDS
  local chromium="${CHROMIUM_PATH:-}"
  if [ -z "$chromium" ]; then
    chromium="$(command -v chromium || command -v chromium-browser || true)"
  fi
  if { [ -z "$chromium" ] || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; } \
    && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Chromium and CJK fonts (apt-get)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
    chromium="$(command -v chromium || true)"
  fi
  local missing=""
  command -v npm >/dev/null 2>&1 || missing="npm"
  [ -n "$chromium" ] || missing="${missing:+$missing, }chromium"
  if [ -n "$missing" ]; then
    if [ "${CANYU_REQUIRE_SERVICES:-0}" = 1 ]; then
      echo "frontend: $missing is required (CANYU_REQUIRE_SERVICES=1)" >&2
      return 1
    fi
    echo "SKIP frontend tests: $missing not found (install Node.js/npm and chromium + fonts-noto-cjk)"
    return 0
  fi
  # The same cargo invocation as the Rust step builds target/debug/canyu: a no-op after it,
  # where a plain `cargo build` would recompile with other feature unification.
  cargo test --quiet --workspace --all-targets --no-run ${CANYU_CARGO_FEATURES:+--features "$CANYU_CARGO_FEATURES"}
  (
    cd frontend
    export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CHROMIUM_PATH="$chromium" CANYU_BIN="$CANYU_ROOT/target/debug/canyu"
    npm ci --no-audit --no-fund --loglevel=error
    echo "-- codegen check (src/gql/ must match schema/schema.graphql)"
    npm run --silent codegen:check
    echo "-- vue-tsc"
    npm run --silent typecheck
    echo "-- vitest"
    npm run --silent test:unit
    echo "-- GraphQL conformance: graphql-http audit and graphql-ws reference client against canyu serve"
    npm run --silent conformance
    echo "-- build"
    npm run --silent build >/dev/null
    echo "-- playwright"
    npm run --silent test:e2e
  )
  echo "frontend step finished in $((SECONDS - start))s"
}
frontend_step
