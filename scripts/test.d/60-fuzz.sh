# Fuzzing, bounded in time (sourced by scripts/test after 50-rust.sh):
# 1. the schema-driven GraphQL fuzz run against the real binary, CANYU_FUZZ_SECONDS (60);
# 2. the cargo-fuzz targets in fuzz/ (event decoding, clause splitter), CANYU_FUZZ_TARGET_SECONDS
#    (30) each, with cargo-fuzz 0.13 (installed into target/tools when the machine has another
#    version or none). cargo-fuzz needs nightly compiler flags: on a stable toolchain
#    RUSTC_BOOTSTRAP=1 unlocks them (see docs/security.md). A failing run prints the end of
#    its log (target/fuzz-<target>.log). Without cargo-fuzz (and no way to install it) the
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

  # A pinned cargo-fuzz: a machine may carry an older one whose compiler flags this rustc
  # refuses, so anything but 0.13.x is replaced by our own copy under target/tools.
  local fuzz_bin="cargo-fuzz" want="0.13.2" tools="$CANYU_ROOT/target/tools"
  if ! cargo fuzz --version 2>/dev/null | grep -q "cargo-fuzz 0\.13\."; then
    fuzz_bin="$tools/bin/cargo-fuzz"
    if ! "$fuzz_bin" fuzz --version 2>/dev/null | grep -q "cargo-fuzz $want"; then
      echo "fuzz: installing cargo-fuzz $want into target/tools"
      cargo install cargo-fuzz --version "$want" --locked --root "$tools" >"$tools.install.log" 2>&1 || tail -n 30 "$tools.install.log"
    fi
  fi
  if ! "$fuzz_bin" fuzz --version >/dev/null 2>&1; then
    echo "fuzz: cargo-fuzz unavailable; the stable harness (services/domain/tests/robustness.rs) ran in the Rust step"
    [ "${CANYU_REQUIRE_SERVICES:-}" = "1" ] && return 1
    return 0
  fi
  echo "fuzz: $("$fuzz_bin" fuzz --version)"
  # --sanitizer none: the fuzzed crates forbid unsafe code, so AddressSanitizer finds nothing
  # a panic would not, and it depends on the kernel's address-space layout. Debug assertions
  # stay on so an arithmetic overflow is a finding.
  local t log
  for t in event_decode clause_split; do
    echo "fuzz: cargo fuzz run $t for ${target_seconds}s"
    log="$CANYU_ROOT/target/fuzz-$t.log"
    mkdir -p "$CANYU_ROOT/target"
    if ! (cd fuzz && RUSTC_BOOTSTRAP=1 "$fuzz_bin" fuzz run --sanitizer none --debug-assertions "$t" -- \
      -max_total_time="$target_seconds" -print_final_stats=1 >"$log" 2>&1); then
      echo "fuzz: $t failed; the last lines of $log:"
      tail -n 60 "$log"
      return 1
    fi
    grep -E "^Done|stat::number_of_executed_units" "$log" || { tail -n 60 "$log"; return 1; }
  done
}
canyu_fuzz
