# The one feature set every cargo call of the tests and lints uses (sourced by scripts/test and
# .ci/run), so nothing is compiled twice and every optional backend is built and linted.
export CANYU_CARGO_FEATURES="canyu/kurrentdb,canyu-eventstore/conformance,canyu-eventstore/postgres,canyu-projections/redis,canyu-projections/conformance,canyu-gateway/redis"
