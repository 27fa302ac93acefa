//! `multipart/form-data` bodies (RFC 7578): what a browser sends for a form with a file input
//! (the phonebook upload) and a few text fields. Strict and bounded: the body is already
//! limited by `request::MAX_BODY`; here at most [`MAX_PARTS`] parts with at most
//! [`MAX_HEADER_BYTES`] of headers each. A body that is not well formed is refused with a
//! sentence saying why (answered 400).

use std::fmt;

/// Parts a form may have at most: the box's upload form has a file and a field or two.
pub const MAX_PARTS: usize = 16;
/// Bytes of one part's headers at most.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

/// One field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The field's `name`.
    pub name: String,
    /// The file's name as the browser sent it (file inputs only; may be empty when no file
    /// was chosen).
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// Why a body is not a multipart form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartError(pub String);

impl fmt::Display for MultipartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed upload: {}", self.0)
    }
}

impl std::error::Error for MultipartError {}

fn err<T>(msg: impl Into<String>) -> Result<T, MultipartError> {
    Err(MultipartError(msg.into()))
}

/// The boundary of a `Content-Type: multipart/form-data; boundary=...` header.
pub fn boundary(content_type: &str) -> Result<String, MultipartError> {
    let mut params = content_type.split(';');
    let kind = params.next().unwrap_or("").trim();
    if !kind.eq_ignore_ascii_case("multipart/form-data") {
        return err(format!(
            "expected Content-Type multipart/form-data, got {:?}",
            kind.chars().take(60).collect::<String>()
        ));
    }
    for p in params {
        if let Some((k, v)) = p.split_once('=') {
            if k.trim().eq_ignore_ascii_case("boundary") {
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v);
                // RFC 2046: 1 to 70 characters.
                if v.is_empty() || v.len() > 70 {
                    return err("the boundary must have 1 to 70 characters");
                }
                return Ok(v.to_string());
            }
        }
    }
    err("the Content-Type has no boundary")
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The parts of `body`, sent with `content_type` (the request's header).
pub fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, MultipartError> {
    let boundary = boundary(content_type)?;
    let delim = format!("--{boundary}");
    let delim = delim.as_bytes();
    // The first delimiter may follow a preamble (browsers send none).
    let Some(start) = find(body, delim, 0) else {
        return err("the body does not contain the boundary");
    };
    let mut at = start + delim.len();
    let mut parts = Vec::new();
    loop {
        let rest = &body[at..];
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        at += if rest.starts_with(b"\r\n") {
            2
        } else if rest.starts_with(b"\n") {
            1
        } else {
            return err("the body ends without the closing boundary");
        };
        if parts.len() == MAX_PARTS {
            return err(format!("more than {MAX_PARTS} fields"));
        }
        let (head_end, body_start) = match find(body, b"\r\n\r\n", at) {
            Some(i) => (i, i + 4),
            None => match find(body, b"\n\n", at) {
                Some(i) => (i, i + 2),
                None => return err("a field's headers do not end"),
            },
        };
        if head_end - at > MAX_HEADER_BYTES {
            return err(format!(
                "a field's headers are longer than {MAX_HEADER_BYTES} bytes"
            ));
        }
        let Ok(head) = std::str::from_utf8(&body[at..head_end]) else {
            return err("a field's headers are not UTF-8 text");
        };
        let mut part = part_headers(head)?;
        // The data ends at the CRLF before the next delimiter.
        let mut next = Vec::with_capacity(delim.len() + 2);
        next.extend_from_slice(b"\r\n");
        next.extend_from_slice(delim);
        let (data_end, after) = match find(body, &next, body_start) {
            Some(i) => (i, i + next.len()),
            None => {
                // Tolerate bare LF line ends (hand-made clients).
                next.remove(0);
                match find(body, &next, body_start) {
                    Some(i) => (i, i + next.len()),
                    None => {
                        return err(format!(
                            "field {:?} has no closing boundary (was the upload cut short?)",
                            part.name
                        ))
                    }
                }
            }
        };
        part.data = body[body_start..data_end].to_vec();
        parts.push(part);
        at = after;
    }
}

fn part_headers(head: &str) -> Result<Part, MultipartError> {
    let mut part = Part {
        name: String::new(),
        filename: None,
        content_type: None,
        data: Vec::new(),
    };
    let mut disposition = false;
    for line in head.lines() {
        let Some((k, v)) = line.split_once(':') else {
            return err(format!(
                "a field header without ':': {:?}",
                line.chars().take(60).collect::<String>()
            ));
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "content-disposition" => {
                disposition = true;
                let params = disposition_params(v)?;
                for (pk, pv) in params {
                    match pk.as_str() {
                        "name" => part.name = pv,
                        "filename" => part.filename = Some(pv),
                        _ => {}
                    }
                }
            }
            "content-type" => part.content_type = Some(v.trim().to_string()),
            _ => {}
        }
    }
    if !disposition {
        return err("a field without Content-Disposition");
    }
    if part.name.is_empty() {
        return err("a field without a name");
    }
    Ok(part)
}

/// `form-data; name="file"; filename="a;b.csv"`: the parameters after the type, lower-case
/// keys, quoted values unquoted (`\"` and `\\` unescaped).
fn disposition_params(v: &str) -> Result<Vec<(String, String)>, MultipartError> {
    let mut out = Vec::new();
    let mut chars = v.trim().chars().peekable();
    let kind: String = chars.by_ref().take_while(|&c| c != ';').collect();
    if !kind.trim().eq_ignore_ascii_case("form-data") {
        return err(format!(
            "Content-Disposition {:?}, not form-data",
            kind.trim()
        ));
    }
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ';') {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(out);
        }
        let key: String = chars.by_ref().take_while(|&c| c != '=').collect();
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('\\') => match chars.next() {
                        Some(c) => value.push(c),
                        None => return err("an unfinished quoted value"),
                    },
                    Some('"') => break,
                    Some(c) => value.push(c),
                    None => return err("an unfinished quoted value"),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ';' {
                    break;
                }
                value.push(c);
                chars.next();
            }
            value = value.trim().to_string();
        }
        out.push((key.trim().to_ascii_lowercase(), value));
    }
}

/// The first part called `name`.
pub fn field<'a>(parts: &'a [Part], name: &str) -> Option<&'a Part> {
    parts.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = "multipart/form-data; boundary=----WebKitFormBoundaryx7Q";

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut b = Vec::new();
        for (name, file, data) in parts {
            b.extend_from_slice(b"------WebKitFormBoundaryx7Q\r\n");
            match file {
                Some(f) => b.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                         Content-Type: text/csv\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => b.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            b.extend_from_slice(data);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(b"------WebKitFormBoundaryx7Q--\r\n");
        b
    }

    #[test]
    fn a_browser_upload_with_a_file_and_a_field() {
        let data: &[u8] = b"number;name\r\n+7 495 1234567;Acme\r\n\r\n--not-a-boundary\r\n\xff";
        let b = body(&[
            ("file", Some("book \\\"1\\\".csv"), data),
            ("note", None, b"hi"),
        ]);
        let parts = parse(CT, &b).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "file");
        assert_eq!(parts[0].filename.as_deref(), Some("book \"1\".csv"));
        assert_eq!(parts[0].content_type.as_deref(), Some("text/csv"));
        assert_eq!(parts[0].data, data);
        assert_eq!(field(&parts, "note").unwrap().data, b"hi");
        assert_eq!(field(&parts, "nope"), None);
    }

    #[test]
    fn an_empty_file_and_a_quoted_boundary() {
        let b = body(&[("file", Some(""), b"")]);
        let ct = "Multipart/Form-Data; charset=utf-8; boundary=\"----WebKitFormBoundaryx7Q\"";
        let parts = parse(ct, &b).unwrap();
        assert_eq!(parts[0].data, b"");
        assert_eq!(parts[0].filename.as_deref(), Some(""));
    }

    #[test]
    fn malformed_bodies_are_refused_with_a_reason() {
        let good = body(&[("file", Some("a.csv"), b"x")]);
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("text/plain", good.clone(), "expected Content-Type multipart/form-data"),
            ("multipart/form-data", good.clone(), "no boundary"),
            (CT, b"no boundary here".to_vec(), "does not contain the boundary"),
            (CT, good[..good.len() - 32].to_vec(), "no closing boundary"),
            (
                CT,
                b"------WebKitFormBoundaryx7Q\r\nContent-Type: text/csv\r\n\r\nx\r\n------WebKitFormBoundaryx7Q--".to_vec(),
                "without Content-Disposition",
            ),
            (
                CT,
                b"------WebKitFormBoundaryx7Q\r\nContent-Disposition: form-data; name=\"a".to_vec(),
                "headers do not end",
            ),
            (CT, b"------WebKitFormBoundaryx7Q".to_vec(), "without the closing boundary"),
        ];
        for (ct, b, want) in cases {
            let e = parse(ct, &b).unwrap_err().to_string();
            assert!(e.contains(want), "{want}: {e}");
        }
        let many: Vec<(&str, Option<&str>, &[u8])> =
            (0..=MAX_PARTS).map(|_| ("f", None, &b"1"[..])).collect();
        assert!(parse(CT, &body(&many))
            .unwrap_err()
            .to_string()
            .contains("more than"));
    }
}
