//! The bounded body reader: reads at most `limit` bytes plus the chunk that crosses it, then
//! stops, without buffering more than that.

use crate::error::{TransportError, from_reqwest};

/// Reads the body of `response`, failing with "body exceeds `limit` bytes" as soon as more than
/// `limit` bytes arrived (or the announced `Content-Length` is larger). `url` is only used to cut
/// it out of error messages.
pub(crate) async fn read_bounded(
    response: &mut reqwest::Response,
    limit: usize,
    url: &str,
) -> Result<Vec<u8>, TransportError> {
    let limit_u64 = u64::try_from(limit).unwrap_or(u64::MAX);
    if response.content_length().is_some_and(|len| len > limit_u64) {
        return Err(TransportError::body_too_large(limit));
    }
    let capacity = response
        .content_length()
        .and_then(|len| usize::try_from(len).ok())
        .unwrap_or(0)
        .min(limit);
    let mut body = Vec::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await.map_err(|e| from_reqwest(e, url))? {
        if chunk.len() > limit - body.len() {
            return Err(TransportError::body_too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
