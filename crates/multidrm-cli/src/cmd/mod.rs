//! One module per top-level command. Each exposes its clap arguments and a `run` function.

pub(crate) mod cpix;
pub(crate) mod demo;
pub(crate) mod entitlement;
pub(crate) mod license;
pub(crate) mod ncp;
pub(crate) mod playground;
pub(crate) mod policy;
pub(crate) mod pssh;
pub(crate) mod sandbox;
pub(crate) mod serve;
pub(crate) mod token;
