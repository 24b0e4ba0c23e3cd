//! The demo's text report: numbered sections, explained values, a closing summary.

use std::io::Write;
use std::time::Instant;

/// Writes the demo report to stdout.
pub(crate) struct Report {
    out: std::io::Stdout,
    section: usize,
    started: Instant,
}

impl Report {
    pub(crate) fn stdout() -> Self {
        Self {
            out: std::io::stdout(),
            section: 0,
            started: Instant::now(),
        }
    }

    fn write(&mut self, text: &str) {
        let mut out = self.out.lock();
        let _ = writeln!(out, "{text}");
    }

    /// The report's title.
    pub(crate) fn title(&mut self, text: &str) {
        self.write(text);
        self.write(&"=".repeat(text.chars().count()));
    }

    /// Starts a numbered section.
    pub(crate) fn section(&mut self, text: &str) {
        self.section += 1;
        self.write("");
        let heading = format!("{}. {text}", self.section);
        self.write(&heading);
        self.write(&"-".repeat(heading.chars().count()));
    }

    /// A sentence of explanation.
    pub(crate) fn line(&mut self, text: &str) {
        self.write(text);
    }

    /// A named value and what it is for.
    pub(crate) fn value(&mut self, name: &str, value: &str, meaning: &str) {
        self.write(&format!("  {name:<22} {value}"));
        if !meaning.is_empty() {
            self.write(&format!("  {:<22} ↳ {meaning}", ""));
        }
    }

    /// A check that passed.
    pub(crate) fn ok(&mut self, text: &str) {
        self.write(&format!("  ✔ {text}"));
    }

    /// The closing line.
    pub(crate) fn done(&mut self) {
        let elapsed = self.started.elapsed();
        self.write("");
        self.write(&format!(
            "All {} sections passed in {:.2} s.",
            self.section,
            elapsed.as_secs_f64()
        ));
    }
}

/// Shortens a long value for display: the first and last characters around an ellipsis.
pub(crate) fn shorten(text: &str, keep: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= keep * 2 + 1 {
        return text.to_owned();
    }
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("{head}…{tail} ({} chars)", chars.len())
}
