//! How JavaScript, the JVM, Swift, Darwin's `NSNumber` and Python print an IEEE double.
//!
//! All of them start from the shortest digit string that round-trips (Rust's `{:e}` formatting
//! produces the same digits) and differ only in where they switch to exponent notation and how
//! they spell it.

/// Shortest round-trip digits of a finite, non-zero `x`, as `(digits, n)` with
/// `|x| = 0.d1d2…dk × 10^n`.
fn shortest_digits(x: f64) -> (String, i32) {
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    (digits, exp + 1)
}

fn sign(x: f64) -> &'static str {
    if x.is_sign_negative() { "-" } else { "" }
}

fn zeros(n: i32) -> String {
    "0".repeat(usize::try_from(n).unwrap_or(0))
}

/// Splits `digits` at `at` (0 < at < len).
fn split_at(digits: &str, at: i32) -> (&str, &str) {
    digits.split_at(usize::try_from(at).unwrap_or(0).min(digits.len()))
}

/// ECMAScript `Number::toString(10)` (what `String(v)` and template literals print).
pub(crate) fn js(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let s = sign(x);
    let (d, n) = shortest_digits(x);
    let k = d.len() as i32;
    if k <= n && n <= 21 {
        format!("{s}{d}{}", zeros(n - k))
    } else if 0 < n && n <= 21 {
        let (a, b) = split_at(&d, n);
        format!("{s}{a}.{b}")
    } else if -6 < n && n <= 0 {
        format!("{s}0.{}{d}", zeros(-n))
    } else {
        let e = n - 1;
        let es = if e >= 0 {
            format!("+{e}")
        } else {
            e.to_string()
        };
        if k == 1 {
            format!("{s}{d}e{es}")
        } else {
            let (a, b) = split_at(&d, 1);
            format!("{s}{a}.{b}e{es}")
        }
    }
}

/// `java.lang.Double.toString` (JDK 19+ shortest digits), which Kotlin's `"$v"` also prints.
pub(crate) fn java(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if x == 0.0 {
        return format!("{}0.0", sign(x));
    }
    let s = sign(x);
    let (d, n) = shortest_digits(x);
    let ax = x.abs();
    if (1e-3..1e7).contains(&ax) {
        let k = d.len() as i32;
        if n <= 0 {
            format!("{s}0.{}{d}", zeros(-n))
        } else if n >= k {
            format!("{s}{d}{}.0", zeros(n - k))
        } else {
            let (a, b) = split_at(&d, n);
            format!("{s}{a}.{b}")
        }
    } else {
        let (a, b) = split_at(&d, 1);
        let frac = if b.is_empty() { "0" } else { b };
        format!("{s}{a}.{frac}E{}", n - 1)
    }
}

/// Python `repr(float)`; Swift's `Double.description` prints the same text for finite values
/// except for the exponent spelling of very large/small magnitudes.
pub(crate) fn python_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if x == 0.0 {
        return format!("{}0.0", sign(x));
    }
    let s = sign(x);
    let (d, n) = shortest_digits(x);
    let k = d.len() as i32;
    if -4 < n && n <= 16 {
        if n <= 0 {
            format!("{s}0.{}{d}", zeros(-n))
        } else if n >= k {
            format!("{s}{d}{}.0", zeros(n - k))
        } else {
            let (a, b) = split_at(&d, n);
            format!("{s}{a}.{b}")
        }
    } else {
        let e = n - 1;
        let es = if e < 0 {
            format!("-{:02}", -e)
        } else {
            format!("+{e:02}")
        };
        let (a, b) = split_at(&d, 1);
        if b.is_empty() {
            format!("{s}{a}e{es}")
        } else {
            format!("{s}{a}.{b}e{es}")
        }
    }
}

/// `NSNumber.description` of a double produced by `JSONSerialization` on Darwin: integral values
/// print without a fraction, others like Swift's `Double.description` without a trailing `.0`.
pub(crate) fn nsnumber(x: f64) -> String {
    if x.is_finite() && x == x.trunc() && x.abs() < 1e15 {
        return integer_text(x);
    }
    let r = python_repr(x);
    match r.strip_suffix(".0") {
        Some(t) => t.to_owned(),
        None => r,
    }
}

/// The exact decimal text of `x` truncated toward zero (`int(x)` in Python, a Kotlin/Swift cast
/// to an integer type for in-range values). `None` for infinities and NaN.
pub(crate) fn truncated_integer(x: f64) -> Option<String> {
    x.is_finite().then(|| integer_text(x.trunc()))
}

fn integer_text(x: f64) -> String {
    let t = format!("{x:.0}");
    if t == "-0" { "0".into() } else { t }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript() {
        let cases = [
            (30.0, "30"),
            (30.5, "30.5"),
            (0.1, "0.1"),
            (1e7, "10000000"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (-2.5, "-2.5"),
            (123456789012345680000.0, "123456789012345680000"),
        ];
        for (x, want) in cases {
            assert_eq!(js(x), want, "{x}");
        }
    }

    #[test]
    fn jvm() {
        let cases = [
            (30.0, "30.0"),
            (1e7, "1.0E7"),
            (9999999.0, "9999999.0"),
            (0.001, "0.001"),
            (0.0001, "1.0E-4"),
            (1.5e-4, "1.5E-4"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (123.456, "123.456"),
            (1.2345e10, "1.2345E10"),
        ];
        for (x, want) in cases {
            assert_eq!(java(x), want, "{x}");
        }
    }

    #[test]
    fn python() {
        let cases = [
            (30.0, "30.0"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e100, "1e+100"),
            (10000000.0, "10000000.0"),
        ];
        for (x, want) in cases {
            assert_eq!(python_repr(x), want, "{x}");
        }
    }

    #[test]
    fn darwin_nsnumber() {
        assert_eq!(nsnumber(30.0), "30");
        assert_eq!(nsnumber(10000000.0), "10000000");
        assert_eq!(nsnumber(30.5), "30.5");
        assert_eq!(nsnumber(-0.0), "0");
        assert_eq!(nsnumber(1e16), "1e+16");
    }

    #[test]
    fn truncation() {
        assert_eq!(truncated_integer(30.7).as_deref(), Some("30"));
        assert_eq!(truncated_integer(-0.5).as_deref(), Some("0"));
        assert_eq!(
            truncated_integer(1e20).as_deref(),
            Some("100000000000000000000")
        );
        assert_eq!(truncated_integer(f64::INFINITY), None);
    }
}
