//! The CSV of calls: what the web page downloads and `smdrbox export` prints.
//!
//! One row per stored call record, in the order the PBX printed them. Values are as stored
//! (the PBX's own date and time, cost as decimal text); nothing is recomputed except the
//! `h:mm:ss` duration and the local receive time, which are there for spreadsheet users.
//!
//! Every CSV the box writes (this one and the reports') is made for Excel as an office opens
//! it with a double click: UTF-8 with a byte-order mark (else Excel reads it in the Windows
//! code page and Cyrillic names turn to mojibake), `,` or `;` between fields ([`Delimiter`]:
//! Russian and Ukrainian Excel split on `;`), date-times as `YYYY-MM-DD HH:MM:SS` (which Excel
//! and LibreOffice read as dates; the ISO `T` form and offsets they read as text).

use crate::store::read::{CallRow, Reader};
use anyhow::Result;
use chrono::{Datelike, Local, NaiveDate, TimeZone};
use std::borrow::Cow;
use std::fmt::Display;
use std::io::Write;

/// The CSV columns in order, as (name, meaning). README's column table is generated from (and
/// checked against) this list, so a change here is a change of the documented format.
pub const COLUMNS: &[(&str, &str)] = &[
    ("seq", "Sequence number of the raw line in the box's database (gap-free, never reused)"),
    ("date", "Call date YYYY-MM-DD as printed by the PBX (its clock); empty if it printed `**`"),
    ("time", "Call time HH:MM as printed by the PBX (its clock); see time_is"),
    ("time_is", "What `time` means: `end` or `start` of the call (Panasonic prints the END time)"),
    ("direction", "incoming, outgoing or internal"),
    ("extension", "Extension (or originator such as D101 doorphone, T01 TIE line)"),
    ("trunk", "CO line / trunk number; empty on internal calls"),
    ("number", "Outgoing: digits dialled; incoming: caller's number (empty without CLI); internal: called extension"),
    ("caller_name", "Caller's name when the PBX printed one"),
    ("ddi", "DDI/DID number the call came in on"),
    ("ring_secs", "Seconds the call rang before answer or hang-up; empty if the PBX prints no ring time"),
    ("duration_secs", "Talk time in seconds; empty if the PBX printed none"),
    ("duration", "Talk time as h:mm:ss"),
    ("cost", "Call charge as printed (decimal text)"),
    ("currency", "Currency of the charge as printed"),
    ("account_code", "Account code entered for the call"),
    ("condition", "PBX condition code as printed (NA, TR, FW, ...)"),
    ("unanswered", "1 if the call was not answered at this extension, else 0"),
    ("transferred", "1 if the call was transferred, else 0"),
    ("forwarded", "1 if the call was forwarded to an outside line, else 0"),
    ("received_at", "When the box received the line, box local time YYYY-MM-DD HH:MM:SS"),
    ("source", "Where the line came from, e.g. serial:/dev/smdr0"),
];

/// Columns the calls CSV and sheet add after [`COLUMNS`] once a phonebook is uploaded (at the
/// end, so every other column keeps its place; without a phonebook they are left out).
pub const PHONEBOOK_COLUMNS: &[(&str, &str)] = &[
    (
        "name",
        "The phonebook's name for the outside number; empty when the book does not know it",
    ),
    (
        "tag",
        "The phonebook's tag for it: customer, vip, staff_family or competitor",
    ),
];

/// The calls CSV's and sheet's column names with `book`: [`COLUMNS`], then
/// [`PHONEBOOK_COLUMNS`] unless the book is empty.
pub(crate) fn call_columns(book: &crate::phonebook::Book) -> Vec<&'static str> {
    let extra = if book.is_empty() {
        &[][..]
    } else {
        PHONEBOOK_COLUMNS
    };
    COLUMNS.iter().chain(extra).map(|(name, _)| *name).collect()
}

/// A call's [`PHONEBOOK_COLUMNS`] cells: the book's entry for its outside number (internal
/// calls have none).
pub(crate) fn phonebook_cells(r: &CallRow, book: &crate::phonebook::Book) -> [String; 2] {
    let entry = (r.direction != "internal")
        .then(|| book.lookup(&r.number))
        .flatten();
    match entry {
        Some(e) => [
            e.name.clone(),
            e.tag.map(|t| t.key().to_string()).unwrap_or_default(),
        ],
        None => [String::new(), String::new()],
    }
}

/// The UTF-8 byte-order mark every CSV starts with: how Excel knows the file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What separates the fields of a CSV. Excel splits a double-clicked CSV on the list
/// separator of the Windows region: `,` in English, `;` where `,` is the decimal comma
/// (Russian, Ukrainian, German...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delimiter {
    #[default]
    Comma,
    Semicolon,
}

impl Delimiter {
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
        }
    }

    /// The name in `?sep=` and `--sep`.
    pub fn name(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma",
            Delimiter::Semicolon => "semicolon",
        }
    }

    /// `comma`/`semicolon` (as `?sep=` and `--sep` take them) or the character itself.
    pub fn parse(s: &str) -> Result<Delimiter, String> {
        match s {
            "comma" | "," => Ok(Delimiter::Comma),
            "semicolon" | ";" => Ok(Delimiter::Semicolon),
            _ => {
                let shown: String = s.chars().take(20).collect();
                Err(format!(
                    "sep: {shown:?} is not a delimiter; use comma or semicolon"
                ))
            }
        }
    }

    /// The delimiter of a download: the one asked for, else the box's default.
    pub fn choose(asked: Option<&str>, default: Delimiter) -> Result<Delimiter, String> {
        match asked.filter(|s| !s.is_empty()) {
            Some(s) => Delimiter::parse(s),
            None => Ok(default),
        }
    }
}

/// The delimiter that follows the language: `;` for Russian and Ukrainian (their Excel uses
/// the decimal comma, so its list separator is `;`), `,` for English.
pub fn default_delimiter(lang: crate::i18n::Lang) -> Delimiter {
    match lang {
        crate::i18n::Lang::En => Delimiter::Comma,
        crate::i18n::Lang::Ru | crate::i18n::Lang::Uk => Delimiter::Semicolon,
    }
}

/// A download's default delimiter: `[web] csv_delimiter` when set, else the language's
/// ([`default_delimiter`]); `?sep=` or `--sep` override both ([`Delimiter::choose`]).
pub fn delimiter_for(configured: Option<Delimiter>, lang: crate::i18n::Lang) -> Delimiter {
    configured.unwrap_or_else(|| default_delimiter(lang))
}

/// A CSV writer for spreadsheets: the byte-order mark written, fields split by `sep`.
pub fn csv_writer<W: Write>(mut out: W, sep: Delimiter) -> std::io::Result<csv::Writer<W>> {
    out.write_all(BOM)?;
    Ok(csv::WriterBuilder::new()
        .delimiter(sep.byte())
        .from_writer(out))
}

/// Write the header row and one row per call record dated `from..=to` (see
/// [`Reader::for_each_call`]); returns the number of rows written (without the header).
pub fn write_csv<W: Write>(
    reader: &Reader,
    from: NaiveDate,
    to: NaiveDate,
    out: W,
    sep: Delimiter,
) -> Result<u64> {
    write_csv_in(reader, from, to, out, sep, &Local)
}

/// [`write_csv`] with the header row in `lang` (English: the column names, unchanged).
pub fn write_csv_lang<W: Write>(
    reader: &Reader,
    from: NaiveDate,
    to: NaiveDate,
    out: W,
    sep: Delimiter,
    lang: crate::i18n::Lang,
) -> Result<u64> {
    write_csv_tz_lang(reader, from, to, out, sep, &Local, lang)
}

/// [`write_csv`] with the time zone for `received_at` as a parameter (tests use a fixed one).
fn write_csv_in<W: Write, Tz: TimeZone>(
    reader: &Reader,
    from: NaiveDate,
    to: NaiveDate,
    out: W,
    sep: Delimiter,
    tz: &Tz,
) -> Result<u64>
where
    Tz::Offset: Display,
{
    write_csv_tz_lang(reader, from, to, out, sep, tz, crate::i18n::Lang::En)
}

/// [`write_csv_in`] with the header row in `lang`.
fn write_csv_tz_lang<W: Write, Tz: TimeZone>(
    reader: &Reader,
    from: NaiveDate,
    to: NaiveDate,
    out: W,
    sep: Delimiter,
    tz: &Tz,
    lang: crate::i18n::Lang,
) -> Result<u64>
where
    Tz::Offset: Display,
{
    let book = crate::phonebook::Book::new(reader.phonebook()?);
    let mut w = csv_writer(out, sep)?;
    w.write_record(
        call_columns(&book)
            .into_iter()
            .map(|name| crate::i18n::calls_column(lang, name)),
    )?;
    let n = reader.for_each_call(from, to, |row| {
        let mut cells = row_cells(row, tz);
        if !book.is_empty() {
            cells.extend(phonebook_cells(row, &book));
        }
        w.write_record(cells.iter().map(|c| neutralise(c).into_owned()))?;
        Ok(())
    })?;
    w.flush()?;
    Ok(n)
}

/// One call as CSV cells, in [`COLUMNS`] order (before formula neutralising); the calls
/// sheet of `xlsx.rs` types the same values.
pub(crate) fn row_cells<Tz: TimeZone>(r: &CallRow, tz: &Tz) -> Vec<String>
where
    Tz::Offset: Display,
{
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let flag = |b: bool| if b { "1" } else { "0" }.to_string();
    let cells = vec![
        r.seq.to_string(),
        opt(&r.call_date),
        opt(&r.call_time),
        r.time_is.clone(),
        r.direction.clone(),
        r.extension.clone(),
        opt(&r.trunk),
        r.number.clone(),
        opt(&r.caller_name),
        opt(&r.ddi),
        num(r.ring_secs),
        num(r.duration_secs),
        r.duration_secs.map(hms).unwrap_or_default(),
        opt(&r.cost),
        opt(&r.currency),
        opt(&r.account_code),
        opt(&r.condition),
        flag(r.unanswered),
        flag(r.transferred),
        flag(r.forwarded),
        local_datetime(r.received_ms, tz),
        r.source.clone(),
    ];
    debug_assert_eq!(cells.len(), COLUMNS.len());
    cells
}

/// `1:02:05` for 3725 seconds: spreadsheets read it as a duration.
pub fn hms(secs: i64) -> String {
    let s = secs.max(0);
    format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// The form of a date-time in every CSV: Excel and LibreOffice read it as a date-time in any
/// language (with a `T` or an offset they keep it as text).
pub const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Unix milliseconds as local `YYYY-MM-DD HH:MM:SS`.
fn local_datetime<Tz: TimeZone>(ms: i64, tz: &Tz) -> String
where
    Tz::Offset: Display,
{
    match tz.timestamp_millis_opt(ms).earliest() {
        Some(t) => t.format(DATETIME_FORMAT).to_string(),
        None => String::new(),
    }
}

/// Keep a spreadsheet from running a cell as a formula (CSV injection): a cell that starts
/// with `=`, `+`, `-`, `@` (or TAB/CR, which some spreadsheets skip before looking) gets a
/// leading `'`. Cells made only of digits, spaces, `.`, `:` and `-` are left alone: they
/// cannot call anything, and phone numbers such as `-0376` or `0376689064-` (Panasonic marks a
/// transfer with a trailing `-`) must stay exactly as printed.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    let plain = cell
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'.' | b':' | b'-'));
    if risky && !plain {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Most days one download may span (a leap year); bounds the memory the web thread buffers.
pub const MAX_PERIOD_DAYS: i64 = 366;

/// The period of a download from its `from`/`to` query values (`YYYY-MM-DD`, both inclusive).
/// A missing (or empty) `from` is the first day of today's month, a missing `to` is today.
pub fn parse_period(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), String> {
    let from = match from.filter(|s| !s.is_empty()) {
        Some(s) => parse_date("from", s)?,
        None => today.with_day(1).unwrap_or(today),
    };
    let to = match to.filter(|s| !s.is_empty()) {
        Some(s) => parse_date("to", s)?,
        None => today,
    };
    if from > to {
        return Err(format!("from {from} is after to {to}"));
    }
    let days = (to - from).num_days() + 1;
    if days > MAX_PERIOD_DAYS {
        return Err(format!(
            "{from} to {to} is {days} days; at most {MAX_PERIOD_DAYS} days per download"
        ));
    }
    Ok((from, to))
}

/// The month before `today`'s: what "last month" means for the monthly download.
pub fn previous_month(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_of_this = today.with_day(1).unwrap_or(today);
    let last = first_of_this.pred_opt().unwrap_or(first_of_this);
    (last.with_day(1).unwrap_or(last), last)
}

/// The first and last day of a month given as `YYYY-MM`; missing or empty: the month before
/// `today`'s ([`previous_month`]).
pub fn parse_month(
    month: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), String> {
    let Some(s) = month.filter(|s| !s.is_empty()) else {
        return Ok(previous_month(today));
    };
    let b = s.as_bytes();
    let shape = b.len() == 7
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    let first = shape
        .then(|| NaiveDate::from_ymd_opt(s[0..4].parse().ok()?, s[5..7].parse().ok()?, 1))
        .flatten();
    let Some(first) = first else {
        let shown: String = s.chars().take(40).collect();
        return Err(format!(
            "month: {shown:?} is not a month; use YYYY-MM, e.g. 2024-05"
        ));
    };
    // The first of the next month, minus a day.
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    Ok((first, next.pred_opt().unwrap_or(first)))
}

/// "October 2026": how pages and file names talk about a month.
pub fn month_name(first: NaiveDate) -> String {
    first.format("%B %Y").to_string()
}

/// Strict `YYYY-MM-DD` (chrono alone would also take `2024-5-1` or a signed year).
fn parse_date(name: &str, s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    let date = shape
        .then(|| {
            let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
            NaiveDate::from_ymd_opt(n(0..4)? as i32, n(5..7)?, n(8..10)?)
        })
        .flatten();
    date.ok_or_else(|| {
        let shown: String = s.chars().take(40).collect();
        format!("{name}: {shown:?} is not a date; use YYYY-MM-DD, e.g. 2024-05-01")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::framer::{Line, LineBuf};
    use crate::core::record::{Cost, Direction, Parsed, Record, TimeMeaning};
    use crate::store::{Ingested, Store};
    use chrono::{FixedOffset, NaiveTime};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn neutralises_formulas_but_not_numbers() {
        for (cell, want) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+SUM(A1)", "'+SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("+441234567", "'+441234567"),
            ("0376689064-", "0376689064-"),
            ("-0376", "-0376"),
            ("-", "-"),
            ("-1.50", "-1.50"),
            ("0:01:05", "0:01:05"),
            ("", ""),
            ("Müller", "Müller"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralise(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(hms(0), "0:00:00");
        assert_eq!(hms(65), "0:01:05");
        assert_eq!(hms(3725), "1:02:05");
        assert_eq!(hms(-3), "0:00:00");
    }

    #[test]
    fn periods() {
        let today = d("2024-05-17");
        assert_eq!(
            parse_period(None, None, today),
            Ok((d("2024-05-01"), today))
        );
        assert_eq!(
            parse_period(Some(""), Some(""), today),
            Ok((d("2024-05-01"), today))
        );
        assert_eq!(
            parse_period(Some("2024-02-01"), Some("2024-02-29"), today),
            Ok((d("2024-02-01"), d("2024-02-29")))
        );
        assert_eq!(
            parse_period(Some("2024-05-03"), None, today),
            Ok((d("2024-05-03"), today))
        );
        // A full leap year is allowed, one day more is not.
        assert!(parse_period(Some("2024-01-01"), Some("2024-12-31"), today).is_ok());
        let e = parse_period(Some("2023-12-31"), Some("2024-12-31"), today).unwrap_err();
        assert_eq!(
            e,
            "2023-12-31 to 2024-12-31 is 367 days; at most 366 days per download"
        );
        let e = parse_period(Some("2024-06-01"), Some("2024-05-01"), today).unwrap_err();
        assert_eq!(e, "from 2024-06-01 is after to 2024-05-01");
        for bad in [
            "2024-5-1",
            "2024-02-30",
            "2024/05/01",
            "+2024-05-01",
            "yesterday",
            "2024-05-01x",
        ] {
            let e = parse_period(Some(bad), None, today).unwrap_err();
            assert!(
                e.starts_with("from: ") && e.contains("YYYY-MM-DD"),
                "{bad}: {e}"
            );
        }
        let e = parse_period(None, Some("2024-13-01"), today).unwrap_err();
        assert!(e.starts_with("to: \"2024-13-01\" is not a date"), "{e}");
    }

    #[test]
    fn months() {
        assert_eq!(
            previous_month(d("2026-11-23")),
            (d("2026-10-01"), d("2026-10-31"))
        );
        assert_eq!(
            previous_month(d("2026-01-01")),
            (d("2025-12-01"), d("2025-12-31"))
        );
        assert_eq!(
            previous_month(d("2024-03-31")),
            (d("2024-02-01"), d("2024-02-29"))
        );
        let today = d("2026-11-23");
        assert_eq!(
            parse_month(None, today),
            Ok((d("2026-10-01"), d("2026-10-31")))
        );
        assert_eq!(
            parse_month(Some(""), today),
            Ok((d("2026-10-01"), d("2026-10-31")))
        );
        assert_eq!(
            parse_month(Some("2023-02"), today),
            Ok((d("2023-02-01"), d("2023-02-28")))
        );
        assert_eq!(
            parse_month(Some("2024-12"), today),
            Ok((d("2024-12-01"), d("2024-12-31")))
        );
        for bad in [
            "2024-13",
            "2024-5",
            "24-05",
            "2024/05",
            "2024-05-01",
            "last",
        ] {
            let e = parse_month(Some(bad), today).unwrap_err();
            assert!(
                e.starts_with("month: ") && e.contains("YYYY-MM"),
                "{bad}: {e}"
            );
        }
        assert_eq!(month_name(d("2026-10-01")), "October 2026");
    }

    #[test]
    fn delimiters() {
        assert_eq!(Delimiter::parse("comma"), Ok(Delimiter::Comma));
        assert_eq!(Delimiter::parse(";"), Ok(Delimiter::Semicolon));
        assert_eq!(Delimiter::parse("semicolon"), Ok(Delimiter::Semicolon));
        let e = Delimiter::parse("tab").unwrap_err();
        assert_eq!(e, "sep: \"tab\" is not a delimiter; use comma or semicolon");
        assert_eq!(
            Delimiter::choose(None, Delimiter::Semicolon),
            Ok(Delimiter::Semicolon)
        );
        assert_eq!(
            Delimiter::choose(Some(""), Delimiter::Semicolon),
            Ok(Delimiter::Semicolon)
        );
        assert_eq!(
            Delimiter::choose(Some("comma"), Delimiter::Semicolon),
            Ok(Delimiter::Comma)
        );
        use crate::i18n::Lang;
        assert_eq!(default_delimiter(Lang::En), Delimiter::Comma);
        assert_eq!(default_delimiter(Lang::Ru), Delimiter::Semicolon);
        assert_eq!(default_delimiter(Lang::Uk), Delimiter::Semicolon);
        // The configuration wins over the language.
        assert_eq!(delimiter_for(None, Lang::Ru), Delimiter::Semicolon);
        assert_eq!(
            delimiter_for(Some(Delimiter::Comma), Lang::Ru),
            Delimiter::Comma
        );
        assert_eq!(
            delimiter_for(Some(Delimiter::Semicolon), Lang::En),
            Delimiter::Semicolon
        );
    }

    fn record(date: &str, number: &str, name: Option<&str>, unanswered: bool) -> Parsed {
        Parsed::Record {
            record: Box::new(Record {
                dialect: "panasonic",
                layout: "B",
                date: Some(d(date)),
                time: NaiveTime::from_hms_opt(9, 5, 0),
                time_is: TimeMeaning::CallEnd,
                extension: "101".into(),
                trunk: Some("01".into()),
                direction: Direction::Incoming,
                number: number.into(),
                caller_name: name.map(Into::into),
                ddi: None,
                ring_secs: Some(12),
                duration_secs: (!unanswered).then_some(3725),
                cost: Some(Cost {
                    amount: "1.20".into(),
                    currency: "EUR".into(),
                }),
                account_code: None,
                condition: unanswered.then(|| "NA".to_string()),
                unanswered,
                transferred: false,
                forwarded: false,
                extra: Default::default(),
            }),
            warnings: vec![],
        }
    }

    #[test]
    fn writes_header_and_rows_in_range() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("smdr.db");
        let mut store = Store::open(&path).unwrap();
        let line = Line {
            bytes: LineBuf::from_slice(b"raw").unwrap(),
            truncated: false,
            partial: false,
        };
        let parsed = [
            record("2024-04-30", "0111", None, false),
            record(
                "2024-05-01",
                "=cmd|' /C calc'!A0",
                Some("Smith, \"J\""),
                false,
            ),
            record("2024-05-02", "0376689064-", None, true),
            Parsed::Reject {
                reason: "bad".into(),
            },
        ];
        let batch: Vec<Ingested> = parsed
            .iter()
            .map(|p| Ingested {
                // 2024-05-01 10:00:00 UTC
                received_ms: 1_714_557_600_000,
                source: "serial:/dev/smdr0",
                line: &line,
                parsed: p,
            })
            .collect();
        store.commit(&batch, &[]).unwrap();
        let reader = Reader::open(&path).unwrap();
        let mut out = Vec::new();
        let tz = FixedOffset::east_opt(2 * 3600).unwrap();
        let (from, to) = (d("2024-05-01"), d("2024-05-31"));
        let n = write_csv_in(&reader, from, to, &mut out, Delimiter::Comma, &tz).unwrap();
        assert_eq!(n, 2);
        let text = String::from_utf8(out).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
        let lines: Vec<&str> = text.lines().collect();
        let header: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
        assert_eq!(lines[0], header.join(","));
        assert_eq!(
            lines[1],
            "2,2024-05-01,09:05,end,incoming,101,01,'=cmd|' /C calc'!A0,\"Smith, \"\"J\"\"\",,\
             12,3725,1:02:05,1.20,EUR,,,0,0,0,2024-05-01 12:00:00,serial:/dev/smdr0"
        );
        assert_eq!(
            lines[2],
            "3,2024-05-02,09:05,end,incoming,101,01,0376689064-,,,12,,,1.20,EUR,,NA,1,0,0,\
             2024-05-01 12:00:00,serial:/dev/smdr0"
        );
        assert_eq!(lines.len(), 3);

        // With `;` between the fields.
        let mut out = Vec::new();
        write_csv_in(&reader, from, to, &mut out, Delimiter::Semicolon, &tz).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("\u{feff}{}", header.join(";")));
        assert!(
            lines[1].starts_with("2;2024-05-01;09:05;end;incoming;101;01;'=cmd|' /C calc'!A0;\"Smith, \"\"J\"\"\";;12;"),
            "{}",
            lines[1]
        );
    }
}
