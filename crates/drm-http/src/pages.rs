//! Streamed pagination: the bookkeeping of a "page number + page size" list walk, so a client
//! fetches and hands out one page at a time instead of collecting them all.

/// Where a page-by-page walk stands. Fetch [`PageCursor::next_page`], hand its items out, then
/// [`PageCursor::record`] how many came; the walk ends at an empty or short page, once the
/// server's `total` items were seen, or after `max_pages` pages (a server that never ends a
/// list).
///
/// ```
/// use drm_http::PageCursor;
///
/// let mut cursor = PageCursor::new(1, 10, 100);
/// assert_eq!(cursor.next_page(), Some(1));
/// cursor.record(10, Some(15));
/// assert_eq!(cursor.next_page(), Some(2));
/// cursor.record(5, None);
/// assert_eq!(cursor.next_page(), None);
/// assert_eq!(cursor.seen(), 15);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCursor {
    next: Option<u32>,
    size: u32,
    fetched: u32,
    max_pages: u32,
    seen: u64,
    total: Option<u64>,
}

impl PageCursor {
    /// A walk starting at page `first` (0- or 1-based, as the API counts) of `size` items.
    pub fn new(first: u32, size: u32, max_pages: u32) -> Self {
        Self {
            next: (max_pages > 0).then_some(first),
            size,
            fetched: 0,
            max_pages,
            seen: 0,
            total: None,
        }
    }

    /// The page number to fetch next, `None` once the walk is over.
    pub fn next_page(&self) -> Option<u32> {
        self.next
    }

    /// The page size.
    pub fn page_size(&self) -> u32 {
        self.size
    }

    /// Records a fetched page of `items` items (and the server's `total`, when sent) and moves
    /// on. Returns whether the page had items to hand out.
    pub fn record(&mut self, items: usize, total: Option<u64>) -> bool {
        let Some(current) = self.next else {
            return false;
        };
        self.fetched += 1;
        self.seen = self
            .seen
            .saturating_add(u64::try_from(items).unwrap_or(u64::MAX));
        if total.is_some() {
            self.total = total;
        }
        let short = items < usize::try_from(self.size).unwrap_or(usize::MAX);
        let all_seen = self.total.is_some_and(|t| self.seen >= t);
        self.next = if items == 0 || short || all_seen || self.fetched >= self.max_pages {
            None
        } else {
            current.checked_add(1)
        };
        items > 0
    }

    /// Items seen so far.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// The `total` the server last reported.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u32 {
        self.fetched
    }
}
