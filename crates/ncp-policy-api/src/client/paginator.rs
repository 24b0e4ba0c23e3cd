//! Walks a list operation page by page, holding one page at a time.

use drm_http::PageCursor;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::model::envelope::ListPage;
use crate::model::query::Page;
use crate::request::ApiRequest;

use super::{Client, MAX_PAGES};

type PageRequest<'c> = Box<dyn Fn(Page) -> Result<ApiRequest, Error> + Send + Sync + 'c>;

/// Walks a list operation page by page (1-based pages; stops at an empty or short page, when
/// `total` items were seen, or after [`MAX_PAGES`]). Only the page just fetched is in memory:
/// loop on [`Paginator::next_page`] to stream a long list.
pub struct Paginator<'c, T> {
    client: &'c Client,
    build: PageRequest<'c>,
    cursor: PageCursor,
    _items: std::marker::PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Paginator<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("next", &self.cursor.next_page())
            .field("seen", &self.cursor.seen())
            .field("total", &self.cursor.total())
            .finish_non_exhaustive()
    }
}

impl<'c, T: DeserializeOwned> Paginator<'c, T> {
    pub(super) fn new(
        client: &'c Client,
        page_size: u32,
        build: impl Fn(Page) -> Result<ApiRequest, Error> + Send + Sync + 'c,
    ) -> Self {
        let first = Page::first(page_size);
        Self {
            client,
            build: Box::new(build),
            cursor: PageCursor::new(first.number(), first.size(), MAX_PAGES),
            _items: std::marker::PhantomData,
        }
    }

    /// The `total` reported by the last page fetched.
    pub fn total(&self) -> Option<u64> {
        self.cursor.total()
    }

    /// The next page, or `None` after the last one.
    ///
    /// # Errors
    /// See [`Error`]; the paginator can be polled again after an error (same page).
    pub async fn next_page(&mut self) -> Result<Option<ListPage<T>>, Error> {
        let Some(number) = self.cursor.next_page() else {
            return Ok(None);
        };
        let page = Page::new(number, self.cursor.page_size())?;
        let request = (self.build)(page)?;
        let result: ListPage<T> = self.client.list(&request).await?;
        if self.cursor.record(result.items.len(), result.total) {
            Ok(Some(result))
        } else {
            Ok(None)
        }
    }

    /// Every remaining item, collected. This holds the whole list in memory: prefer a
    /// [`Paginator::next_page`] loop for lists that can be long.
    ///
    /// # Errors
    /// The first error met.
    pub async fn collect_all(mut self) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await? {
            items.extend(page.items);
        }
        Ok(items)
    }
}
