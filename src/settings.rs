//! The settings an admin edits on the web page (`/settings`): names of extensions, lines and
//! DIDs, working hours, the service-level threshold, the tariff table. They live in their own
//! file, `settings.toml` beside the database ([`settings_path`]): the one place the service
//! may write on every install, laid over the main configuration ([`overlay`] has the rule).
//! Pure but for [`load_beside`], which reads that file; the web edge writes it.
//!
//! A save goes: the submitted form ([`decode_form`]) → [`Settings`] with one clear error per
//! field ([`parse_form`]) → the settings file's text edited in place with `toml_edit`
//! ([`settings_text`]: comments kept; every section the page edits written, so the file
//! replaces them all) → laid over the main configuration and checked ([`edit`]). Only a text
//! that loads is handed back to be written; anything refused leaves the file as it was.

use crate::config::{
    Config, ConfigError, Currency, HoursConfig, NamesConfig, Prefix, Seconds, TariffConfig,
    TariffName,
};
use crate::core::analytics::hours::{self, Span, DAY_KEYS};
use crate::core::analytics::tariff::{parse_price, units_text};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

/// Submitted form fields: name → value (the last one wins when a name repeats).
pub type Form = BTreeMap<String, String>;

/// Errors by field name; [`GENERAL`] for what belongs to no one field.
pub type FieldErrors = BTreeMap<String, String>;

/// The key of an error that belongs to no single field.
pub const GENERAL: &str = "";

/// Most rows of the tariff table the form takes (a box prices a few dozen prefixes at most).
pub const MAX_TARIFF_ROWS: usize = 200;
/// Most names per list.
pub const MAX_NAMES: usize = 2000;

/// Service-level threshold the form accepts, seconds.
pub const SL_RANGE: std::ops::RangeInclusive<u32> = 1..=3600;

/// One row of the tariff table, as the config keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TariffRow {
    pub prefix: String,
    /// `None`: reports call it by its prefix.
    pub name: Option<String>,
    /// Prices in 1/10 000 of the currency unit (`core::analytics::tariff`).
    pub per_minute: u64,
    pub setup: u64,
    pub billing_secs: u32,
}

/// What the settings page edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub extension_names: BTreeMap<String, String>,
    pub line_names: BTreeMap<String, String>,
    pub did_names: BTreeMap<String, String>,
    /// Working hours per weekday, Monday first (empty: closed); all empty and no holidays:
    /// no `[hours]`, every hour counts.
    pub days: [Vec<Span>; 7],
    pub holidays: Vec<NaiveDate>,
    pub service_level_secs: u32,
    pub currency: Option<String>,
    pub tariffs: Vec<TariffRow>,
}

impl Settings {
    pub fn from_config(c: &Config) -> Settings {
        let hours = c.working_hours().unwrap_or_default();
        Settings {
            extension_names: c.names.extensions.clone(),
            line_names: c.names.lines.clone(),
            did_names: c.names.dids.clone(),
            days: hours.days,
            holidays: hours.holidays.into_iter().collect(),
            service_level_secs: c.report.service_level_secs.0,
            currency: c.report.currency.as_ref().map(|c| c.0.clone()),
            tariffs: c
                .tariff
                .iter()
                .map(|t| TariffRow {
                    prefix: t.prefix.get_ref().0.clone(),
                    name: t.name.as_ref().map(|n| n.0.clone()),
                    per_minute: t.per_minute.0,
                    setup: t.setup.0,
                    billing_secs: t.billing_secs.0,
                })
                .collect(),
        }
    }

    /// Working hours are set (`[hours]` present).
    pub fn has_hours(&self) -> bool {
        self.days.iter().any(|d| !d.is_empty()) || !self.holidays.is_empty()
    }

    /// The form's fields filled with these settings.
    pub fn to_form(&self) -> Form {
        let mut f = Form::new();
        f.insert("extensions".into(), names_text(&self.extension_names));
        f.insert("lines".into(), names_text(&self.line_names));
        f.insert("dids".into(), names_text(&self.did_names));
        for (key, spans) in DAY_KEYS.iter().zip(&self.days) {
            f.insert((*key).into(), hours::format_day(spans));
        }
        let holidays: Vec<String> = self.holidays.iter().map(|d| d.to_string()).collect();
        f.insert("holidays".into(), holidays.join("\n"));
        f.insert(
            "service_level_secs".into(),
            self.service_level_secs.to_string(),
        );
        f.insert("currency".into(), self.currency.clone().unwrap_or_default());
        let rows: Vec<String> = self
            .tariffs
            .iter()
            .map(|t| {
                format!(
                    "{}; {}; {}; {}; {}",
                    t.prefix,
                    t.name.as_deref().unwrap_or(""),
                    units_text(u128::from(t.per_minute)),
                    units_text(u128::from(t.setup)),
                    t.billing_secs
                )
            })
            .collect();
        f.insert("tariffs".into(), rows.join("\n"));
        f
    }
}

/// The columns of a tariff row, as errors name them.
pub const TARIFF_COLUMNS: [&str; 5] = ["prefix", "name", "price per minute", "setup", "billing"];

/// `101 = Anna` lines, one per name.
fn names_text(m: &BTreeMap<String, String>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An `application/x-www-form-urlencoded` body as fields (`+` is a space, `%XX` a byte;
/// text that is not UTF-8 is read with replacement characters).
pub fn decode_form(body: &[u8]) -> Form {
    fn unescape(s: &[u8]) -> String {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            match s[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < s.len() => {
                    let hex = std::str::from_utf8(&s[i + 1..i + 3])
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    match hex {
                        Some(b) => {
                            out.push(b);
                            i += 2;
                        }
                        None => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    let mut f = Form::new();
    for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (k, v) = match pair.iter().position(|&b| b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        f.insert(unescape(k), unescape(v));
    }
    f
}

/// What each list of names is, for its errors.
fn names_what(field: &str) -> &'static str {
    match field {
        "extensions" => "extension = name, e.g. 101 = Anna",
        "lines" => "line = name, e.g. 01 = Main line",
        _ => "number dialled = channel, e.g. 0800123456 = Google Ads",
    }
}

/// `number = name` lines; blank lines and lines starting with `#` are skipped.
fn parse_names(field: &str, text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut m = BTreeMap::new();
    let expected = names_what(field);
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let n = n + 1;
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!(
                "line {n}, {line:?}: no \"=\"; write one per line: {expected}"
            ));
        };
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() || k.chars().count() > 32 || k.chars().any(|c| c.is_whitespace()) {
            return Err(format!(
                "line {n}, {line:?}: the number before \"=\" is 1 to 32 characters without \
                 spaces; write {expected}"
            ));
        }
        if v.is_empty() || v.chars().count() > 60 || v.chars().any(char::is_control) {
            return Err(format!(
                "line {n}, {line:?}: the name after \"=\" is 1 to 60 characters; write {expected}"
            ));
        }
        if m.insert(k.to_string(), v.to_string()).is_some() {
            return Err(format!(
                "line {n}: {k} is named twice; keep one line per number"
            ));
        }
        if m.len() > MAX_NAMES {
            return Err(format!("more than {MAX_NAMES} names"));
        }
    }
    Ok(m)
}

/// A price as typed: `0.12`, also with a decimal comma (`0,12`).
fn parse_money(text: &str) -> Result<u64, String> {
    parse_price(&text.trim().replace(',', "."))
        .map_err(|e| format!("{e} (a price such as 0.12, at most 4 decimals, not negative)"))
}

/// The tariff table as typed: one row per line, `prefix; name; price per minute; setup;
/// billing seconds`, the last three optional (setup 0, billing 60 s), the name may be empty.
fn parse_tariffs(text: &str) -> Result<Vec<TariffRow>, String> {
    let mut rows: Vec<TariffRow> = Vec::new();
    let mut prefixes: BTreeMap<String, usize> = BTreeMap::new();
    const EXPECTED: &str = "write one row per line: prefix; name; price per minute; setup; \
                            billing seconds, e.g. 00; International; 0.12; 0.05; 60";
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let n = n + 1;
        let cells: Vec<&str> = line.split(';').map(str::trim).collect();
        if cells.len() < 3 || cells.len() > 5 {
            return Err(format!(
                "line {n}, {line:?}: {} columns; {EXPECTED}",
                cells.len()
            ));
        }
        let at = |col: usize, e: String| format!("line {n}, {}: {e}", TARIFF_COLUMNS[col]);
        let prefix = Prefix::try_from(cells[0].to_string())
            .map_err(|e| at(0, e))?
            .0;
        if let Some(first) = prefixes.insert(prefix.clone(), n) {
            return Err(at(
                0,
                format!("{prefix} is already on line {first}: each prefix once"),
            ));
        }
        let name = match cells[1] {
            "" => None,
            s => Some(TariffName::try_from(s.to_string()).map_err(|e| at(1, e))?.0),
        };
        if cells[2].is_empty() {
            return Err(at(2, format!("missing; {EXPECTED}")));
        }
        let per_minute = parse_money(cells[2]).map_err(|e| at(2, e))?;
        let setup = match cells.get(3).copied().unwrap_or("") {
            "" => 0,
            s => parse_money(s).map_err(|e| at(3, e))?,
        };
        let billing_secs = match cells.get(4).copied().unwrap_or("") {
            "" => 60,
            s => match s.parse::<u32>() {
                Ok(b) if (1..=3600).contains(&b) => b,
                _ => {
                    return Err(at(
                        4,
                        format!(
                            "{s:?}: the billing increment is whole seconds from 1 to 3600 \
                             (60: per started minute, 1: per second)"
                        ),
                    ))
                }
            },
        };
        rows.push(TariffRow {
            prefix,
            name,
            per_minute,
            setup,
            billing_secs,
        });
        if rows.len() > MAX_TARIFF_ROWS {
            return Err(format!("more than {MAX_TARIFF_ROWS} rows"));
        }
    }
    Ok(rows)
}

/// The submitted form as settings, or an error beside each field that is wrong (what is
/// wrong and what is expected).
pub fn parse_form(form: &Form) -> Result<Settings, FieldErrors> {
    let mut errors = FieldErrors::new();
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    let mut names = |field: &str| match parse_names(field, get(field)) {
        Ok(m) => m,
        Err(e) => {
            errors.insert(field.to_string(), e);
            BTreeMap::new()
        }
    };
    let extension_names = names("extensions");
    let line_names = names("lines");
    let did_names = names("dids");

    let mut days: [Vec<Span>; 7] = Default::default();
    for (i, key) in DAY_KEYS.iter().enumerate() {
        match hours::parse_day(get(key)) {
            Ok(s) => days[i] = s,
            Err(e) => {
                errors.insert((*key).to_string(), e);
            }
        }
    }
    let mut holidays = Vec::new();
    for word in get("holidays")
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        match hours::parse_holiday(word) {
            Ok(d) if !holidays.contains(&d) => holidays.push(d),
            Ok(_) => {}
            Err(e) => {
                errors.insert("holidays".into(), e);
                break;
            }
        }
    }
    holidays.sort_unstable();
    let no_day = days.iter().all(Vec::is_empty);
    if no_day && !holidays.is_empty() && !errors.contains_key("mon") {
        errors.insert(
            "mon".into(),
            "holidays are set but no working day: give the hours of each working day, e.g. \
             09:00-18:00 (or clear the holidays too: every hour then counts as working)"
                .into(),
        );
    }

    let sl_text = get("service_level_secs").trim();
    let service_level_secs = match sl_text.parse::<u32>() {
        Ok(v) if SL_RANGE.contains(&v) => v,
        _ => {
            errors.insert(
                "service_level_secs".into(),
                format!(
                    "{sl_text:?}: the service-level threshold is whole seconds from {} to {}, \
                     e.g. 20",
                    SL_RANGE.start(),
                    SL_RANGE.end()
                ),
            );
            20
        }
    };

    let tariffs = match parse_tariffs(get("tariffs")) {
        Ok(t) => t,
        Err(e) => {
            errors.insert("tariffs".into(), e);
            Vec::new()
        }
    };
    let currency_text = get("currency").trim().to_string();
    let currency = if currency_text.is_empty() {
        if !tariffs.is_empty() {
            errors.insert(
                "currency".into(),
                "the tariff prices need their currency, e.g. EUR (or what the PBX prints, \
                 e.g. EU, to add them to its printed charges)"
                    .into(),
            );
        }
        None
    } else {
        match Currency::try_from(currency_text) {
            Ok(c) => Some(c.0),
            Err(e) => {
                errors.insert("currency".into(), e);
                None
            }
        }
    };

    if errors.is_empty() {
        Ok(Settings {
            extension_names,
            line_names,
            did_names,
            days,
            holidays,
            service_level_secs,
            currency,
            tariffs,
        })
    } else {
        Err(errors)
    }
}

/// Replace the value of `key` in `t` with `v` unless `same` says the present one already
/// means it; the present value's decor (a comment after it) is kept.
fn set(t: &mut dyn toml_edit::TableLike, key: &str, v: Value, same: impl Fn(&Item) -> bool) {
    match t.get_mut(key) {
        Some(item) if same(item) => {}
        Some(item) => {
            let decor = item.as_value().map(|old| old.decor().clone());
            let mut v = v;
            if let Some(d) = decor {
                *v.decor_mut() = d;
            }
            *item = Item::Value(v);
        }
        None => {
            t.insert(key, Item::Value(v));
        }
    }
}

fn set_str(t: &mut dyn toml_edit::TableLike, key: &str, s: &str) {
    set(t, key, Value::from(s), |i| i.as_str() == Some(s));
}

fn set_int(t: &mut dyn toml_edit::TableLike, key: &str, n: i64) {
    set(t, key, Value::from(n), |i| i.as_integer() == Some(n));
}

/// A price as the config writes it: a float whose shortest text is the decimal.
fn set_price(t: &mut dyn toml_edit::TableLike, key: &str, units: u64) {
    let f: f64 = units_text(u128::from(units)).parse().unwrap_or(0.0);
    let same = |i: &Item| {
        let old = i.as_float().or_else(|| i.as_integer().map(|n| n as f64));
        old.and_then(|o| crate::config::Price::try_from(o).ok())
            .is_some_and(|p| p.0 == units)
    };
    set(t, key, Value::from(f), same);
}

/// The table at `key` of `parent`, made (implicit, so only its sub-tables print a header)
/// when missing.
fn table_in<'a>(
    parent: &'a mut dyn toml_edit::TableLike,
    key: &str,
    implicit: bool,
) -> Result<&'a mut dyn toml_edit::TableLike, String> {
    if parent.get(key).is_none() {
        let mut t = Table::new();
        t.set_implicit(implicit);
        parent.insert(key, Item::Table(t));
    }
    parent
        .get_mut(key)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| format!("{key} in the config file is not a table"))
}

fn set_names(
    doc: &mut DocumentMut,
    sub: &str,
    map: &BTreeMap<String, String>,
) -> Result<(), String> {
    if map.is_empty() {
        if let Some(names) = doc.get_mut("names").and_then(Item::as_table_like_mut) {
            names.remove(sub);
        }
        return Ok(());
    }
    let names = table_in(doc.as_table_mut(), "names", true)?;
    let t = table_in(names, sub, false).map_err(|e| format!("[names] {e}"))?;
    let old: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
    for k in old.iter().filter(|k| !map.contains_key(*k)) {
        t.remove(k);
    }
    for (k, v) in map {
        set_str(t, k, v);
    }
    Ok(())
}

fn set_hours(doc: &mut DocumentMut, s: &Settings) -> Result<(), String> {
    if !s.has_hours() {
        doc.remove("hours");
        return Ok(());
    }
    let t = table_in(doc.as_table_mut(), "hours", false)?;
    for (key, spans) in DAY_KEYS.iter().zip(&s.days) {
        if spans.is_empty() {
            t.remove(key);
        } else {
            let text = hours::format_day(spans);
            // "9:00-18:00" and "09:00-18:00" are the same hours: keep what was written.
            set(t, key, Value::from(text.as_str()), |i| {
                i.as_str()
                    .and_then(|old| hours::parse_day(old).ok())
                    .is_some_and(|old| old == *spans)
            });
        }
    }
    if s.holidays.is_empty() {
        t.remove("holidays");
    } else {
        let dates: Vec<String> = s.holidays.iter().map(|d| d.to_string()).collect();
        let same = |i: &Item| {
            i.as_array().is_some_and(|a| {
                let old: Vec<Option<NaiveDate>> = a
                    .iter()
                    .map(|v| v.as_str().and_then(|s| hours::parse_holiday(s).ok()))
                    .collect();
                let mut old: Vec<NaiveDate> = old.into_iter().flatten().collect();
                old.sort_unstable();
                old == s.holidays && a.len() == s.holidays.len()
            })
        };
        let arr: Array = dates.iter().map(String::as_str).collect();
        set(t, "holidays", Value::Array(arr), same);
    }
    Ok(())
}

fn set_tariffs(doc: &mut DocumentMut, rows: &[TariffRow]) -> Result<(), String> {
    if rows.is_empty() {
        doc.remove("tariff");
        return Ok(());
    }
    if doc.get("tariff").is_none() {
        doc.insert("tariff", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let aot = doc
        .get_mut("tariff")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or("tariff in the config file is not a [[tariff]] table list")?;
    // Row i edits the i-th [[tariff]] in place (its comments stay), extra rows are appended,
    // rows gone are removed from the end.
    while aot.len() > rows.len() {
        aot.remove(aot.len() - 1);
    }
    for (i, r) in rows.iter().enumerate() {
        if i == aot.len() {
            aot.push(Table::new());
        }
        let t = aot
            .get_mut(i)
            .ok_or("the [[tariff]] list changed while being edited")?;
        set_str(t, "prefix", &r.prefix);
        match &r.name {
            Some(n) => set_str(t, "name", n),
            None => {
                t.remove("name");
            }
        }
        set_price(t, "per_minute", r.per_minute);
        if r.setup == 0 && t.get("setup").is_none() {
            // The default: nothing to write.
        } else {
            set_price(t, "setup", r.setup);
        }
        if r.billing_secs == 60 && t.get("billing_secs").is_none() {
        } else {
            set_int(t, "billing_secs", i64::from(r.billing_secs));
        }
    }
    Ok(())
}

/// The config file's `text` with `s` written into it; everything else as it was.
pub fn apply(text: &str, s: &Settings) -> Result<String, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("the config file is not valid TOML now: {e}"))?;
    set_names(&mut doc, "extensions", &s.extension_names)?;
    set_names(&mut doc, "lines", &s.line_names)?;
    set_names(&mut doc, "dids", &s.did_names)?;
    if let Some(names) = doc.get("names").and_then(Item::as_table_like) {
        if names.is_empty() {
            doc.remove("names");
        }
    }
    set_hours(&mut doc, s)?;
    // The default threshold is not written into a file that does not name one.
    let default_sl = crate::config::ReportConfig::default().service_level_secs.0;
    let has = |key: &str| {
        doc.get("report")
            .and_then(Item::as_table_like)
            .is_some_and(|t| t.contains_key(key))
    };
    let write_sl = s.service_level_secs != default_sl || has("service_level_secs");
    if write_sl || s.currency.is_some() || has("currency") {
        let report = table_in(doc.as_table_mut(), "report", false)?;
        if write_sl {
            set_int(
                report,
                "service_level_secs",
                i64::from(s.service_level_secs),
            );
        }
        match &s.currency {
            Some(c) => set_str(report, "currency", c),
            None => {
                report.remove("currency");
            }
        }
    }
    set_tariffs(&mut doc, &s.tariffs)?;
    Ok(doc.to_string())
}

/// The form field a config error at `line` (1-based) of `text` is about, when it is one of
/// ours: the last table header above the line and the key on it.
pub fn field_at(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = line.checked_sub(1)?;
    let key = lines
        .get(at)?
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string());
    let header = lines[..=at]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))?
        .to_string();
    let key = key.unwrap_or_default();
    match header.as_str() {
        "[names.extensions]" => Some("extensions".into()),
        "[names.lines]" => Some("lines".into()),
        "[names.dids]" => Some("dids".into()),
        "[hours]" if DAY_KEYS.contains(&key.as_str()) || key == "holidays" => Some(key),
        "[report]" if key == "service_level_secs" || key == "currency" => Some(key),
        h if h.starts_with("[[tariff]]") => Some("tariffs".into()),
        _ => None,
    }
}

/// The settings file's name, beside the database (`[store] path`'s directory): the one place
/// the service may write on every install (the packaged unit keeps `/etc` read-only to it, the
/// SD-card image has a read-only root).
pub const SETTINGS_FILE: &str = "settings.toml";

/// Where the page's settings file of `main` is.
pub fn settings_path(main: &Config) -> PathBuf {
    let dir = match main.store.path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    dir.join(SETTINGS_FILE)
}

/// The top-level sections the settings file may hold; everything else stays in the main
/// configuration only.
pub const OVERRIDABLE: [&str; 4] = ["names", "hours", "report", "tariff"];

/// The settings file as read: each section present replaces the same section of the main
/// configuration (see [`overlay`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    names: Option<NamesConfig>,
    hours: Option<toml::Spanned<HoursConfig>>,
    report: Option<toml::Spanned<SettingsReport>>,
    tariff: Option<Vec<TariffConfig>>,
}

/// `[report]` in the settings file: only the keys the page edits.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsReport {
    service_level_secs: Option<Seconds>,
    currency: Option<Currency>,
}

/// The main configuration `main` with the settings file `text` (at `path`) laid over it, and
/// the sections it replaced (as the file names them). The rule, section by section:
/// - `[names]` present replaces `[names]` wholesale (with its `extensions`, `lines`, `dids`);
/// - `[hours]` present replaces `[hours]`; an empty `[hours]` means none (every hour counts);
/// - `[report]` present sets `service_level_secs` (default 20 when left out) and `currency`
///   (none when left out); the other `[report]` keys stay the main configuration's;
/// - `tariff` present (`[[tariff]]` tables, or `tariff = []` for none) replaces the whole list.
///
/// Any other section or key is refused with the file, line and reason; so is a merged result
/// the main configuration's checks refuse (a tariff without a currency, a prefix twice).
pub fn overlay(
    main: &Config,
    path: &Path,
    text: &str,
) -> Result<(Config, Vec<&'static str>), ConfigError> {
    let refuse = |at: Option<usize>, reason: String| ConfigError::at(path, text, at, reason);
    // A section that belongs to the main configuration: say so, at its line.
    let doc = toml_edit::Document::parse(text.to_string())
        .map_err(|e| refuse(e.span().map(|s| s.start), e.message().trim().to_string()))?;
    for (key, _) in doc.iter() {
        if !OVERRIDABLE.contains(&key) {
            let at = doc
                .as_table()
                .key(key)
                .and_then(|k| k.span())
                .map(|s| s.start);
            return Err(refuse(
                at,
                format!(
                    "[{key}] cannot be set in {SETTINGS_FILE}: it holds only [names], [hours], \
                     [report] service_level_secs and currency, and [[tariff]]; set [{key}] in \
                     the main configuration"
                ),
            ));
        }
    }
    let file: SettingsFile = toml::from_str(text)
        .map_err(|e| refuse(e.span().map(|s| s.start), e.message().trim().to_string()))?;
    let mut merged = main.clone();
    let mut replaced = Vec::new();
    if let Some(names) = file.names {
        merged.names = names;
        replaced.push("[names]");
    }
    if let Some(h) = file.hours {
        let wh = h.get_ref().working_hours();
        if wh.days.iter().all(Vec::is_empty) && wh.holidays.is_empty() {
            merged.hours = None;
        } else if wh.never_open() {
            return Err(refuse(
                Some(h.span().start),
                "[hours] opens on no day: give the working hours of each working day, e.g. \
                 mon = \"09:00-18:00\" (or leave [hours] empty: every hour then counts)"
                    .to_string(),
            ));
        } else {
            merged.hours = Some(h);
        }
        replaced.push("[hours]");
    }
    let report_at = file.report.as_ref().map(|r| r.span().start);
    if let Some(r) = file.report {
        let r = r.into_inner();
        merged.report.service_level_secs = r
            .service_level_secs
            .unwrap_or(crate::config::ReportConfig::default().service_level_secs);
        merged.report.currency = r.currency;
        replaced.push("[report] service_level_secs, currency");
    }
    let tariff_here = file.tariff.is_some();
    if let Some(t) = file.tariff {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for row in &t {
            let at = row.prefix.span().start;
            if let Some(first) = seen.insert(&row.prefix.get_ref().0, at) {
                return Err(refuse(
                    Some(at),
                    format!(
                        "prefix {:?} is already in the tariff table (line {}): each prefix once",
                        row.prefix.get_ref().0,
                        crate::config::line_column(text, first).0
                    ),
                ));
            }
        }
        merged.tariff = t;
        replaced.push("[[tariff]]");
    }
    if let (Some(t), None) = (merged.tariff.first(), &merged.report.currency) {
        let at = if tariff_here {
            Some(t.prefix.span().start)
        } else {
            report_at
        };
        return Err(refuse(
            at,
            "a tariff table needs the currency of its prices: [report] currency = \"EUR\" \
             (or what the PBX prints, e.g. \"EU\", to add them to the printed charges)"
                .to_string(),
        ));
    }
    Ok((merged, replaced))
}

/// The main configuration with its settings file, as `smdrbox run` and `check-config` read
/// them.
#[derive(Debug)]
pub struct Loaded {
    /// The merged configuration; the main one alone when the settings file is missing or
    /// refused.
    pub config: Config,
    pub settings_path: PathBuf,
    /// The sections the settings file replaced; `None`: there is no settings file.
    pub replaced: Option<Vec<&'static str>>,
    /// The settings file was refused: why (the main configuration alone is used).
    pub error: Option<ConfigError>,
}

/// `main` with the settings file beside its database laid over it. A settings file that
/// cannot be read or is refused is reported, never fatal: capture matters more than names.
pub fn load_beside(main: Config) -> Loaded {
    let settings_path = settings_path(&main);
    let text = match std::fs::read_to_string(&settings_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Loaded {
                config: main,
                settings_path,
                replaced: None,
                error: None,
            }
        }
        Err(e) => {
            return Loaded {
                config: main,
                error: Some(ConfigError {
                    file: settings_path.clone(),
                    line: None,
                    column: None,
                    reason: format!("cannot read: {e}"),
                }),
                settings_path,
                replaced: None,
            }
        }
    };
    match overlay(&main, &settings_path, &text) {
        Ok((config, replaced)) => Loaded {
            config,
            settings_path,
            replaced: Some(replaced),
            error: None,
        },
        Err(e) => Loaded {
            config: main,
            settings_path,
            replaced: None,
            error: Some(e),
        },
    }
}

/// The first lines of a settings file the page makes.
pub const SETTINGS_HEADER: &str = "\
# smdrbox settings, written by the web page /settings. Each section here replaces the same
# section of the main configuration (the file given to `smdrbox run --config`): [names],
# [hours] (empty: no working hours), [report] service_level_secs and currency, and the
# tariff list (`tariff = []`: none). Delete this file to go back to the main configuration.
";

/// The settings file's text with `s` written into it: every section the page edits is
/// present (empty when cleared), so the file replaces them all; comments are kept.
pub fn settings_text(text: &str, s: &Settings) -> Result<String, String> {
    let new_file = text.trim().is_empty();
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("{SETTINGS_FILE} is not valid TOML now: {e}"))?;
    // `tariff = []` (none) is given back as tables by `apply` when rows come.
    if doc
        .get("tariff")
        .and_then(Item::as_array)
        .is_some_and(Array::is_empty)
    {
        doc.remove("tariff");
    }
    let mut doc: DocumentMut = apply(&doc.to_string(), s)?
        .parse()
        .map_err(|e| format!("{e}"))?;
    let names = table_in(doc.as_table_mut(), "names", true)?;
    for sub in ["extensions", "lines", "dids"] {
        table_in(names, sub, false).map_err(|e| format!("[names] {e}"))?;
    }
    table_in(doc.as_table_mut(), "hours", false)?;
    let report = table_in(doc.as_table_mut(), "report", false)?;
    set_int(
        report,
        "service_level_secs",
        i64::from(s.service_level_secs),
    );
    if doc.get("tariff").is_none() {
        doc.insert("tariff", Item::Value(Value::Array(Array::new())));
    }
    if new_file {
        return Ok(format!("{SETTINGS_HEADER}\n{doc}"));
    }
    Ok(doc.to_string())
}

/// What a save produces: the settings file's new text and the merged configuration it gives.
#[derive(Debug)]
pub struct Edited {
    pub text: String,
    pub config: Config,
    /// The text is the same as before: nothing to write.
    pub unchanged: bool,
}

/// The whole edit: the form → settings → the settings file's new text (`text`: what it holds
/// now, empty when there is none) → laid over the main configuration `main` and checked.
/// Errors are by field; one the check finds is put beside the field it is about (or given as
/// [`GENERAL`]) with the file, line and reason.
pub fn edit(main: &Config, path: &Path, text: &str, form: &Form) -> Result<Edited, FieldErrors> {
    let settings = parse_form(form)?;
    let general = |e: String| FieldErrors::from([(GENERAL.to_string(), e)]);
    let new = settings_text(text, &settings).map_err(general)?;
    match overlay(main, path, &new) {
        Ok((config, _)) => Ok(Edited {
            unchanged: new == text,
            text: new,
            config,
        }),
        Err(e) => {
            let field = e
                .line
                .and_then(|l| field_at(&new, l))
                .unwrap_or_else(|| GENERAL.to_string());
            Err(FieldErrors::from([(field, refused(&e))]))
        }
    }
}

fn refused(e: &ConfigError) -> String {
    format!("the configuration would not load, so nothing was saved: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# The installer's file: keep my comments.
[source]
path = \"/dev/smdr0\" # the adapter

[web]
listen = \"0.0.0.0:8080\"

[report]
# Answered within this many seconds.
service_level_secs = 20 # our target
currency = \"EUR\"

# Who is who.
[names.extensions]
# The front desk.
101 = \"Anna\"
102 = \"Boris\"

# Prices.
[[tariff]]
prefix = \"00\"   # abroad
name = \"International\"
per_minute = 0.12

[[tariff]]
prefix = \"3\"
per_minute = 0.0195
billing_secs = 1
";

    fn parse(text: &str) -> Config {
        Config::parse(Path::new("box.toml"), text).expect("config")
    }

    fn form_of(text: &str) -> Form {
        Settings::from_config(&parse(text)).to_form()
    }

    const AT: &str = "/var/lib/smdrbox/settings.toml";

    fn save(main: &str, settings: &str, form: &Form) -> Result<Edited, FieldErrors> {
        edit(&parse(main), Path::new(AT), settings, form)
    }

    #[test]
    fn an_unchanged_form_writes_the_same_values_and_then_nothing() {
        let e = save(FILE, "", &form_of(FILE)).expect("edit");
        assert!(!e.unchanged);
        assert_eq!(
            Settings::from_config(&e.config),
            Settings::from_config(&parse(FILE))
        );
        for section in [
            "[names.extensions]",
            "[names.lines]",
            "[names.dids]",
            "[hours]",
            "[report]",
            "tariff",
        ] {
            assert!(e.text.contains(section), "{section} missing:\n{}", e.text);
        }
        assert!(
            !e.text.contains("[source]") && !e.text.contains("[web]"),
            "{}",
            e.text
        );
        assert!(e.text.starts_with("# smdrbox settings"), "{}", e.text);
        let again = save(FILE, &e.text, &form_of(FILE)).expect("again");
        assert!(again.unchanged, "{}", again.text);
    }

    #[test]
    fn edits_go_to_the_settings_file_and_keep_its_comments() {
        let first = save(FILE, "", &form_of(FILE)).expect("edit").text;
        let commented = first.replace("\n[hours]\n", "\n# Our hours, agreed with Olga.\n[hours]\n");
        let mut form = form_of(FILE);
        form.insert("extensions".into(), "101 = Anna K.\n103 = Vera".into());
        form.insert("dids".into(), "0800123 = Google Ads line".into());
        form.insert("mon".into(), "09:00-18:00".into());
        form.insert("fri".into(), "09:00-13:00, 14:00-17:00".into());
        form.insert("holidays".into(), "2026-12-31, 2026-12-25".into());
        form.insert("service_level_secs".into(), "15".into());
        form.insert(
            "tariffs".into(),
            "00; International; 0,15; 0; 60\n3; ; 0.0195; 0; 1\n0; National; 0.02".into(),
        );
        let e = save(FILE, &commented, &form).expect("edit");
        assert!(
            e.text.contains("# Our hours, agreed with Olga.\n[hours]"),
            "{}",
            e.text
        );
        assert!(!e.text.contains("Boris"), "{}", e.text);
        let c = &e.config;
        assert_eq!(
            c.names.extensions.get("103").map(String::as_str),
            Some("Vera")
        );
        assert_eq!(
            c.names.dids.get("0800123").map(String::as_str),
            Some("Google Ads line")
        );
        let h = c.working_hours().expect("hours");
        assert_eq!(
            h.describe(),
            "Mon 09:00-18:00, Fri 09:00-13:00, 14:00-17:00; 2 holidays"
        );
        assert_eq!(c.report.service_level_secs.0, 15);
        // What the settings file does not hold stays the main configuration's.
        assert_eq!(c.web.listen.0.port(), 8080);
        let tariffs = c.tariffs();
        assert_eq!(tariffs.len(), 3);
        assert_eq!(tariffs[0].per_minute, 1500);
        assert_eq!(
            (tariffs[1].prefix.as_str(), tariffs[1].billing_secs),
            ("3", 1)
        );
        assert_eq!(
            (
                tariffs[2].name.as_str(),
                tariffs[2].per_minute,
                tariffs[2].billing_secs
            ),
            ("National", 200, 60)
        );
        // Round trip: the saved file gives the same form again, and saving it changes nothing.
        let again = Settings::from_config(c).to_form();
        let e2 = save(FILE, &e.text, &again).expect("edit again");
        assert!(e2.unchanged, "{}", e2.text);
    }

    #[test]
    fn clearing_overrides_what_the_main_configuration_sets() {
        let mut form = form_of(FILE);
        form.insert("extensions".into(), String::new());
        form.insert("tariffs".into(), "\n  \n".into());
        form.insert("currency".into(), String::new());
        form.insert("service_level_secs".into(), "20".into());
        let e = save(FILE, "", &form).expect("edit");
        assert!(e.config.names.extensions.is_empty(), "{}", e.text);
        assert!(e.config.tariffs().is_empty(), "{}", e.text);
        assert_eq!(e.config.report.currency, None);
        assert_eq!(e.config.report.service_level_secs.0, 20);
        assert!(e.config.working_hours().is_none());
        assert!(e.text.contains("tariff = []"), "{}", e.text);
        // And back: rows come as [[tariff]] tables again.
        let mut form = form_of(FILE);
        form.insert("tariffs".into(), "0; National; 0.02".into());
        let e2 = save(FILE, &e.text, &form).expect("rows again");
        assert!(
            e2.text.contains("[[tariff]]") && !e2.text.contains("tariff = []"),
            "{}",
            e2.text
        );
        assert_eq!(e2.config.tariffs().len(), 1);
    }

    #[test]
    fn the_merge_rule_section_by_section() {
        let main = parse(
            "[source]\npath = \"/dev/x\"\n[report]\nservice_level_secs = 30\nshort_call_secs = 50\n\
             currency = \"EUR\"\n[names.extensions]\n101 = \"Anna\"\n[names.lines]\n01 = \"Main\"\n\
             [hours]\nmon = \"09:00-18:00\"\n[[tariff]]\nprefix = \"0\"\nper_minute = 0.02\n",
        );
        let over = |text: &str| overlay(&main, Path::new(AT), text);
        // Nothing in the file: nothing replaced.
        let (c, replaced) = over("# empty\n").expect("empty");
        assert!(replaced.is_empty());
        assert_eq!(c.names.lines.len(), 1);
        // [names] replaces the whole table: lines not given are gone.
        let (c, replaced) = over("[names.extensions]\n102 = \"Boris\"\n").expect("names");
        assert_eq!(replaced, ["[names]"]);
        assert_eq!(c.names.extensions.keys().collect::<Vec<_>>(), ["102"]);
        assert!(c.names.lines.is_empty());
        assert!(c.working_hours().is_some(), "hours stay the main file's");
        // An empty [hours]: none.
        let (c, _) = over("[hours]\n").expect("no hours");
        assert!(c.working_hours().is_none());
        // [report]: the page's two keys; the others stay; left out: default and none.
        let (c, _) = over("tariff = []\n[report]\n").expect("report");
        assert_eq!(c.report.service_level_secs.0, 20);
        assert_eq!(c.report.short_call_secs.0, 50);
        assert_eq!(c.report.currency, None);
        assert!(c.tariffs().is_empty());
        // The tariff list replaced, the main file's currency kept.
        let (c, replaced) =
            over("[[tariff]]\nprefix = \"00\"\nper_minute = 0.5\n").expect("tariffs");
        assert_eq!(replaced, ["[[tariff]]"]);
        assert_eq!(c.tariffs()[0].prefix, "00");
        // Refusals: file and line.
        let e = over("[hours]\nmon = \"09:00-18:00\"\n\n[source]\npath = \"/dev/y\"\n")
            .expect_err("source");
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.to_string().starts_with(&format!("{AT}:4")), "{e}");
        assert!(
            e.reason.contains("[source] cannot be set in settings.toml"),
            "{e}"
        );
        let e = over("[report]\nshort_call_secs = 10\n").expect_err("report key");
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.reason.contains("short_call_secs"), "{e}");
        let e = over("[report]\nservice_level_secs = 20\n").expect_err("tariff, no currency");
        assert_eq!(e.line, Some(1), "{e}");
        assert!(e.reason.contains("currency"), "{e}");
        let e = over("[[tariff]]\nprefix = \"1\"\nper_minute = 1\n[[tariff]]\nprefix = \"1\"\nper_minute = 2\n")
            .expect_err("twice");
        assert_eq!(e.line, Some(5), "{e}");
        let e = over("[hours]\nholidays = [\"2026-12-31\"]\n").expect_err("never open");
        assert!(e.reason.contains("opens on no day"), "{e}");
        let e = over("[hours\n").expect_err("broken");
        assert_eq!(e.line, Some(1), "{e}");
    }

    #[test]
    fn the_settings_file_is_beside_the_database() {
        let c = parse("[source]\npath = \"/dev/x\"\n[store]\npath = \"/data/smdr/calls.db\"\n");
        assert_eq!(settings_path(&c), Path::new("/data/smdr/settings.toml"));
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("smdr.db");
        let main = parse(&format!(
            "[source]\npath = \"/dev/x\"\n[store]\npath = {:?}\n",
            db
        ));
        let l = load_beside(main.clone());
        assert!(l.replaced.is_none() && l.error.is_none());
        std::fs::write(
            dir.path().join("settings.toml"),
            "[hours]\nmon = \"08:00-17:00\"\n",
        )
        .expect("write");
        let l = load_beside(main.clone());
        assert_eq!(l.replaced.as_deref(), Some(&["[hours]"][..]));
        assert!(l.config.working_hours().is_some());
        std::fs::write(
            dir.path().join("settings.toml"),
            "[hours]\nmon = \"8-17\"\n",
        )
        .expect("write");
        let l = load_beside(main);
        let e = l.error.expect("refused");
        assert_eq!(e.line, Some(2), "{e}");
        assert!(
            l.config.working_hours().is_none(),
            "the main configuration alone"
        );
    }

    #[test]
    fn each_refusal_names_its_field_and_what_is_expected() {
        let cases: &[(&str, &str, &str, &str)] = &[
            ("extensions", "101 Anna", "extensions", "no \"=\""),
            (
                "extensions",
                "101 = Anna\n101 = Boris",
                "extensions",
                "named twice",
            ),
            ("lines", "0 1 = Main", "lines", "without spaces"),
            ("dids", "0800 =", "dids", "1 to 60 characters"),
            ("mon", "9-18", "mon", "09:00-18:00"),
            ("tue", "18:00-09:00", "tue", "closes before it opens"),
            ("holidays", "31.12.2026", "holidays", "2026-12-31"),
            ("service_level_secs", "0", "service_level_secs", "1 to 3600"),
            ("service_level_secs", "abc", "service_level_secs", "e.g. 20"),
            ("currency", "", "currency", "need their currency"),
            ("currency", "EURO DOLLAR", "currency", "without spaces"),
            (
                "tariffs",
                "+39; Italy; 0.1",
                "tariffs",
                "line 1, prefix: \"+39\": a prefix is 1 to 20 digits",
            ),
            (
                "tariffs",
                "00; A; 0.1\n00; B; 0.2",
                "tariffs",
                "line 2, prefix: 00 is already on line 1",
            ),
            (
                "tariffs",
                "0; ; -1",
                "tariffs",
                "line 1, price per minute: -1: a price is a plain",
            ),
            ("tariffs", "0; ; 0.00001", "tariffs", "at most 4 decimals"),
            (
                "tariffs",
                "0; National; ",
                "tariffs",
                "line 1, price per minute: missing",
            ),
            (
                "tariffs",
                "0; National",
                "tariffs",
                "2 columns; write one row per line",
            ),
            ("tariffs", "\n0; ; 1; x", "tariffs", "line 2, setup"),
            (
                "tariffs",
                "0; ; 1; 0; 0",
                "tariffs",
                "line 1, billing: \"0\": the billing increment",
            ),
            ("tariffs", "0; ;1;0;60;7", "tariffs", "6 columns"),
        ];
        for (field, value, at, reason) in cases {
            let mut form = form_of(FILE);
            form.insert(field.to_string(), value.to_string());
            let errs = save(FILE, "", &form).expect_err(value);
            let e = errs
                .get(*at)
                .unwrap_or_else(|| panic!("{field}={value:?}: no error on {at}: {errs:?}"));
            assert!(e.contains(reason), "{field}={value:?}: {e}");
            assert_eq!(errs.len(), 1, "{errs:?}");
        }
        // Holidays without any working day.
        let mut form = form_of(FILE);
        form.insert("holidays".into(), "2026-12-31".into());
        let errs = parse_form(&form).expect_err("holidays only");
        assert!(errs["mon"].contains("no working day"), "{errs:?}");
    }

    #[test]
    fn a_refusal_of_the_config_parser_is_put_beside_its_field() {
        // The form's checks pass, the file cannot take them (names that are a string).
        let main = "[source]\npath = \"/dev/x\"\n";
        let text = "[names]\nlines = \"x\"\n";
        let mut form = form_of(main);
        form.insert("lines".into(), "01 = Main".into());
        let errs = save(main, text, &form).expect_err("not a table");
        assert!(errs[GENERAL].contains("not a table"), "{errs:?}");
        // A line pointing at a field: the parser's own words with file and line.
        let new = "[source]\npath = \"/dev/x\"\n[report]\nservice_level_secs = 99999\n";
        assert_eq!(field_at(new, 4).as_deref(), Some("service_level_secs"));
        let tariffs = "[source]\npath = \"/dev/x\"\n[[tariff]]\nprefix = \"1\"\n\
                       [[tariff]]\nprefix = \"2\"\nper_minute = 1\n";
        assert_eq!(field_at(tariffs, 7).as_deref(), Some("tariffs"));
        assert_eq!(field_at(tariffs, 1), None);
        let errs = save(main, "[source\n", &form).expect_err("broken");
        assert!(errs[GENERAL].contains("not valid TOML"), "{errs:?}");
        // A section the settings file may not hold, added by hand: refused with its line.
        let errs = save(main, "[web]\nlisten = \"0.0.0.0:80\"\n", &form).expect_err("web");
        assert!(
            errs[GENERAL].contains(&format!("{AT}:2:2: [web] cannot")),
            "{errs:?}"
        );
    }

    #[test]
    fn forms_decode() {
        let f = decode_form(b"extensions=101+%3D+Anna%0D%0A102+%3D+%D0%91%D0%BE%D1%80%D0%B8%D1%81&csrf=x&mon=&bad=%zz%");
        assert_eq!(f["extensions"], "101 = Anna\r\n102 = Борис");
        assert_eq!(f["mon"], "");
        assert_eq!(f["bad"], "%zz%");
        let s = parse_form(&{
            let mut g = form_of("[source]\npath = \"/dev/x\"\n");
            g.insert("extensions".into(), f["extensions"].clone());
            g
        })
        .expect("settings");
        assert_eq!(s.extension_names["102"], "Борис");
    }
}
