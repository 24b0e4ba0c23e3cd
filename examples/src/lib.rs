//! Example programs for multidrm, one per task a user has, in `src/bin/`. Each runs to
//! completion on loopback with no arguments: `cargo run -p multidrm-examples --bin NAME`.
//!
//! | Program | Shows |
//! | --- | --- |
//! | `mint_tokens_in_handler` | an axum handler minting license tokens with a policy encrypted once at startup |
//! | `fetch_keys_shaka` | CPIX keys for a four-track title (Widevine, PlayReady, FairPlay) and the Shaka Packager command |
//! | `ncp_policies` | listing and creating NAVER Cloud One Click Multi DRM policies |
//! | `entitlement_in_axum` | the DIVA entitlement verifier in your own axum handler (replay guard, tokens minted with a prepared policy), called by the player client |
//!
//! `tests/run_examples.rs` runs each of them and checks what it prints.
