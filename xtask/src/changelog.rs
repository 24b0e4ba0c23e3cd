//! Dating the `Unreleased` section of `CHANGELOG.md`.

/// Renames `## [Unreleased]` to `## [VERSION] - DATE` and opens a fresh, empty `Unreleased`
/// section above it. Fails when there is no `Unreleased` section or it is empty.
pub(crate) fn date_unreleased(text: &str, version: &str, date: &str) -> Result<String, String> {
    const HEADING: &str = "## [Unreleased]";
    let start = text
        .find(HEADING)
        .ok_or_else(|| "CHANGELOG.md has no `## [Unreleased]` section".to_owned())?;
    let body_start = start + HEADING.len();
    let body_end = text[body_start..]
        .find("\n## ")
        .map_or(text.len(), |i| body_start + i);
    if text[body_start..body_end].trim().is_empty() {
        return Err(
            "the `Unreleased` section of CHANGELOG.md is empty: nothing to release".to_owned(),
        );
    }
    Ok(format!(
        "{}{HEADING}\n\n## [{version}] - {date}{}",
        &text[..start],
        &text[body_start..]
    ))
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub(crate) fn today() -> String {
    date_of(time::OffsetDateTime::now_utc())
}

/// `YYYY-MM-DD` of an instant (UTC).
fn date_of(at: time::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_the_unreleased_section() {
        let text =
            "# Changelog\n\n## [Unreleased]\n\n### Added\n- x\n\n## [0.1.0] - 2026-01-01\n- y\n";
        let out = date_unreleased(text, "0.1.1", "2026-11-23").unwrap();
        assert_eq!(
            out,
            "# Changelog\n\n## [Unreleased]\n\n## [0.1.1] - 2026-11-23\n\n### Added\n- x\n\n## [0.1.0] - 2026-01-01\n- y\n"
        );
    }

    #[test]
    fn refuses_an_empty_or_missing_section() {
        assert!(
            date_unreleased(
                "# Changelog\n\n## [Unreleased]\n\n## [0.1.0]\n",
                "0.1.1",
                "d"
            )
            .is_err()
        );
        assert!(date_unreleased("# Changelog\n", "0.1.1", "d").is_err());
    }

    #[test]
    fn civil_dates() {
        let day =
            |days: i64| date_of(time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(days));
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(20_415), "2025-11-23");
        assert_eq!(day(11_016), "2000-02-29");
    }
}
