#![doc = include_str!("../README.md")]

mod body;
mod client;
mod error;
mod message;
mod pages;
mod retry;
mod url;

pub use client::{
    ClientBuilder, DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE,
    DEFAULT_READ_TIMEOUT, HttpClient,
};
pub use error::{TransportError, TransportKind};
pub use message::{Headers, Method, Request, Response};
pub use pages::PageCursor;
pub use retry::{Attempt, RetryPolicy};
pub use url::{BaseUrl, InvalidBaseUrl};
