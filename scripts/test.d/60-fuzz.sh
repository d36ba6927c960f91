# Fuzzing, bounded in time (sourced by scripts/test after 50-rust.sh):
# 1. the schema-driven GraphQL fuzz run against the real binary, CANYU_FUZZ_SECONDS (60);
# 2. the cargo-fuzz targets in fuzz/ (event decoding, clause splitter), CANYU_FUZZ_TARGET_SECONDS
#    (30) each. cargo-fuzz needs nightly compiler flags: on a stable toolchain RUSTC_BOOTSTRAP=1
#    unlocks them (see docs/security.md). Without cargo-fuzz (and no way to install it) the
#    step says so and relies on the stable harness in services/domain/tests/robustness.rs,
#    which runs in every `cargo test`; CANYU_REQUIRE_SERVICES=1 (CI) makes that a failure.
# CANYU_SKIP_FUZZ=1 skips the step (quick local runs).
canyu_fuzz() {
  if [ "${CANYU_SKIP_FUZZ:-}" = "1" ]; then
    echo "fuzz: skipped (CANYU_SKIP_FUZZ=1)"
    return 0
  fi
  local seconds="${CANYU_FUZZ_SECONDS:-60}" target_seconds="${CANYU_FUZZ_TARGET_SECONDS:-30}"
  echo "fuzz: GraphQL API for ${seconds}s"
  # The workspace and feature set of 50-rust.sh, so the test binary is reused, not rebuilt.
  CANYU_FUZZ_SECONDS="$seconds" cargo test --workspace ${CANYU_CARGO_FEATURES:+--features "$CANYU_CARGO_FEATURES"} --test fuzz_graphql -- --nocapture 2>&1 \
    | grep -E "fuzz|test result|panicked|FAILED" || return 1

  if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: cargo-fuzz not found; installing it (cargo install cargo-fuzz --locked)"
    cargo install cargo-fuzz --locked >/dev/null 2>&1 || true
  fi
  if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: cargo-fuzz unavailable; the stable harness (services/domain/tests/robustness.rs) ran in the Rust step"
    [ "${CANYU_REQUIRE_SERVICES:-}" = "1" ] && return 1
    return 0
  fi
  local t
  for t in event_decode clause_split; do
    echo "fuzz: cargo fuzz run $t for ${target_seconds}s"
    (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" -- -max_total_time="$target_seconds" -print_final_stats=1 2>&1 | grep -E "Done|stat::number_of_executed_units|ERROR|panicked|SUMMARY") || return 1
  done
}
canyu_fuzz
