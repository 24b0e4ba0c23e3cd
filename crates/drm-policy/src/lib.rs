#![doc = include_str!("../README.md")]

pub mod ids;

pub use ids::{InvalidKeyId, InvalidTrackType, KeyId, TrackType};
