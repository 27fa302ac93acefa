//! `application/x-www-form-urlencoded` bodies (the login and account forms) and the
//! percent-encoding of a value put into a URL. Strict: a body that is not well formed is
//! refused with a sentence saying why (answered 400), rather than guessed at.

use std::borrow::Cow;
use std::fmt;

/// Fields a form may have at most: the box's forms have a handful.
pub const MAX_FIELDS: usize = 64;

/// A parsed form: its fields in order, names and values percent-decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    fields: Vec<(String, String)>,
}

/// Why a body is not a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// A `%` not followed by two hex digits, at this byte of the body.
    BadEscape(usize),
    /// A field (by name, if the name itself decoded) whose bytes are not UTF-8.
    NotUtf8(String),
    TooManyFields,
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormError::BadEscape(at) => write!(
                f,
                "malformed form: '%' at byte {at} is not followed by two hex digits"
            ),
            FormError::NotUtf8(name) if name.is_empty() => {
                write!(f, "malformed form: a field name is not UTF-8 text")
            }
            FormError::NotUtf8(name) => write!(
                f,
                "malformed form: field {:?} is not UTF-8 text",
                name.chars().take(40).collect::<String>()
            ),
            FormError::TooManyFields => {
                write!(f, "malformed form: more than {MAX_FIELDS} fields")
            }
        }
    }
}

impl Form {
    /// Parse an urlencoded body: `name=value` pairs joined by `&`, `+` for a space.
    pub fn parse(body: &[u8]) -> Result<Form, FormError> {
        let mut fields = Vec::new();
        let mut at = 0;
        for pair in body.split(|&b| b == b'&') {
            let start = at;
            at += pair.len() + 1;
            if pair.is_empty() {
                continue;
            }
            if fields.len() == MAX_FIELDS {
                return Err(FormError::TooManyFields);
            }
            let (name, value, value_at) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..], start + i + 1),
                None => (pair, &pair[pair.len()..], start + pair.len()),
            };
            let name = String::from_utf8(decode(name, start)?)
                .map_err(|_| FormError::NotUtf8(String::new()))?;
            let value = String::from_utf8(decode(value, value_at)?)
                .map_err(|_| FormError::NotUtf8(name.clone()))?;
            fields.push((name, value));
        }
        Ok(Form { fields })
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, or "" when absent.
    pub fn value(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }
}

/// Percent-decode `bytes` (which start at byte `offset` of the body, for the error).
fn decode(bytes: &[u8], offset: usize) -> Result<Vec<u8>, FormError> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let pair = bytes
                    .get(i + 1)
                    .copied()
                    .and_then(hex)
                    .zip(bytes.get(i + 2).copied().and_then(hex));
                let Some((h, l)) = pair else {
                    return Err(FormError::BadEscape(offset + i));
                };
                out.push(h << 4 | l);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    Ok(out)
}

/// `s` percent-encoded for a query value (all but unreserved characters and `/`).
pub fn encode(s: &str) -> Cow<'_, str> {
    let keep = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/');
    if s.bytes().all(keep) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Cow::Owned(out)
}

/// Whether a `Content-Type` header names an urlencoded form.
pub fn is_urlencoded(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|t| {
        t.split(';').next().is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    })
}

/// Whether a `Content-Type` header names a multipart upload.
pub fn is_multipart(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|t| {
        t.split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("multipart/form-data"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_decoded_in_order() {
        let f = Form::parse(b"user=anna&password=a+b%26c%3D&empty=&flag&&user=second").unwrap();
        assert_eq!(f.get("user"), Some("anna"), "the first wins");
        assert_eq!(f.get("password"), Some("a b&c="));
        assert_eq!(f.get("empty"), Some(""));
        assert_eq!(f.get("flag"), Some(""));
        assert_eq!(f.get("missing"), None);
        assert_eq!(f.value("missing"), "");
        assert_eq!(Form::parse(b"").unwrap(), Form::default());
        let cyr = Form::parse("n=%D0%BF%D0%B0%D1%80%D0%BE%D0%BB%D1%8C".as_bytes()).unwrap();
        assert_eq!(cyr.get("n"), Some("пароль"));
        assert_eq!(Form::parse(b"a=%00").unwrap().get("a"), Some("\0"));
    }

    #[test]
    fn malformed_bodies_say_why() {
        assert_eq!(Form::parse(b"a=1&b=%zz"), Err(FormError::BadEscape(6)));
        assert_eq!(Form::parse(b"a=%4"), Err(FormError::BadEscape(2)));
        assert_eq!(Form::parse(b"a%=1"), Err(FormError::BadEscape(1)));
        assert_eq!(
            Form::parse(b"pw=%ff%fe"),
            Err(FormError::NotUtf8("pw".into()))
        );
        assert_eq!(
            Form::parse(b"%ff=1"),
            Err(FormError::NotUtf8(String::new()))
        );
        assert_eq!(
            Form::parse(b"pw=\xff"),
            Err(FormError::NotUtf8("pw".into()))
        );
        let many = vec!["a=1"; MAX_FIELDS + 1].join("&");
        assert_eq!(Form::parse(many.as_bytes()), Err(FormError::TooManyFields));
        let msg = FormError::BadEscape(6).to_string();
        assert!(msg.contains("byte 6"), "{msg}");
        assert!(FormError::NotUtf8("pw".into())
            .to_string()
            .contains("\"pw\""));
    }

    #[test]
    fn encoding_round_trips() {
        for s in [
            "/reports/lost?from=2026-01-01&to=x",
            "a b+c%",
            "пароль",
            "/",
        ] {
            let body = format!("v={}", encode(s));
            assert_eq!(
                Form::parse(body.as_bytes()).unwrap().get("v"),
                Some(s),
                "{s}"
            );
        }
        assert!(matches!(encode("/calls"), Cow::Borrowed(_)));
        assert_eq!(encode("a&b"), "a%26b");
    }

    #[test]
    fn content_types() {
        assert!(is_urlencoded(Some("application/x-www-form-urlencoded")));
        assert!(is_urlencoded(Some(
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8"
        )));
        assert!(!is_urlencoded(Some("multipart/form-data; boundary=x")));
        assert!(!is_urlencoded(None));
        assert!(is_multipart(Some("multipart/form-data; boundary=x")));
        assert!(!is_multipart(Some("text/plain")));
    }
}
