//! Browser end-to-end harness: a real player (Shaka Player) in a real browser (Debian's
//! Chromium, whose built-in ClearKey CDM is a real CDM) plays DASH content that a real packager
//! (Shaka Packager) encrypted, getting its license over loopback HTTP.
//!
//! The pieces, each in its own module:
//! - [`tools`] finds ffmpeg, Shaka Packager, Shaka Player, Chromium and chromedriver (environment
//!   variables first, then `PATH`, then the cache folder `.ci/run` fills);
//! - [`media`] makes a short H.264/AAC clip and packages it as ClearKey-signalled CENC DASH;
//! - [`site`] serves the test page, the media and the player on loopback, plus a minimal
//!   license endpoint of its own for checking the harness itself;
//! - [`browser`] starts chromedriver, opens headless Chromium and reads the page's playback
//!   report;
//! - [`stack`] starts `multidrm sandbox` and `multidrm serve` as child processes and reads their
//!   announce lines;
//! - [`jwt`] mints the viewer's bearer tokens.
//!
//! Third-party programs are never committed: `.ci/run` installs them at test time.

pub mod browser;
pub mod jwt;
pub mod media;
mod scratch;
pub mod site;
pub mod stack;
pub mod tools;

pub use scratch::ScratchDir;
