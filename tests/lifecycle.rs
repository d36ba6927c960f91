//! placeholder
#[test] fn placeholder() {}
