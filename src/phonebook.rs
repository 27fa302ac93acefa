//! The phonebook (pure): a CSV an installer or office manager uploads that names phone numbers
//! and tags them (customer, VIP, staff family, competitor); the reports show the name and tag
//! beside each external number.
//!
//! **The file.** UTF-8 with or without a byte-order mark, or Windows-1251 when it is not valid
//! UTF-8 (what Russian and Ukrainian Excel save as "CSV (comma delimited)"). Fields split on
//! `,` or `;`, whichever the first line has more of. Columns: number, name, tag, note (the
//! last two optional); an optional first row names them in English, Russian or Ukrainian
//! (`number;name;tag`, `номер;имя;метка`, `номер;ім'я;мітка`) and may put them in any order.
//! Tags: `customer`, `vip`, `staff_family`, `competitor`, or their Russian and Ukrainian words
//! ([`Tag::parse`]); empty is allowed (a name only). The upload is all-or-nothing: every bad
//! line is reported with its line number and reason, and nothing is kept unless all are good.
//!
//! **Matching a printed number.** Both sides are reduced to their digits (`+`, spaces, dashes
//! and brackets dropped). The same digits match. Otherwise the PBX and the book may write the
//! same number with and without a country code, a national trunk prefix (`8` or `0`) or a
//! line-access digit (`9`), so a number matches an entry when their longest common ending
//! (suffix) has at least [`MIN_SUFFIX`] digits and covers the shorter of the two whole or all
//! but its first digit: `+7 495 123-45-67` matches `84951234567`, `+39 0364 538740` matches
//! `0364538740`, `123-45-67` (a local number written without its area code) matches
//! `84951234567`; but `+7 495 123-45-67` does not match `+7 499 123-45-67` (only 7 common
//! digits out of 11), and numbers shorter than 7 digits (extensions, service numbers) match
//! only exactly. When several entries match, the longest common ending wins; a tie between
//! entries that say different things is no match (the book is ambiguous there).

use crate::core::analytics::{in_period, Cell, Column, Figure, ReportOptions};
use crate::core::calls::{Call, Outcome};
use crate::core::record::Direction;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Fewest common trailing digits for a match that is not exact.
pub const MIN_SUFFIX: usize = 7;
/// Bounds on an upload: entries, and characters per field.
pub const MAX_ENTRIES: usize = 50_000;
const MAX_NAME_CHARS: usize = 200;
const MAX_NOTE_CHARS: usize = 500;
const MAX_NUMBER_DIGITS: usize = 20;
/// At most this many line errors are listed; the count says how many more.
pub const MAX_ERRORS_SHOWN: usize = 100;

/// What a number is to the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tag {
    Customer,
    Vip,
    StaffFamily,
    Competitor,
}

impl Tag {
    pub const ALL: [Tag; 4] = [Tag::Customer, Tag::Vip, Tag::StaffFamily, Tag::Competitor];

    /// The machine name: CSV cell, database value, JSON.
    pub fn key(self) -> &'static str {
        match self {
            Tag::Customer => "customer",
            Tag::Vip => "vip",
            Tag::StaffFamily => "staff_family",
            Tag::Competitor => "competitor",
        }
    }

    /// What a person reads (English; the pages' catalog may translate it).
    pub fn label(self) -> &'static str {
        match self {
            Tag::Customer => "customer",
            Tag::Vip => "VIP",
            Tag::StaffFamily => "staff family",
            Tag::Competitor => "competitor",
        }
    }

    /// A tag as people write it in English, Russian or Ukrainian (any case, spaces, `-` or
    /// `_` between words); `None` for anything else.
    pub fn parse(s: &str) -> Option<Tag> {
        let k: String = s
            .trim()
            .to_lowercase()
            .replace(['-', ' ', '’', '`', 'ʼ', '\''], "_");
        let k = k.trim_matches('_');
        Some(match k {
            "customer"
            | "client"
            | "клиент"
            | "клієнт"
            | "заказчик"
            | "покупатель"
            | "замовник"
            | "покупець" => Tag::Customer,
            "vip" | "вип" | "віп" | "vip_клиент" | "vip_клієнт" | "вип_клиент" | "віп_клієнт" => {
                Tag::Vip
            }
            "staff_family"
            | "staff"
            | "family"
            | "семья"
            | "семья_сотрудника"
            | "родственник"
            | "родственники"
            | "сім_я"
            | "сімя"
            | "сім_я_працівника"
            | "родина"
            | "родина_працівника"
            | "родич" => Tag::StaffFamily,
            "competitor" | "конкурент" | "конкуренты" | "конкуренти" => {
                Tag::Competitor
            }
            _ => return None,
        })
    }

    pub fn from_key(s: &str) -> Option<Tag> {
        Tag::ALL.into_iter().find(|t| t.key() == s)
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One line of the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// As written in the file (trimmed), shown on the page and written back out.
    pub number: String,
    pub name: String,
    pub tag: Option<Tag>,
    pub note: String,
}

impl Entry {
    /// The number's digits: what matching compares.
    pub fn digits(&self) -> String {
        digits(&self.number)
    }
}

/// The digits of a number, nothing else.
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// One refused line (line 0: the file as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.reason)
        } else {
            write!(f, "line {}: {}", self.line, self.reason)
        }
    }
}

/// Why an upload was refused: every bad line (the first [`MAX_ERRORS_SHOWN`] listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub errors: Vec<LineError>,
    /// Errors beyond the ones listed.
    pub more: usize,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the phonebook was not changed: {} problem(s) in the file",
            self.errors.len() + self.more
        )?;
        for e in &self.errors {
            writeln!(f, "{e}")?;
        }
        if self.more > 0 {
            writeln!(f, "... and {} more", self.more)?;
        }
        Ok(())
    }
}

impl std::error::Error for Refused {}

/// The file's text: UTF-8 (byte-order mark dropped), else Windows-1251.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err("the file is UTF-16 (Excel's \"Unicode text\"); save it as \
                    \"CSV UTF-8\" or \"CSV (comma delimited)\" instead"
            .into());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => Ok(bytes.iter().map(|&b| cp1251(b)).collect()),
    }
}

/// Windows-1251 (Cyrillic) byte to char; 0x98, unassigned, becomes U+FFFD.
fn cp1251(b: u8) -> char {
    const HIGH: [u16; 64] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409,
        0x2039, 0x040A, 0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0,
        0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB,
        0x00AC, 0x00AD, 0x00AE, 0x0407, 0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6,
        0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    ];
    match b {
        0..=0x7F => char::from(b),
        0x80..=0xBF => char::from_u32(u32::from(HIGH[usize::from(b - 0x80)])).unwrap_or('\u{FFFD}'),
        // А..я in alphabetical order.
        _ => char::from_u32(0x0410 + u32::from(b - 0xC0)).unwrap_or('\u{FFFD}'),
    }
}

/// `;` when the first non-blank line has more of them than `,`, else `,`.
fn detect_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| first.chars().filter(|&x| x == c).count();
    if count(';') > count(',') {
        b';'
    } else {
        b','
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Number,
    Name,
    Tag,
    Note,
}

/// A header cell's column, in English, Russian or Ukrainian.
fn header_col(cell: &str) -> Option<Col> {
    let k = cell
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace(['’', 'ʼ', '`'], "'");
    Some(match k.as_str() {
        "number"
        | "phone"
        | "phone number"
        | "tel"
        | "telephone"
        | "номер"
        | "телефон"
        | "номер телефона"
        | "номер телефону" => Col::Number,
        "name" | "contact" | "имя" | "ім'я" | "імя" | "название" | "назва" | "контакт"
        | "абонент" => Col::Name,
        "tag" | "type" | "category" | "метка" | "мітка" | "тег" | "тип" | "категория"
        | "категорія" => Col::Tag,
        "note" | "notes" | "comment" | "примечание" | "комментарий" | "примітка" | "коментар" => {
            Col::Note
        }
        _ => return None,
    })
}

/// Read a phonebook file: all its entries, or every problem with its line number.
pub fn parse(bytes: &[u8]) -> Result<Vec<Entry>, Refused> {
    let refuse = |reason: String| Refused {
        errors: vec![LineError { line: 0, reason }],
        more: 0,
    };
    let text = decode(bytes).map_err(refuse)?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(&text))
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut errors: Vec<LineError> = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut layout = vec![Col::Number, Col::Name, Col::Tag, Col::Note];
    let mut first = true;
    // Digits -> the line that had them, to refuse a number listed twice.
    let mut seen: HashMap<String, u64> = HashMap::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(LineError {
                    line,
                    reason: format!("cannot read this line as CSV: {e}"),
                });
                // The reader cannot go on reliably after a broken quote.
                break;
            }
        };
        let line = rec.position().map_or(0, |p| line_of(&text, p.byte()));
        if rec.iter().all(str::is_empty) {
            continue;
        }
        if std::mem::take(&mut first) {
            // A header: no digit in the first cell and every cell a column name.
            let cols: Vec<Option<Col>> = rec.iter().map(header_col).collect();
            if !rec.get(0).unwrap_or("").chars().any(|c| c.is_ascii_digit())
                && cols.first().copied().flatten().is_some()
            {
                match header_layout(&rec, &cols) {
                    Ok(l) => layout = l,
                    Err(reason) => errors.push(LineError { line, reason }),
                }
                continue;
            }
        }
        if entries.len() >= MAX_ENTRIES {
            errors.push(LineError {
                line,
                reason: format!("more than {MAX_ENTRIES} numbers; split the book"),
            });
            break;
        }
        match entry(&rec, &layout) {
            Ok(e) => {
                let d = e.digits();
                if let Some(prev) = seen.get(&d) {
                    errors.push(LineError {
                        line,
                        reason: format!("the number {} is already on line {prev}", e.number),
                    });
                } else {
                    seen.insert(d, line);
                    entries.push(e);
                }
            }
            Err(reason) => errors.push(LineError { line, reason }),
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        let more = errors.len().saturating_sub(MAX_ERRORS_SHOWN);
        errors.truncate(MAX_ERRORS_SHOWN);
        Err(Refused { errors, more })
    }
}

/// The line number of the record that starts at `byte`: the csv reader places a record that
/// follows blank lines at the first blank one, so line ends are skipped first.
fn line_of(text: &str, byte: u64) -> u64 {
    let start = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
    let skipped = text.as_bytes()[start..]
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count();
    let at = start + skipped;
    1 + text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

fn header_layout(rec: &csv::StringRecord, cols: &[Option<Col>]) -> Result<Vec<Col>, String> {
    let mut layout = Vec::with_capacity(cols.len());
    for (cell, col) in rec.iter().zip(cols) {
        match col {
            Some(c) if layout.contains(c) => {
                return Err(format!("the column {cell:?} is named twice"));
            }
            Some(c) => layout.push(*c),
            None => {
                return Err(format!(
                    "unknown column {:?}; the columns are number, name, tag, note",
                    shown(cell)
                ))
            }
        }
    }
    Ok(layout)
}

/// At most 40 characters of a bad value, for an error message.
fn shown(s: &str) -> String {
    let mut v: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        v.push('…');
    }
    v
}

/// Excel marks text with a leading apostrophe (and our CSVs neutralise formulas with one).
fn unmark(s: &str) -> &str {
    s.strip_prefix('\'').unwrap_or(s).trim()
}

fn entry(rec: &csv::StringRecord, layout: &[Col]) -> Result<Entry, String> {
    if rec.len() > layout.len() && rec.iter().skip(layout.len()).any(|c| !c.is_empty()) {
        return Err(format!(
            "{} fields; expected at most {} (number, name, tag, note)",
            rec.len(),
            layout.len()
        ));
    }
    let mut e = Entry {
        number: String::new(),
        name: String::new(),
        tag: None,
        note: String::new(),
    };
    for (cell, col) in rec.iter().zip(layout) {
        let cell = unmark(cell);
        match col {
            Col::Number => e.number = cell.to_string(),
            Col::Name => e.name = cell.to_string(),
            Col::Tag if cell.is_empty() => {}
            Col::Tag => {
                e.tag = Some(Tag::parse(cell).ok_or_else(|| {
                    format!(
                        "unknown tag {:?}; the tags are customer, vip, staff_family, competitor",
                        shown(cell)
                    )
                })?)
            }
            Col::Note => e.note = cell.to_string(),
        }
    }
    check_number(&e.number)?;
    if e.name.is_empty() && e.tag.is_none() {
        return Err(format!(
            "nothing said about {}: give a name or a tag",
            e.number
        ));
    }
    if e.name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "the name is longer than {MAX_NAME_CHARS} characters"
        ));
    }
    if e.note.chars().count() > MAX_NOTE_CHARS {
        return Err(format!(
            "the note is longer than {MAX_NOTE_CHARS} characters"
        ));
    }
    if [&e.name, &e.note]
        .iter()
        .any(|s| s.chars().any(char::is_control))
    {
        return Err("control characters in the name or note".into());
    }
    Ok(e)
}

/// A phone number as people write it: digits, a leading `+`, spaces, `-`, `.`, `/`, brackets.
fn check_number(n: &str) -> Result<(), String> {
    if n.is_empty() {
        return Err("no number".into());
    }
    let body = n.strip_prefix('+').unwrap_or(n);
    if let Some(bad) = body
        .chars()
        .find(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '/' | '(' | ')')))
    {
        return Err(format!(
            "{:?} is not a phone number (the character {bad:?}); write digits, with + \
             spaces - ( ) if you like",
            shown(n)
        ));
    }
    let d = digits(n).len();
    if d < 2 {
        return Err(format!(
            "{:?} has too few digits for a phone number",
            shown(n)
        ));
    }
    if d > MAX_NUMBER_DIGITS {
        return Err(format!(
            "{:?} has {d} digits; at most {MAX_NUMBER_DIGITS}",
            shown(n)
        ));
    }
    Ok(())
}

/// The book the reports look numbers up in. Cheap to clone (shared).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Book {
    inner: Arc<Inner>,
}

#[derive(Debug, Default, PartialEq)]
struct Inner {
    entries: Vec<Entry>,
    digits: Vec<String>,
    /// Digits -> entry.
    exact: HashMap<String, usize>,
    /// The last [`MIN_SUFFIX`] digits -> entries ending so (numbers that long only).
    by_tail: HashMap<String, Vec<usize>>,
}

fn tail(d: &str) -> Option<&str> {
    d.len().checked_sub(MIN_SUFFIX).map(|i| &d[i..])
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

impl Book {
    /// A book of `entries` (as [`parse`] returns them or the store keeps them). Of two entries
    /// with the same digits the first is kept.
    pub fn new(entries: Vec<Entry>) -> Book {
        let mut inner = Inner::default();
        for e in entries {
            let d = e.digits();
            if d.is_empty() || inner.exact.contains_key(&d) {
                continue;
            }
            let i = inner.entries.len();
            inner.exact.insert(d.clone(), i);
            if let Some(t) = tail(&d) {
                inner.by_tail.entry(t.to_string()).or_default().push(i);
            }
            inner.digits.push(d);
            inner.entries.push(e);
        }
        Book {
            inner: Arc::new(inner),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.inner.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.inner.entries.len()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.inner.entries
    }

    /// The entry for a number as the PBX printed it (or as the calls model normalised it),
    /// by the rules in the module's doc.
    pub fn lookup(&self, number: &str) -> Option<&Entry> {
        let inner = &*self.inner;
        let d = digits(number);
        if let Some(&i) = inner.exact.get(&d) {
            return inner.entries.get(i);
        }
        let mut best: Option<(usize, usize)> = None;
        let mut tie = false;
        for &i in inner.by_tail.get(tail(&d)?).into_iter().flatten() {
            let e = &inner.digits[i];
            let common = common_suffix(&d, e);
            let shorter = d.len().min(e.len());
            if common < MIN_SUFFIX || common + 1 < shorter {
                continue;
            }
            match best {
                Some((_, b)) if common < b => {}
                Some((j, b)) if common == b => {
                    let (x, y) = (&inner.entries[i], &inner.entries[j]);
                    tie |= (&x.name, x.tag) != (&y.name, y.tag);
                }
                _ => {
                    best = Some((i, common));
                    tie = false;
                }
            }
        }
        match best {
            Some((i, _)) if !tie => inner.entries.get(i),
            _ => None,
        }
    }

    /// (name, tag) of a number, for a report's cells.
    pub fn name_tag(&self, number: Option<&str>) -> (Option<&str>, Option<Tag>) {
        match number.and_then(|n| self.lookup(n)) {
            Some(e) => ((!e.name.is_empty()).then_some(e.name.as_str()), e.tag),
            None => (None, None),
        }
    }

    /// How many entries carry each tag (every tag listed, zeros too), and how many none.
    pub fn counts(&self) -> (Vec<(Tag, usize)>, usize) {
        let per = Tag::ALL
            .iter()
            .map(|&t| {
                let n = self.entries().iter().filter(|e| e.tag == Some(t)).count();
                (t, n)
            })
            .collect();
        let none = self.entries().iter().filter(|e| e.tag.is_none()).count();
        (per, none)
    }
}

/// The two columns reports add for a book that is not empty: the book's name and tag of the
/// row's outside number (at the end of the table, so the other columns keep their places).
pub fn report_columns() -> [Column; 2] {
    [
        Column {
            key: "name",
            label: "Phonebook name",
        },
        Column {
            key: "tag",
            label: "Tag",
        },
    ]
}

impl Book {
    /// [`report_columns`]' cells for `number` (empty when the book does not know it).
    pub fn report_cells(&self, number: Option<&str>) -> [Cell; 2] {
        let (name, tag) = self.name_tag(number);
        [
            name.map_or(Cell::Empty, |n| Cell::Text(n.to_string())),
            tag.map_or(Cell::Empty, |t| Cell::Text(t.label().to_string())),
        ]
    }
}

/// The figure key and label per tag, for [`tag_figures`].
fn tag_figure(t: Tag) -> (&'static str, &'static str) {
    match t {
        Tag::Customer => ("calls_customer", "Calls with customers"),
        Tag::Vip => ("calls_vip", "Calls with VIPs"),
        Tag::StaffFamily => ("calls_staff_family", "Calls with staff family"),
        Tag::Competitor => ("calls_competitor", "Calls with competitors"),
    }
}

/// Per tag, the outside calls of the period with numbers the book tags so (incoming and
/// outgoing, lost ones too): how much the office talks to customers, VIPs, staff families and
/// competitors. Nothing for an empty book.
pub fn tag_figures(calls: &[Call], opts: &ReportOptions) -> Vec<Figure> {
    if opts.phonebook.is_empty() {
        return Vec::new();
    }
    // Per tag: incoming, of which lost, outgoing, talk seconds.
    let mut per: HashMap<Tag, [i64; 4]> = HashMap::new();
    for c in in_period(calls, opts) {
        let Some(tag) = opts.phonebook.name_tag(c.external_number.as_deref()).1 else {
            continue;
        };
        let x = per.entry(tag).or_default();
        match c.direction {
            Direction::Incoming => {
                x[0] += 1;
                x[1] += i64::from(c.outcome == Outcome::Lost);
            }
            Direction::Outgoing => x[2] += 1,
            _ => continue,
        }
        x[3] += i64::from(c.talk_secs);
    }
    Tag::ALL
        .iter()
        .map(|&t| {
            let [inc, lost, out, talk] = per.get(&t).copied().unwrap_or_default();
            let (key, label) = tag_figure(t);
            Figure {
                key,
                label: label.into(),
                value: Cell::Int(inc + out),
                note: Some(format!(
                    "phonebook tag {}: {inc} incoming ({lost} lost), {out} outgoing, talk {}",
                    t.label(),
                    crate::core::analytics::human_secs(talk)
                )),
            }
        })
        .collect()
}

/// The book as a CSV that [`parse`] reads back: byte-order mark, a header row in English,
/// tags by their keys; cells that look like formulas neutralised as in every CSV of the box.
pub fn write_csv<W: std::io::Write>(
    entries: &[Entry],
    out: W,
    sep: crate::export::Delimiter,
) -> anyhow::Result<()> {
    use crate::export::neutralise;
    let mut w = crate::export::csv_writer(out, sep)?;
    w.write_record(["number", "name", "tag", "note"])?;
    for e in entries {
        w.write_record([
            neutralise(&e.number).as_ref(),
            neutralise(&e.name).as_ref(),
            e.tag.map_or("", Tag::key),
            neutralise(&e.note).as_ref(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &[u8]) -> Vec<Entry> {
        match parse(text) {
            Ok(v) => v,
            Err(e) => panic!("refused: {e}"),
        }
    }

    fn errs(text: &[u8]) -> Vec<String> {
        match parse(text) {
            Ok(v) => panic!("accepted: {v:?}"),
            Err(e) => e.errors.iter().map(ToString::to_string).collect(),
        }
    }

    fn e(number: &str, name: &str, tag: Option<Tag>) -> Entry {
        Entry {
            number: number.into(),
            name: name.into(),
            tag,
            note: String::new(),
        }
    }

    #[test]
    fn utf8_with_bom_comma_and_english_header() {
        let v = ok(b"\xEF\xBB\xBFnumber,name,tag,note\n+7 495 123-45-67,Acme Ltd,VIP,boss\n");
        assert_eq!(
            v,
            vec![Entry {
                note: "boss".into(),
                ..e("+7 495 123-45-67", "Acme Ltd", Some(Tag::Vip))
            }]
        );
    }

    #[test]
    fn semicolon_russian_header_in_any_order_and_quoted_commas() {
        let text = "Имя;Номер;Метка\n\"Иванов, Иван\";8 (495) 111-22-33;клиент\nМама Анны;+380441234567;Семья\n";
        let v = ok(text.as_bytes());
        assert_eq!(
            v,
            vec![
                e("8 (495) 111-22-33", "Иванов, Иван", Some(Tag::Customer)),
                e("+380441234567", "Мама Анны", Some(Tag::StaffFamily)),
            ]
        );
    }

    #[test]
    fn ukrainian_header_and_tags() {
        let text = "номер;ім'я;мітка;примітка\n0441234567;Конкурент ТОВ;конкурент;\n0501112233;Петро;віп;дзвонити першим\n0671234567;Сестра Олі;сім'я\n";
        let v = ok(text.as_bytes());
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].tag, Some(Tag::Competitor));
        assert_eq!(v[1].tag, Some(Tag::Vip));
        assert_eq!(v[1].note, "дзвонити першим");
        assert_eq!(v[2].tag, Some(Tag::StaffFamily));
    }

    #[test]
    fn without_header_columns_are_positional() {
        let v = ok(b"0364538740,Studio Rossi\n0039 02 1234567,,competitor\n");
        assert_eq!(
            v,
            vec![
                e("0364538740", "Studio Rossi", None),
                e("0039 02 1234567", "", Some(Tag::Competitor)),
            ]
        );
    }

    #[test]
    fn windows_1251_is_read_when_not_utf8() {
        // "номер;имя;метка\n84951112233;Ёлкин Ї;вип\n" as Windows-1251 would save it.
        let text = "номер;имя;метка\n84951112233;Ёлкин Її;вип\n";
        let bytes: Vec<u8> = text
            .chars()
            .map(|c| match c {
                'а'..='я' => (c as u32 - 0x0430 + 0xE0) as u8,
                'А'..='Я' => (c as u32 - 0x0410 + 0xC0) as u8,
                'Ё' => 0xA8,
                'Ї' => 0xAF,
                'ї' => 0xBF,
                c => c as u8,
            })
            .collect();
        assert!(std::str::from_utf8(&bytes).is_err());
        assert_eq!(
            ok(&bytes),
            vec![e("84951112233", "Ёлкин Її", Some(Tag::Vip))]
        );
    }

    #[test]
    fn cp1251_table_agrees_with_the_standard_at_known_points() {
        for (b, c) in [
            (0x80, 'Ђ'),
            (0x88, '€'),
            (0xA5, 'Ґ'),
            (0xAA, 'Є'),
            (0xB2, 'І'),
            (0xB3, 'і'),
            (0xB4, 'ґ'),
            (0xB9, '№'),
            (0xBA, 'є'),
            (0xC0, 'А'),
            (0xFF, 'я'),
        ] {
            assert_eq!(cp1251(b), c, "{b:#x}");
        }
    }

    #[test]
    fn every_bad_line_is_named_with_its_reason() {
        let text = "number;name;tag\n\
                    84951112233;Good;customer\n\
                    84951112234;Bad tag;friend\n\
                    \n\
                    call me;Words;vip\n\
                    84951112233;Twice;\n\
                    84951112299;;\n\
                    84951112200;a;vip;note;extra\n";
        let errors = errs(text.as_bytes());
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(
            errors[0].starts_with("line 3: unknown tag \"friend\""),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("line 5: \"call me\" is not a phone number"),
            "{errors:?}"
        );
        assert_eq!(
            errors[2],
            "line 6: the number 84951112233 is already on line 2"
        );
        assert!(errors[3].starts_with("line 7: nothing said about 84951112299"));
        assert!(errors[4].starts_with("line 8: 5 fields"));
    }

    #[test]
    fn bad_header_and_utf16_are_refused() {
        assert_eq!(
            errs("номер;имя;цвет\n".as_bytes()),
            vec!["line 1: unknown column \"цвет\"; the columns are number, name, tag, note"]
        );
        assert!(errs(b"\xFF\xFEn\0")[0].contains("UTF-16"));
    }

    #[test]
    fn tags_in_three_languages() {
        for (s, t) in [
            ("VIP", Tag::Vip),
            ("Вип", Tag::Vip),
            ("staff family", Tag::StaffFamily),
            ("Staff-Family", Tag::StaffFamily),
            ("сім’я", Tag::StaffFamily),
            ("Клієнт", Tag::Customer),
            ("Конкурент", Tag::Competitor),
        ] {
            assert_eq!(Tag::parse(s), Some(t), "{s}");
        }
        assert_eq!(Tag::parse("friend"), None);
        for t in Tag::ALL {
            assert_eq!(Tag::parse(t.key()), Some(t));
            assert_eq!(Tag::from_key(t.key()), Some(t));
        }
    }

    fn book() -> Book {
        Book::new(vec![
            e("+7 495 123-45-67", "Moscow office", Some(Tag::Vip)),
            e("+39 0364 538740", "Studio Rossi", Some(Tag::Customer)),
            e("112", "Emergency", None),
            e("0441234567", "Kyiv", Some(Tag::Competitor)),
            e("765-43-21", "Local", None),
        ])
    }

    fn name_of(b: &Book, n: &str) -> Option<String> {
        b.lookup(n).map(|e| e.name.clone())
    }

    #[test]
    fn matching_by_digits_and_by_a_long_common_ending() {
        let b = book();
        let cases = [
            // Same digits.
            ("74951234567", Some("Moscow office")),
            // National trunk prefix instead of the country code.
            ("84951234567", Some("Moscow office")),
            // International prefix as the calls model writes it, and a line-access digit.
            ("0074951234567", Some("Moscow office")),
            ("984951234567", Some("Moscow office")),
            ("0364538740", Some("Studio Rossi")),
            ("00390364538740", Some("Studio Rossi")),
            ("+380 44 123 45 67", Some("Kyiv")),
            // A local number in the book matches the full number.
            ("84957654321", Some("Local")),
            // Another area code with the same last 7 digits is another number.
            ("84991234567", None),
            ("0671234567", None),
            // Short numbers only exactly.
            ("112", Some("Emergency")),
            ("0112", None),
            ("1123", None),
            ("4567", None),
            ("", None),
        ];
        for (n, want) in cases {
            assert_eq!(name_of(&b, n).as_deref(), want, "{n}");
        }
    }

    #[test]
    fn the_longest_ending_wins_and_a_tie_is_no_match() {
        let b = Book::new(vec![
            e("1234567", "Local", None),
            e("84951234567", "Full", None),
        ]);
        assert_eq!(name_of(&b, "74951234567").as_deref(), Some("Full"));
        let tie = Book::new(vec![
            e("74951234567", "A", None),
            e("84951234567", "B", None),
        ]);
        assert_eq!(name_of(&tie, "0074951234567").as_deref(), Some("A"));
        assert_eq!(name_of(&tie, "94951234567"), None);
        let same = Book::new(vec![
            e("74951234567", "A", None),
            e("84951234567", "A", None),
        ]);
        assert_eq!(name_of(&same, "94951234567").as_deref(), Some("A"));
    }

    #[test]
    fn written_back_it_reads_the_same() {
        let entries = vec![
            Entry {
                note: "=1+1".into(),
                ..e("+7 495 123-45-67", "Иванов, Иван", Some(Tag::Vip))
            },
            e("0364538740", "Studio \"Rossi\"", None),
        ];
        for sep in [
            crate::export::Delimiter::Comma,
            crate::export::Delimiter::Semicolon,
        ] {
            let mut out = Vec::new();
            write_csv(&entries, &mut out, sep).unwrap();
            let back = ok(&out);
            assert_eq!(back[0].number, entries[0].number);
            assert_eq!(back[0].note, "=1+1");
            assert_eq!(back[1], entries[1]);
            assert_eq!(back[0].name, entries[0].name);
        }
    }

    /// The reports with and without a book: no column or figure without one; with one, name
    /// and tag as the last columns and the per-tag figures.
    #[test]
    fn reports_show_names_and_tags_only_with_a_book() {
        use crate::core::analytics::{self, summary::fixtures::call};
        let mut calls = Vec::new();
        for (i, start) in ["2024-03-04 09:10:00", "2024-03-04 09:40:00"]
            .iter()
            .enumerate()
        {
            let mut c = call(Direction::Incoming, start);
            c.parts = vec![i as i64 + 1];
            c.end = c.start;
            c.outcome = Outcome::Lost;
            c.external_number = Some("0364538740".into());
            calls.push(c);
        }
        let mut out = call(Direction::Outgoing, "2024-03-04 11:00:00");
        out.parts = vec![3];
        out.external_number = Some("93481234567".into());
        out.talk_secs = 60;
        calls.push(out);
        let day = chrono::NaiveDate::from_ymd_opt(2024, 3, 4).unwrap();
        let plain = ReportOptions::new(day, day);
        let mut opts = plain.clone();
        opts.phonebook = Book::new(vec![
            e("+39 0364 538740", "Rossi", Some(Tag::Vip)),
            e("+39 348 1234567", "Rival", Some(Tag::Competitor)),
        ]);
        let keys = |r: &analytics::Report| -> Vec<&str> {
            r.table.columns.iter().map(|c| c.key).collect()
        };
        let fig = |r: &analytics::Report, k: &str| {
            r.figures
                .iter()
                .find(|f| f.key == k)
                .map(|f| f.value.clone())
        };
        for name in ["lost", "repeat", "summary"] {
            let without = analytics::run(name, &calls, &plain).unwrap();
            let with = analytics::run(name, &calls, &opts).unwrap();
            assert!(!keys(&without).contains(&"tag"), "{name}");
            if name != "summary" {
                let (a, b) = (keys(&without), keys(&with));
                assert_eq!(b[..a.len()], a[..], "{name}: the other columns stay");
                assert_eq!(b[a.len()..], ["name", "tag"], "{name}");
                let n = b.len();
                assert_eq!(with.table.rows[0][n - 2], Cell::Text("Rossi".into()));
                assert_eq!(with.table.rows[0][n - 1], Cell::Text("VIP".into()));
            }
        }
        let lost = analytics::run("lost", &calls, &opts).unwrap();
        assert_eq!(fig(&lost, "lost_vip"), Some(Cell::Int(2)));
        assert_eq!(fig(&lost, "lost_customer"), Some(Cell::Int(0)));
        let plain_lost = analytics::run("lost", &calls, &plain).unwrap();
        assert_eq!(fig(&plain_lost, "lost_vip"), None);
        let summary = analytics::run("summary", &calls, &opts).unwrap();
        // The outgoing call, dialled with the line-access digit 9 and without the country code.
        assert_eq!(fig(&summary, "calls_competitor"), Some(Cell::Int(1)));
        assert_eq!(fig(&summary, "calls_vip"), Some(Cell::Int(2)));
    }

    #[test]
    fn counts_per_tag() {
        let (per, none) = book().counts();
        assert_eq!(
            per,
            vec![
                (Tag::Customer, 1),
                (Tag::Vip, 1),
                (Tag::StaffFamily, 0),
                (Tag::Competitor, 1)
            ]
        );
        assert_eq!(none, 2);
    }
}
