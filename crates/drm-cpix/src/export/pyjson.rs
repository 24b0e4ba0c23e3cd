//! An ordered JSON value written the way Python's `json.dumps(obj, indent=4)` writes it
//! (`ensure_ascii`: everything outside printable ASCII as lower-case `\uXXXX`), which is how the
//! official DoveRunner sample prints its result.

/// An ordered JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Json {
    Null,
    Str(String),
    List(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    pub(crate) fn str(s: impl Into<String>) -> Json {
        Json::Str(s.into())
    }

    pub(crate) fn opt_str(s: Option<impl Into<String>>) -> Json {
        s.map_or(Json::Null, |s| Json::Str(s.into()))
    }

    pub(crate) fn obj<K: Into<String>>(items: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Obj(items.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

/// `json.dumps(value, indent=4)`.
pub(crate) fn dumps(value: &Json) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out
}

fn indent(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("    ");
    }
}

fn write_value(out: &mut String, value: &Json, level: usize) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Str(s) => write_str(out, s),
        Json::List(items) if items.is_empty() => out.push_str("[]"),
        Json::List(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, level + 1);
                write_value(out, v, level + 1);
            }
            indent(out, level);
            out.push(']');
        }
        Json::Obj(items) if items.is_empty() => out.push_str("{}"),
        Json::Obj(items) => {
            out.push('{');
            for (i, (k, v)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, level + 1);
                write_str(out, k);
                out.push_str(": ");
                write_value(out, v, level + 1);
            }
            indent(out, level);
            out.push('}');
        }
    }
}

/// A string literal as `json.dumps` writes it (`ensure_ascii`): the workspace's one
/// Python-style string writer.
fn write_str(out: &mut String, s: &str) {
    drm_policy::json_style::write_string(out, s, drm_policy::JsonStyle::Python);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_layout() {
        let v = Json::obj([
            ("a", Json::str("x\"é😀\u{7f}")),
            ("b", Json::List(vec![])),
            ("c", Json::List(vec![Json::Null, Json::obj::<&str>([])])),
        ]);
        assert_eq!(
            dumps(&v),
            "{\n    \"a\": \"x\\\"\\u00e9\\ud83d\\ude00\\u007f\",\n    \"b\": [],\n    \"c\": [\n        null,\n        {}\n    ]\n}"
        );
    }
}
