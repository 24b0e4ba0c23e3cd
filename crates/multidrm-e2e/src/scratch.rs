//! A folder of the test's own that is removed when dropped.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// A fresh, empty folder under the system temporary folder, removed on drop.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates `<tmp>/multidrm-e2e-<pid>-<n>-<label>`.
    ///
    /// # Errors
    /// The folder cannot be created.
    pub fn new(label: &str) -> std::io::Result<Self> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        static SWEEP: std::sync::Once = std::sync::Once::new();
        SWEEP.call_once(|| sweep_leftovers(&std::env::temp_dir()));
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("multidrm-e2e-{}-{n}-{label}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path)?;
        }
        std::fs::create_dir_all(&path)?;
        Ok(Self { path })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Removes the `multidrm-e2e-<pid>-…` folders in `dir` whose process has exited. A folder held
/// in a `static` (the packaged media, made once per test process) is never dropped, so the next
/// run removes it. Only where `/proc` tells which processes are alive.
fn sweep_leftovers(dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix("multidrm-e2e-"))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid {
            if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_of_exited_processes_are_swept_and_live_ones_kept() {
        let root = ScratchDir::new("sweep").unwrap();
        // No process has this id (Linux ids stop at 2^22).
        let dead = root.path().join("multidrm-e2e-4294967295-0-media");
        let mine = root
            .path()
            .join(format!("multidrm-e2e-{}-9-media", std::process::id()));
        let other = root.path().join("unrelated-4294967295");
        for dir in [&dead, &mine, &other] {
            std::fs::create_dir_all(dir.join("site")).unwrap();
        }
        sweep_leftovers(root.path());
        assert_eq!(dead.exists(), !Path::new("/proc/self").exists());
        assert!(mine.exists());
        assert!(other.exists());
    }
}
