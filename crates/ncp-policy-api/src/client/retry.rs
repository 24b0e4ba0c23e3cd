//! One call: a signed attempt per try (fresh timestamp every time), retried per the
//! [`RetryPolicy`] when the method is idempotent and the failure is retryable, all under the
//! client's whole-call deadline.

use drm_http::{Attempt, Request};
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::model::envelope::{Envelope, decode};
use crate::request::{ApiRequest, Method};

use super::skew::classify_clock_skew;
use super::{Client, http_date};

impl Client {
    /// Sends any prepared request and decodes its `content` as `T`, retrying idempotent
    /// methods per the [`RetryPolicy`](drm_http::RetryPolicy), all within the client's
    /// deadline ([`super::ClientBuilder::timeout`]).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn send<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
    ) -> Result<Envelope<T>, Error> {
        let inner = &*self.inner;
        let call = inner.retry.run(|number| async move {
            let (result, retry_after) = self.attempt::<T>(request, number).await;
            match result {
                Err(error) if request.method.is_idempotent() && error.is_retryable() => {
                    tracing::debug!(
                        method = request.method.as_str(),
                        path = request.path(),
                        attempt = number,
                        error = %error,
                        "NCP API call failed, retrying if attempts are left"
                    );
                    Attempt::Retry { error, retry_after }
                }
                other => Attempt::Done(other),
            }
        });
        inner.http.within_deadline(call).await
    }

    /// One signed attempt. Also returns the server's `Retry-After`, if any.
    async fn attempt<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
        number: u32,
    ) -> (Result<Envelope<T>, Error>, Option<std::time::Duration>) {
        let inner = &*self.inner;
        let target = format!("{}{}", inner.base.path(), request.target);
        let timestamp = inner.clock.now_ms();
        let headers = crate::signature::signed_headers(
            request.method.as_str(),
            &target,
            timestamp,
            &inner.access_key,
            &inner.secret_key,
            &inner.region,
        );
        let method = match request.method {
            Method::Get => drm_http::Method::Get,
            Method::Post => drm_http::Method::Post,
            Method::Put => drm_http::Method::Put,
            Method::Delete => drm_http::Method::Delete,
        };
        let mut http_request = Request::new(method, format!("{}{target}", inner.base.origin()));
        for (name, value) in headers.iter() {
            http_request = http_request.sensitive_header(name, value);
        }
        if let Some(body) = &request.body {
            http_request = http_request.body(body.clone().into_bytes());
        }
        let response = match inner.http.send(http_request).await {
            Ok(response) => response,
            Err(e) => return (Err(Error::from(e.with_attempts(number))), None),
        };
        let status = response.status();
        let retry_after = response.retry_after();
        let server_ms = response.header("date").and_then(http_date::parse_ms);
        tracing::debug!(
            method = request.method.as_str(),
            target = %target,
            attempt = number,
            status,
            "NCP API response"
        );
        if let Some(redirect) = response.redirect_error() {
            return (Err(Error::from(redirect.with_attempts(number))), None);
        }
        let result = decode::<T>(status, response.body())
            .map_err(|e| classify_clock_skew(e, timestamp, server_ms));
        (result, retry_after)
    }

    pub(super) async fn call<T: DeserializeOwned>(&self, request: &ApiRequest) -> Result<T, Error> {
        self.send::<T>(request).await.map(|e| e.content)
    }

    pub(super) async fn list<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
    ) -> Result<crate::model::envelope::ListPage<T>, Error> {
        let envelope = self.send::<Option<Vec<T>>>(request).await?;
        Ok(crate::model::envelope::ListPage {
            items: envelope.content.unwrap_or_default(),
            total: envelope.total,
        })
    }
}
