//! Text written into log fields.

use std::fmt::{self, Write};

/// A text logged quoted and escaped, exactly as `?` logs a `&str` (`"a\"b"`), so a crafted
/// value cannot forge fields. Printable ASCII without `"` or `\` (ids, routes, nearly every
/// value) is written in one piece instead of character by character.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Debug for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self
            .0
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
        if plain {
            f.write_char('"')?;
            f.write_str(self.0)?;
            f.write_char('"')
        } else {
            fmt::Debug::fmt(self.0, f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Quoted;
    use proptest::prelude::*;

    #[test]
    fn quoted_like_debug_on_crafted_values() {
        for text in [
            "",
            "video-91",
            "movie\" code=0 ALLOWED",
            "back\\slash",
            "line\nbreak\r\0",
            "é\u{202e}\u{7f}",
            "it's",
        ] {
            assert_eq!(format!("{:?}", Quoted(text)), format!("{text:?}"));
        }
    }

    proptest! {
        #[test]
        fn quoted_is_debug(text in any::<String>()) {
            prop_assert_eq!(format!("{:?}", Quoted(&text)), format!("{text:?}"));
        }
    }
}
