#![doc = include_str!("../README.md")]

// DRM signalling codecs and system ids.
pub mod fairplay;
pub mod playready;
pub mod pssh;
pub mod system;
pub mod widevine;
