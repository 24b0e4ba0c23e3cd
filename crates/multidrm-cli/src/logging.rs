//! Logs: `tracing` events formatted as text or JSON, written to stderr in batches.
//!
//! A server logs one line per request. Writing each line with its own `write(2)` from a worker
//! thread costs about a tenth of the request; handing each line to a logging thread through a
//! channel (tracing-appender) wakes that thread once per line, and on a 2-core machine the
//! wake-ups raised the tokenize p99 from 4.8 ms to 20 ms (server README, Performance). Here a
//! line is appended to a shared buffer under a short lock, and a flusher thread writes the
//! buffer out every [`FLUSH_EVERY`], or at once when it holds [`FLUSH_AT_BYTES`]. No line is
//! dropped and their order is kept; [`LogFlush`] writes out what is left when it is dropped.

use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

use crate::cmd::serve::LogFormat;

/// The longest a logged line waits in the buffer.
const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// A buffer this full is written out by the thread that filled it (back-pressure, no loss).
const FLUSH_AT_BYTES: usize = 256 * 1024;

/// Installs the global subscriber: stderr, filtered by `RUST_LOG` (default `default_level`),
/// colours only on a terminal. Keep the returned value alive until the program ends.
pub(crate) fn init(default_level: &str, format: LogFormat) -> LogFlush {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let (writer, flush) = BatchedStderr::start();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(io::stderr().is_terminal())
        .with_writer(writer);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
    flush
}

/// What the writers and the flusher share.
#[derive(Default)]
struct Shared {
    /// Lines not written yet.
    pending: Mutex<Vec<u8>>,
    /// The buffer a batch is written from, held while it is written so batches leave in the
    /// order they were taken. Swapped with `pending`: both keep their capacity.
    output: Mutex<Vec<u8>>,
    /// Set when the program ends.
    stop: Mutex<bool>,
    wake: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while logging leaves plain bytes behind: still usable.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Takes what is pending and writes it to stderr. Errors are ignored: there is nowhere
    /// left to report a failing stderr.
    fn flush(&self) {
        let mut batch = lock(&self.output);
        std::mem::swap(&mut *batch, &mut *lock(&self.pending));
        if !batch.is_empty() {
            let mut err = io::stderr().lock();
            let _ = err.write_all(&batch);
            let _ = err.flush();
            batch.clear();
        }
    }

    fn run_flusher(&self) {
        let mut stop = lock(&self.stop);
        while !*stop {
            stop = self
                .wake
                .wait_timeout(stop, FLUSH_EVERY)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            drop(stop);
            self.flush();
            stop = lock(&self.stop);
        }
    }
}

/// The `MakeWriter` handed to the subscriber.
#[derive(Clone)]
struct BatchedStderr(Arc<Shared>);

impl BatchedStderr {
    fn start() -> (Self, LogFlush) {
        let shared = Arc::new(Shared::default());
        let flusher = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("multidrm-log".into())
            .spawn(move || flusher.run_flusher())
            .ok();
        (Self(Arc::clone(&shared)), LogFlush { shared, thread })
    }
}

impl<'a> MakeWriter<'a> for BatchedStderr {
    type Writer = LineSink<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineSink(&self.0)
    }
}

/// Appends what one event writes to the pending buffer.
struct LineSink<'a>(&'a Shared);

impl Write for LineSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let full = {
            let mut pending = lock(&self.0.pending);
            pending.extend_from_slice(buf);
            pending.len() >= FLUSH_AT_BYTES
        };
        if full {
            self.0.flush();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Stops the flusher and writes out the lines still pending when dropped.
pub(crate) struct LogFlush {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for LogFlush {
    fn drop(&mut self) {
        *lock(&self.shared.stop) = true;
        self.shared.wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        // Without a flusher thread (it could not start), this is the only write.
        self.shared.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_buffer_is_written_by_the_thread_that_filled_it() {
        let shared = Shared::default();
        let line = vec![b'x'; FLUSH_AT_BYTES / 2];
        let mut sink = LineSink(&shared);
        sink.write_all(&line).unwrap_or_default();
        assert_eq!(lock(&shared.pending).len(), line.len());
        sink.write_all(&line).unwrap_or_default();
        assert!(
            lock(&shared.pending).is_empty(),
            "written out at the threshold"
        );
    }

    #[test]
    fn dropping_the_guard_stops_the_flusher_and_empties_the_buffer() {
        let (writer, flush) = BatchedStderr::start();
        LineSink(&writer.0)
            .write_all(b"pending line from a unit test\n")
            .unwrap_or_default();
        drop(flush);
        assert!(lock(&writer.0.pending).is_empty());
    }
}
