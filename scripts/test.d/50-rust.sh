# Rust: unit and domain tests, store conformance, read-model rebuild, contract drift, and the
# end-to-end tests that run the real `canyu` binary.
cargo test --workspace --all-targets --features "$CANYU_CARGO_FEATURES" "$@"
