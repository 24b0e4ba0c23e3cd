//! The server as a `tower::Service` over `http` types, so no axum type appears in the API.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::Router;
use bytes::Bytes;
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;

/// A boxed error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The response body of [`HttpService`].
pub type ResponseBody = UnsyncBoxBody<Bytes, BoxError>;

/// The future of `HttpService`'s `tower::Service::call`.
pub type ResponseFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<ResponseBody>, Infallible>> + Send>>;

/// Every route of the server as one `tower::Service<http::Request<B>>`
/// ([`crate::Server::into_service`]).
#[derive(Clone)]
pub struct HttpService {
    router: Router,
}

impl std::fmt::Debug for HttpService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpService").finish_non_exhaustive()
    }
}

impl HttpService {
    pub(crate) fn new(router: Router) -> Self {
        Self { router }
    }
}

impl<B> tower::Service<http::Request<B>> for HttpService
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<ResponseBody>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let call = tower::ServiceExt::oneshot(self.router.clone(), req.map(axum::body::Body::new));
        Box::pin(async move {
            let response = call.await?;
            Ok(response.map(|body| body.map_err(|e| -> BoxError { Box::new(e) }).boxed_unsync()))
        })
    }
}
