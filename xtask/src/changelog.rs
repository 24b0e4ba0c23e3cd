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
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
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
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_415), (2025, 11, 23));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
