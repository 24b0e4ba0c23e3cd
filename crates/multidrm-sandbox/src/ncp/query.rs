//! Query-string parameters and pagination (`pageNo` 1-based, `pageSize` 1..=100).

use super::errors::ServiceError;

/// Default `pageSize` when the request gives none.
pub(crate) const DEFAULT_PAGE_SIZE: usize = 20;
/// Largest accepted `pageSize`.
pub(crate) const MAX_PAGE_SIZE: usize = 100;

/// Decoded query parameters in request order; the first occurrence of a name wins.
#[derive(Debug, Default)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses a raw query (without `?`): `&`-separated, `+` and `%XX` decoded like a servlet
    /// container does. Undecodable bytes are kept as U+FFFD.
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .unwrap_or_default()
            .split('&')
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (name, value) = part.split_once('=').unwrap_or((part, ""));
                (decode(name), decode(value))
            })
            .collect();
        Self { pairs }
    }

    /// A parameter's value; an empty value counts as absent.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    }

    /// An optional integer parameter within `min..=max`.
    pub(crate) fn int_in(
        &self,
        name: &str,
        min: i64,
        max: i64,
    ) -> Result<Option<i64>, ServiceError> {
        let Some(text) = self.get(name) else {
            return Ok(None);
        };
        match text.parse::<i64>() {
            Ok(number) if (min..=max).contains(&number) => Ok(Some(number)),
            Ok(_) => Err(ServiceError::invalid(
                name,
                &format!("must be between {min} and {max}"),
            )),
            Err(_) => Err(ServiceError::invalid(name, "must be an integer")),
        }
    }

    /// A required integer parameter within `min..=max`.
    pub(crate) fn required_int_in(
        &self,
        name: &str,
        min: i64,
        max: i64,
    ) -> Result<i64, ServiceError> {
        self.int_in(name, min, max)?
            .ok_or_else(|| ServiceError::invalid(name, "is required"))
    }

    /// An optional parameter that must be one of `allowed`.
    pub(crate) fn one_of(
        &self,
        name: &str,
        allowed: &[&'static str],
    ) -> Result<Option<&'static str>, ServiceError> {
        let Some(text) = self.get(name) else {
            return Ok(None);
        };
        allowed
            .iter()
            .find(|candidate| **candidate == text)
            .copied()
            .map(Some)
            .ok_or_else(|| {
                ServiceError::invalid(name, &format!("must be one of {}", allowed.join(", ")))
            })
    }

    /// The page requested by `pageNo` / `pageSize`.
    pub(crate) fn page(&self) -> Result<Page, ServiceError> {
        let max_size = i64::try_from(MAX_PAGE_SIZE).unwrap_or(i64::MAX);
        let number = self.int_in("pageNo", 1, i64::from(u32::MAX))?.unwrap_or(1);
        let size = self.int_in("pageSize", 1, max_size)?;
        Ok(Page {
            number: usize::try_from(number).unwrap_or(usize::MAX),
            size: size
                .and_then(|size| usize::try_from(size).ok())
                .unwrap_or(DEFAULT_PAGE_SIZE),
        })
    }

    /// The `[startTime, endTime]` window in epoch milliseconds (both ends optional, inclusive).
    pub(crate) fn time_window(&self) -> Result<TimeWindow, ServiceError> {
        let start = self.int_in("startTime", 0, i64::MAX)?;
        let end = self.int_in("endTime", 0, i64::MAX)?;
        if let (Some(start), Some(end)) = (start, end) {
            if start > end {
                return Err(ServiceError::invalid(
                    "startTime",
                    "must not be after endTime",
                ));
            }
        }
        Ok(TimeWindow { start, end })
    }
}

/// An inclusive time window in epoch milliseconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimeWindow {
    start: Option<i64>,
    end: Option<i64>,
}

impl TimeWindow {
    pub(crate) fn contains(&self, at_ms: i64) -> bool {
        self.start.is_none_or(|start| at_ms >= start) && self.end.is_none_or(|end| at_ms <= end)
    }
}

/// A 1-based page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Page {
    pub(crate) number: usize,
    pub(crate) size: usize,
}

impl Page {
    /// This page of `items` and the total count.
    pub(crate) fn slice<T>(&self, items: Vec<T>) -> (Vec<T>, usize) {
        let total = items.len();
        let skip = self.number.saturating_sub(1).saturating_mul(self.size);
        let page = items.into_iter().skip(skip).take(self.size).collect();
        (page, total)
    }
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(index + 1..index + 3).and_then(|pair| {
                    std::str::from_utf8(pair)
                        .ok()
                        .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                });
                if let Some(byte) = hex {
                    out.push(byte);
                    index += 2;
                } else {
                    out.push(b'%');
                }
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_and_plus() {
        let query = Query::parse(Some("searchKeyword=user%40example.com&x=a+b&bad=%zz&k"));
        assert_eq!(query.get("searchKeyword"), Some("user@example.com"));
        assert_eq!(query.get("x"), Some("a b"));
        assert_eq!(query.get("bad"), Some("%zz"));
        assert_eq!(query.get("k"), None);
    }

    #[test]
    fn first_occurrence_wins() {
        let query = Query::parse(Some("pageNo=2&pageNo=3"));
        assert_eq!(query.page().expect("valid").number, 2);
    }

    #[test]
    fn page_defaults_and_bounds() {
        assert_eq!(
            Query::parse(None).page().expect("defaults"),
            Page {
                number: 1,
                size: DEFAULT_PAGE_SIZE
            }
        );
        for bad in [
            "pageNo=0",
            "pageSize=0",
            "pageSize=101",
            "pageNo=x",
            "pageSize=1.5",
        ] {
            assert!(Query::parse(Some(bad)).page().is_err(), "{bad}");
        }
        assert_eq!(
            Query::parse(Some("pageNo=3&pageSize=100"))
                .page()
                .expect("valid"),
            Page {
                number: 3,
                size: 100
            }
        );
    }

    #[test]
    fn slicing() {
        let page = Page { number: 2, size: 2 };
        assert_eq!(page.slice(vec![1, 2, 3, 4, 5]), (vec![3, 4], 5));
        let past_end = Page { number: 9, size: 2 };
        assert_eq!(past_end.slice(vec![1, 2, 3]), (vec![], 3));
        let huge = Page {
            number: usize::MAX,
            size: 100,
        };
        assert_eq!(huge.slice(vec![1]), (vec![], 1));
    }

    #[test]
    fn time_window() {
        let window = Query::parse(Some("startTime=10&endTime=20"))
            .time_window()
            .expect("valid");
        assert!(window.contains(10) && window.contains(20) && !window.contains(21));
        assert!(
            Query::parse(Some("startTime=30&endTime=20"))
                .time_window()
                .is_err()
        );
    }
}
