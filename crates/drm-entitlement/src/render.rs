//! How each player platform turns a JSON value into the text it concatenates before signing.
//!
//! Strings and integers print the same everywhere; floats, booleans and `null` do not (spec §4).
//! A [`Rendering`] names the platform behaviour to reproduce: a [`RenderProfile`], a
//! [`NullPolicy`] and, for typed client models, the [`NumberType`] a field is declared with
//! (a Swift `Codable` or Kotlin model with `HeartBeatTime: Double` prints `30.0` for JSON `30`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::error::{ParseNameError, SignError};
use crate::json::{Number, Value};
use crate::numfmt;

/// A platform's way of printing a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RenderProfile {
    /// The JSON token text exactly as received (`30.0` stays `30.0`), `true`/`false`, `null`.
    /// The recommended profile for verifying requests on the server.
    #[default]
    Lexical,
    /// ECMAScript `String(v)`: `30.0` → `30`, `1e21` → `1e+21`.
    Js,
    /// Swift `"\(v)"` on typed values: `Int` → `30`, `Double` → `30.0`, `nil` when rendered.
    SwiftTyped,
    /// Swift `"\(v)"` on `JSONSerialization` output (`NSNumber` on Darwin): integral numbers
    /// print without a fraction even when sent as `30.0`, booleans print `1`/`0`, null `<null>`.
    SwiftAnyObject,
    /// Kotlin `"$v"` on typed values: `Int` → `30`, `Double` → `30.0`, `1.0E7`.
    KotlinTyped,
    /// Gson decoding into `Map<String, Any>`: every number becomes a `Double` (`0` → `0.0`).
    KotlinGsonMap,
    /// Python `str(v)` on `json.loads` output: `True`, `None`.
    PythonStr,
}

impl RenderProfile {
    /// Every profile, in the order of the spec's table.
    pub const ALL: [RenderProfile; 7] = [
        RenderProfile::Lexical,
        RenderProfile::Js,
        RenderProfile::SwiftTyped,
        RenderProfile::SwiftAnyObject,
        RenderProfile::KotlinTyped,
        RenderProfile::KotlinGsonMap,
        RenderProfile::PythonStr,
    ];

    /// The profile's name as used in the vectors and on the command line (`swift_typed`…).
    pub fn name(self) -> &'static str {
        match self {
            RenderProfile::Lexical => "lexical",
            RenderProfile::Js => "js",
            RenderProfile::SwiftTyped => "swift_typed",
            RenderProfile::SwiftAnyObject => "swift_anyobject",
            RenderProfile::KotlinTyped => "kotlin_typed",
            RenderProfile::KotlinGsonMap => "kotlin_gson_map",
            RenderProfile::PythonStr => "python_str",
        }
    }

    /// The text of `null` when it is rendered rather than skipped.
    pub fn null_text(self) -> &'static str {
        match self {
            RenderProfile::SwiftTyped => "nil",
            RenderProfile::SwiftAnyObject => "<null>",
            RenderProfile::PythonStr => "None",
            _ => "null",
        }
    }
}

impl fmt::Display for RenderProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RenderProfile {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        RenderProfile::ALL
            .into_iter()
            .find(|p| p.name() == wanted)
            .ok_or_else(|| ParseNameError {
                what: "render profile",
                value: s.chars().take(40).collect(),
            })
    }
}

/// What a `null` value contributes to the signed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum NullPolicy {
    /// Nothing, like an absent key (recommended; what an optional binding does).
    #[default]
    Skip,
    /// The profile's null text (`null`, `nil`, `<null>`…): code that only tests for `undefined`.
    Literal,
}

impl NullPolicy {
    /// `skip` or `literal`.
    pub fn name(self) -> &'static str {
        match self {
            NullPolicy::Skip => "skip",
            NullPolicy::Literal => "literal",
        }
    }
}

impl fmt::Display for NullPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for NullPolicy {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "skip" => Ok(NullPolicy::Skip),
            "literal" => Ok(NullPolicy::Literal),
            _ => Err(ParseNameError {
                what: "null policy",
                value: s.chars().take(40).collect(),
            }),
        }
    }
}

/// The declared numeric type of a field in a typed client model. Only the `*_typed` profiles
/// (and Gson's map, which always uses `Double`) look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum NumberType {
    /// Integer literals are integers, everything else a double.
    #[default]
    Auto,
    /// The field is declared as an integer type (a fractional value is truncated).
    Int,
    /// The field is declared `Double`/`Float`: JSON `30` prints `30.0`.
    Double,
}

impl FromStr for NumberType {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(NumberType::Auto),
            "int" | "integer" => Ok(NumberType::Int),
            "double" | "float" => Ok(NumberType::Double),
            _ => Err(ParseNameError {
                what: "number type",
                value: s.chars().take(40).collect(),
            }),
        }
    }
}

/// A complete description of how a client renders values: profile, null policy and the fields
/// its model declares with an explicit numeric type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendering {
    /// The platform behaviour.
    pub profile: RenderProfile,
    /// What `null` contributes.
    pub null_policy: NullPolicy,
    /// Fields whose declared numeric type is not [`NumberType::Auto`].
    pub declared: BTreeMap<String, NumberType>,
}

impl Rendering {
    /// Lexical rendering with null skipped: the crate's default for signing and verifying.
    pub fn lexical() -> Self {
        Self::default()
    }

    /// `profile` with null skipped and no declared types.
    pub fn new(profile: RenderProfile) -> Self {
        Self {
            profile,
            ..Self::default()
        }
    }

    /// Sets the null policy.
    #[must_use]
    pub fn with_null_policy(mut self, null_policy: NullPolicy) -> Self {
        self.null_policy = null_policy;
        self
    }

    /// Declares the numeric type of `field` in the client's model.
    #[must_use]
    pub fn declare(mut self, field: impl Into<String>, ty: NumberType) -> Self {
        self.declared.insert(field.into(), ty);
        self
    }

    /// The declared type of `field` ([`NumberType::Auto`] when not declared).
    pub fn number_type(&self, field: &str) -> NumberType {
        self.declared.get(field).copied().unwrap_or_default()
    }

    /// A short label such as `lexical/skip` (the vectors' notation).
    pub fn label(&self) -> String {
        format!("{}/{}", self.profile, self.null_policy)
    }
}

/// The text `value` contributes to a signed message under `profile`, or `None` when it
/// contributes nothing (empty string, skipped null).
///
/// Objects and arrays cannot be signed (platforms print them differently); they are refused
/// with [`SignError::Unsignable`].
pub fn render_value<'a>(
    field: &str,
    value: &'a Value,
    profile: RenderProfile,
    null_policy: NullPolicy,
    number_type: NumberType,
) -> Result<Option<Cow<'a, str>>, SignError> {
    Ok(match value {
        Value::Null => match null_policy {
            NullPolicy::Skip => None,
            NullPolicy::Literal => Some(Cow::Borrowed(profile.null_text())),
        },
        Value::Bool(b) => Some(Cow::Borrowed(match (profile, b) {
            (RenderProfile::SwiftAnyObject, true) => "1",
            (RenderProfile::SwiftAnyObject, false) => "0",
            (RenderProfile::PythonStr, true) => "True",
            (RenderProfile::PythonStr, false) => "False",
            (_, true) => "true",
            (_, false) => "false",
        })),
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(Cow::Borrowed(s.as_str())),
        Value::Number(n) => Some(render_number(field, n, profile, number_type)?),
        Value::Nested(_) => {
            return Err(SignError::Unsignable {
                field: field.to_owned(),
                found: value.type_name(),
            });
        }
    })
}

/// Canonical text of an integer literal (`-0` → `0`; JSON forbids leading zeros).
fn integer_literal(n: &Number) -> &str {
    if n.as_str() == "-0" { "0" } else { n.as_str() }
}

fn render_number<'a>(
    field: &str,
    n: &'a Number,
    profile: RenderProfile,
    number_type: NumberType,
) -> Result<Cow<'a, str>, SignError> {
    let integral = n.is_integral_literal();
    let not_finite = || SignError::NotFinite {
        field: field.to_owned(),
    };
    Ok(match profile {
        RenderProfile::Lexical => Cow::Borrowed(n.as_str()),
        RenderProfile::Js if integral => Cow::Borrowed(integer_literal(n)),
        RenderProfile::Js => Cow::Owned(numfmt::js(n.to_f64())),
        RenderProfile::PythonStr if integral => Cow::Borrowed(integer_literal(n)),
        RenderProfile::PythonStr => Cow::Owned(numfmt::python_repr(n.to_f64())),
        RenderProfile::SwiftAnyObject if integral => Cow::Borrowed(integer_literal(n)),
        RenderProfile::SwiftAnyObject => Cow::Owned(numfmt::nsnumber(n.to_f64())),
        RenderProfile::KotlinGsonMap => Cow::Owned(numfmt::java(n.to_f64())),
        RenderProfile::SwiftTyped | RenderProfile::KotlinTyped => {
            let as_int = match number_type {
                NumberType::Int => true,
                NumberType::Auto => integral,
                NumberType::Double => false,
            };
            if as_int && integral {
                Cow::Borrowed(integer_literal(n))
            } else if as_int {
                Cow::Owned(numfmt::truncated_integer(n.to_f64()).ok_or_else(not_finite)?)
            } else if profile == RenderProfile::SwiftTyped {
                Cow::Owned(numfmt::python_repr(n.to_f64()))
            } else {
                Cow::Owned(numfmt::java(n.to_f64()))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Value {
        Value::Number(s.parse().unwrap())
    }

    fn r(v: &Value, p: RenderProfile, t: NumberType) -> Option<String> {
        render_value("f", v, p, NullPolicy::Literal, t)
            .unwrap()
            .map(Cow::into_owned)
    }

    #[test]
    fn profile_names_round_trip() {
        for p in RenderProfile::ALL {
            assert_eq!(p.name().parse::<RenderProfile>().unwrap(), p);
        }
        assert!("swift".parse::<RenderProfile>().is_err());
    }

    #[test]
    fn integer_under_double_declaration() {
        let v = num("30");
        assert_eq!(
            r(&v, RenderProfile::SwiftTyped, NumberType::Double).as_deref(),
            Some("30.0")
        );
        assert_eq!(
            r(&v, RenderProfile::KotlinTyped, NumberType::Double).as_deref(),
            Some("30.0")
        );
        assert_eq!(
            r(&num("30.7"), RenderProfile::KotlinTyped, NumberType::Int).as_deref(),
            Some("30")
        );
    }

    #[test]
    fn nested_values_are_refused() {
        let v = Value::Nested("{}".into());
        assert!(matches!(
            render_value(
                "ActionParameters",
                &v,
                RenderProfile::Lexical,
                NullPolicy::Skip,
                NumberType::Auto
            ),
            Err(SignError::Unsignable { .. })
        ));
    }
}
