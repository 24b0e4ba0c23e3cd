//! The real stack as child processes: `multidrm sandbox` and `multidrm serve --config FILE`.
