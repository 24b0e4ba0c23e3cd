//! Whether a usage rule can be applied: CPIX treats a rule with a filter it does not understand
//! as unusable (its key applies to no track), so an unknown filter, an attribute the CPIX 2.3
//! schema does not define (a misspelt `mixPixels`), a value of the wrong type, or a missing
//! required attribute makes the whole rule unusable — never "no bound".

use crate::response::raw::{RawFilter, RawUsageRule};
use crate::warning::{UnusableRule, clip64};

/// The schema type of a filter attribute.
#[derive(Clone, Copy)]
enum Kind {
    Integer,
    Boolean,
    Text,
}

/// The attributes the CPIX 2.3 schema defines for each filter (required ones marked).
fn schema(filter: &str) -> Option<&'static [(&'static str, Kind, bool)]> {
    use Kind::{Boolean, Integer, Text};
    Some(match filter {
        "LabelFilter" => &[("label", Text, true)],
        "VideoFilter" => &[
            ("minPixels", Integer, false),
            ("maxPixels", Integer, false),
            ("hdr", Boolean, false),
            ("wcg", Boolean, false),
            ("minFps", Integer, false),
            ("maxFps", Integer, false),
        ],
        "AudioFilter" => &[
            ("minChannels", Integer, false),
            ("maxChannels", Integer, false),
        ],
        "BitrateFilter" => &[
            ("minBitrate", Integer, false),
            ("maxBitrate", Integer, false),
        ],
        "KeyPeriodFilter" => &[("periodId", Text, true)],
        _ => return None,
    })
}

/// `xs:integer`: optional sign and decimal digits, surrounding whitespace allowed.
fn is_integer(v: &str) -> bool {
    let t = v.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `xs:boolean`: `true`, `false`, `1`, `0`.
fn is_boolean(v: &str) -> bool {
    matches!(v.trim(), "true" | "false" | "1" | "0")
}

fn check_filter(f: &RawFilter) -> Option<UnusableRule> {
    let Some(attrs) = schema(&f.kind).filter(|_| f.cpix_namespace) else {
        return Some(UnusableRule::UnknownFilter {
            filter: clip64(&f.kind),
        });
    };
    for (name, value) in &f.attributes {
        let Some((_, kind, _)) = attrs.iter().find(|(a, _, _)| a == name) else {
            return Some(UnusableRule::UnknownAttribute {
                filter: f.kind.clone(),
                attribute: clip64(name),
            });
        };
        let ok = match kind {
            Kind::Integer => is_integer(value),
            Kind::Boolean => is_boolean(value),
            Kind::Text => true,
        };
        if !ok {
            return Some(UnusableRule::InvalidValue {
                filter: f.kind.clone(),
                attribute: clip64(name),
                value: clip64(value),
            });
        }
    }
    attrs
        .iter()
        .find(|(name, _, required)| *required && f.attr(name).is_none())
        .map(|(name, _, _)| UnusableRule::MissingAttribute {
            filter: f.kind.clone(),
            attribute: name,
        })
}

/// Why `rule` cannot be applied, or `None` when every filter is understood.
pub(crate) fn unusable(rule: &RawUsageRule) -> Option<UnusableRule> {
    rule.period_filter_problems
        .iter()
        .chain(&rule.filters)
        .find_map(check_filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(kind: &str, attrs: &[(&str, &str)]) -> RawFilter {
        RawFilter {
            kind: kind.to_owned(),
            cpix_namespace: true,
            attributes: attrs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn schema_attributes() {
        assert_eq!(
            check_filter(&filter(
                "VideoFilter",
                &[("minPixels", "921600"), ("hdr", "true")]
            )),
            None
        );
        assert_eq!(
            check_filter(&filter("LabelFilter", &[("label", "a b")])),
            None
        );
        assert_eq!(check_filter(&filter("AudioFilter", &[])), None);
        assert!(matches!(
            check_filter(&filter("VideoFilter", &[("mixPixels", "1")])),
            Some(UnusableRule::UnknownAttribute { .. })
        ));
        assert!(matches!(
            check_filter(&filter("VideoFilter", &[("maxPixels", "lots")])),
            Some(UnusableRule::InvalidValue { .. })
        ));
        assert!(matches!(
            check_filter(&filter("LabelFilter", &[])),
            Some(UnusableRule::MissingAttribute {
                attribute: "label",
                ..
            })
        ));
        assert!(matches!(
            check_filter(&filter("CodecFilter", &[])),
            Some(UnusableRule::UnknownFilter { .. })
        ));
        let mut other_ns = filter("VideoFilter", &[]);
        other_ns.cpix_namespace = false;
        assert!(check_filter(&other_ns).is_some());
    }
}
