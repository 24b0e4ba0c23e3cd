//! Example programs for multidrm live in `src/bin/`; run one with
//! `cargo run -p multidrm-examples --bin NAME`.
