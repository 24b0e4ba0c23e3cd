//! The One Click Multi DRM API model: request bodies (written strictly, with the current field
//! names) and response objects (read leniently, see spec §5), the success envelope and the two
//! error shapes.

pub(crate) mod lenient;
pub(crate) mod open_enum;

pub mod envelope;
pub mod license;
pub mod log;
pub mod policy;
pub mod query;
pub mod site;
pub mod time;
pub mod validate;
