//! Languages of the pages, reports and downloads: English, Russian, Ukrainian.
//!
//! Pure: no I/O, no clock. The web edge picks the language ([`negotiate`]: `?lang=`, then the
//! `lang` cookie, then `Accept-Language`, then English) and passes it to the renderers, which
//! take their words from the catalog ([`t`], [`tf`], [`count`]) and format numbers and dates
//! with the functions here.
//!
//! Two catalogs:
//! - [`UI`]: every string of the pages, by key (`nav.calls`), in all three languages;
//! - [`REPORT`]: the reports' words (titles, figure labels, table heads, chart titles, notes),
//!   which the pure core writes in English. They are translated at rendering by the English
//!   text as printed by the core (the stable id), with `{}` standing for the numbers and names
//!   the core puts in; a text the catalog does not know stays English (the fallback).
//!
//! Accept-Language: `ru` → Russian; `uk` and the country code `ua` that some systems send as a
//! language → Ukrainian; `be` (Belarusian) and `kk` (Kazakh) → Russian, which is an official
//! language in both countries and far more likely read than English there; anything else →
//! English.
//!
//! Locale rules (ru/uk, as Russian and Ukrainian office software writes them): decimal comma;
//! thousands grouped with a narrow no-break space from five digits on (`12 345`, but `1234`,
//! the typographic norm in both languages); a no-break space before `%`; dates `23.11.2026`;
//! durations stay `h:mm:ss`. English output is byte-identical to what the pages printed before
//! languages existed.

use crate::core::analytics::Cell;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A language of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Ru,
    Uk,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ru, Lang::Uk];

    /// The ISO 639-1 code: `en`, `ru`, `uk` (`<html lang>`, `?lang=`, the cookie).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Uk => "uk",
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ru => "Русский",
            Lang::Uk => "Українська",
        }
    }

    /// A code as `?lang=`, the cookie or `--lang` give it (case-insensitive; a region such as
    /// `ru-RU` is accepted; `ua`, the country code, is taken for Ukrainian).
    pub fn parse(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            "uk" | "ua" => Some(Lang::Uk),
            _ => None,
        }
    }

    /// As [`Lang::parse`], and the languages whose readers are best served by one of ours.
    fn from_accept_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "be" | "kk" => Some(Lang::Ru),
            _ => Lang::parse(primary),
        }
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::Ru => 1,
            Lang::Uk => 2,
        }
    }
}

/// The best of our languages for an `Accept-Language` header (q-values honoured, `q=0` means
/// "not this one", ties go to the earlier entry); `None` when it names none of them.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for part in header.split(',') {
        let mut fields = part.split(';');
        let tag = fields.next().unwrap_or("").trim();
        let mut q = 1.0f32;
        for p in fields {
            if let Some(v) = p.trim().strip_prefix("q=") {
                q = v.trim().parse().unwrap_or(0.0);
            }
        }
        if !(q > 0.0 && q <= 1.0) {
            continue;
        }
        if let Some(l) = Lang::from_accept_tag(tag) {
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, l));
            }
        }
    }
    best.map(|(_, l)| l)
}

/// The page's language: `?lang=` first (the switch), then the `lang` cookie (the switch
/// remembered), then the browser's `Accept-Language`, then English.
pub fn negotiate(query: Option<&str>, cookie: Option<&str>, accept: Option<&str>) -> Lang {
    query
        .and_then(Lang::parse)
        .or_else(|| cookie.and_then(Lang::parse))
        .or_else(|| accept.and_then(from_accept_language))
        .unwrap_or_default()
}

/// The `Set-Cookie` value that remembers a language chosen with `?lang=` for a year.
pub fn cookie(lang: Lang) -> String {
    format!(
        "lang={}; Max-Age=31536000; Path=/; SameSite=Lax",
        lang.code()
    )
}

// ---------------------------------------------------------------------------------------------
// Catalog lookups

fn ui_index() -> &'static HashMap<&'static str, usize> {
    static INDEX: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    INDEX.get_or_init(|| UI.iter().enumerate().map(|(i, m)| (m.0, i)).collect())
}

fn pick(m: &Msg, lang: Lang) -> &'static str {
    [m.1, m.2, m.3][lang.index()]
}

/// The text of `key` in `lang`; an unknown key is shown as itself (and fails the catalog
/// test, which lists every key the renderers use).
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    match ui_index().get(key) {
        Some(i) => pick(&UI[*i], lang),
        None => key,
    }
}

/// [`t`] with `{}` (in order) or `{0}`, `{1}` (by position) filled from `args`.
pub fn tf(lang: Lang, key: &'static str, args: &[&dyn std::fmt::Display]) -> String {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    fill(t(lang, key), &args)
}

/// Fill `{}` and `{N}` placeholders.
fn fill(template: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut next = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].bytes().all(|b| b.is_ascii_digit()) => {
                let idx = if close == 0 {
                    next += 1;
                    next - 1
                } else {
                    after[..close].parse().unwrap_or(usize::MAX)
                };
                out.push_str(args.get(idx).map(String::as_str).unwrap_or(""));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Russian and Ukrainian plural form: 0 = one (1, 21, 101), 1 = few (2–4, 22–24), 2 = many.
pub fn plural_index(lang: Lang, n: u64) -> usize {
    match lang {
        Lang::En => usize::from(n != 1),
        Lang::Ru | Lang::Uk => {
            let (d, h) = (n % 10, n % 100);
            if d == 1 && h != 11 {
                0
            } else if (2..=4).contains(&d) && !(12..=14).contains(&h) {
                1
            } else {
                2
            }
        }
    }
}

/// The noun of plural key `key` (forms split by `|`) for `n`.
pub fn plural(lang: Lang, n: u64, key: &'static str) -> &'static str {
    let forms = t(lang, key);
    let i = plural_index(lang, n);
    forms.split('|').nth(i).unwrap_or(forms)
}

/// A count for a template whose English side has the noun itself (`{} records`): the plain
/// number in English, the number with its noun in the right form in Russian and Ukrainian.
pub fn counted(lang: Lang, n: u64, key: &'static str) -> String {
    match lang {
        Lang::En => n.to_string(),
        _ => count(lang, n, key),
    }
}

/// `5 звонков`: the number in the locale and its noun.
pub fn count(lang: Lang, n: u64, key: &'static str) -> String {
    format!("{} {}", int(lang, n as i64), plural(lang, n, key))
}

// ---------------------------------------------------------------------------------------------
// Numbers, dates, durations

/// The narrow no-break space that groups thousands in Russian and Ukrainian.
pub const THOUSANDS: char = '\u{202F}';
/// The no-break space before `%` and units.
const NBSP: char = '\u{00A0}';

/// An integer: `12345` in English (as the pages always printed it), `12 345` in ru/uk (from
/// five digits on).
pub fn int(lang: Lang, n: i64) -> String {
    let plain = n.to_string();
    if lang == Lang::En {
        return plain;
    }
    group(&plain)
}

/// Group an integer's digits (optional leading `-`) by three, from five digits on.
fn group(digits: &str) -> String {
    let (sign, d) = match digits.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", digits),
    };
    if d.len() < 5 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return digits.to_string();
    }
    let mut out = String::from(sign);
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i) % 3 == 0 {
            out.push(THOUSANDS);
        }
        out.push(c);
    }
    out
}

/// A number with `decimals` places: `8.11` / `8,11`.
pub fn dec(lang: Lang, x: f64, decimals: u8) -> String {
    let s = format!("{x:.*}", usize::from(decimals));
    localize_number(lang, &s)
}

/// A plain number as text (`1234.5`, `-3`) in the locale: decimal comma and grouping in ru/uk.
fn localize_number(lang: Lang, s: &str) -> String {
    if lang == Lang::En {
        return s.to_string();
    }
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let mut out = group(whole);
    if let Some(f) = frac {
        out.push(',');
        out.push_str(f);
    }
    out
}

/// A share 0..=1 as a percentage with one decimal: `12.5 %` / `12,5 %`.
pub fn pct(lang: Lang, share: f64) -> String {
    let n = format!("{:.1}", share * 100.0);
    match lang {
        Lang::En => format!("{n} %"),
        _ => format!("{}{NBSP}%", localize_number(lang, &n)),
    }
}

/// A date: ISO `2026-11-23` in English, `23.11.2026` in ru/uk.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::En => d.format("%Y-%m-%d").to_string(),
        _ => d.format("%d.%m.%Y").to_string(),
    }
}

/// A date and time to the minute (`with_secs`: to the second).
pub fn datetime(lang: Lang, t: NaiveDateTime, with_secs: bool) -> String {
    let time = if with_secs { "%H:%M:%S" } else { "%H:%M" };
    format!("{} {}", date(lang, t.date()), t.format(time))
}

/// A period: `2026-11-01 to 2026-11-30` / `01.11.2026 – 30.11.2026`.
pub fn period(lang: Lang, from: NaiveDate, to: NaiveDate) -> String {
    match lang {
        Lang::En => format!("{from} to {to}"),
        _ => format!("{} – {}", date(lang, from), date(lang, to)),
    }
}

const WEEKDAYS: [[&str; 7]; 3] = [
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"],
    ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Нд"],
];

/// Month names: standalone (`Октябрь 2026`) and abbreviated in a date (`23 нояб.`).
const MONTHS: [[&str; 12]; 3] = [
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    [
        "Январь",
        "Февраль",
        "Март",
        "Апрель",
        "Май",
        "Июнь",
        "Июль",
        "Август",
        "Сентябрь",
        "Октябрь",
        "Ноябрь",
        "Декабрь",
    ],
    [
        "Січень",
        "Лютий",
        "Березень",
        "Квітень",
        "Травень",
        "Червень",
        "Липень",
        "Серпень",
        "Вересень",
        "Жовтень",
        "Листопад",
        "Грудень",
    ],
];
const MONTHS_SHORT: [[&str; 12]; 3] = [
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    [
        "янв.",
        "февр.",
        "мар.",
        "апр.",
        "мая",
        "июн.",
        "июл.",
        "авг.",
        "сент.",
        "окт.",
        "нояб.",
        "дек.",
    ],
    [
        "січ.",
        "лют.",
        "бер.",
        "квіт.",
        "трав.",
        "черв.",
        "лип.",
        "серп.",
        "вер.",
        "жовт.",
        "лист.",
        "груд.",
    ],
];

/// `Mon` / `Пн` / `Пн`.
pub fn weekday_short(lang: Lang, d: Weekday) -> &'static str {
    WEEKDAYS[lang.index()][d.num_days_from_monday() as usize]
}

/// `October 2026` / `Октябрь 2026` / `Жовтень 2026`: a month on its own.
pub fn month_year(lang: Lang, first: NaiveDate) -> String {
    format!(
        "{} {}",
        MONTHS[lang.index()][first.month0() as usize],
        first.year()
    )
}

/// A chart label the core wrote in English (`Mon 23 Nov`, `Sat`, `09:00`) in `lang`: weekday
/// and month abbreviations replaced word by word, everything else kept.
pub fn chart_label(lang: Lang, label: &str) -> Cow<'_, str> {
    if lang == Lang::En || !label.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Cow::Borrowed(label);
    }
    let whole = report_text(lang, label);
    if whole != label {
        return whole;
    }
    let words: Vec<String> = label
        .split(' ')
        .map(|w| {
            if let Some(i) = WEEKDAYS[0].iter().position(|x| *x == w) {
                WEEKDAYS[lang.index()][i].to_string()
            } else if let Some(i) = MONTHS_SHORT[0].iter().position(|x| *x == w) {
                MONTHS_SHORT[lang.index()][i].to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    Cow::Owned(words.join(" "))
}

/// A duration as the status page says it (`42 s`, `5 min 03 s`, `2 h 05 min`, `3 d 4 h`),
/// from the core's English words.
pub fn duration_words(lang: Lang, english: &str) -> Cow<'_, str> {
    if lang == Lang::En {
        return Cow::Borrowed(english);
    }
    let parts: Vec<&str> = english.split(' ').collect();
    let is_num = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !parts.len().is_multiple_of(2) || !parts.chunks(2).all(|p| is_num(p[0])) {
        return Cow::Borrowed(english);
    }
    let mut out = Vec::with_capacity(parts.len());
    for p in parts.chunks(2) {
        let unit = match (lang, p[1]) {
            (_, "s") => "с",
            (_, "min") => "мин",
            (Lang::Ru, "h") => "ч",
            (_, "h") => "год",
            (_, "d") => "д",
            _ => return Cow::Borrowed(english),
        };
        let unit = if lang == Lang::Uk && unit == "мин" {
            "хв"
        } else {
            unit
        };
        out.push(format!("{}{NBSP}{unit}", p[0]));
    }
    Cow::Owned(out.join(" "))
}

/// A report cell for a person, in the locale (English: exactly [`Cell::human`]). A text cell
/// that is an ISO date (`2026-11-23`) is a date.
pub fn cell(lang: Lang, c: &Cell) -> String {
    if lang == Lang::En {
        return c.human();
    }
    match c {
        Cell::Int(n) => int(lang, *n),
        Cell::Num(x, d) => dec(lang, *x, *d),
        Cell::Pct(p) => pct(lang, *p),
        Cell::Time(t) => datetime(lang, *t, false),
        Cell::Text(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if s.len() == 10 => date(lang, d),
            _ => report_text(lang, s).into_owned(),
        },
        Cell::Secs(_) | Cell::Empty => c.human(),
    }
}

// ---------------------------------------------------------------------------------------------
// The reports' words

struct ReportIndex {
    exact: HashMap<&'static str, usize>,
    /// Entries with `{}`: (literal pieces, entry).
    templates: Vec<(Vec<&'static str>, usize)>,
}

fn report_index() -> &'static ReportIndex {
    static INDEX: OnceLock<ReportIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut exact = HashMap::new();
        let mut templates = Vec::new();
        for (i, m) in REPORT.iter().enumerate() {
            if m.1.contains("{}") {
                templates.push((m.1.split("{}").collect(), i));
            } else {
                exact.insert(m.1, i);
            }
        }
        // The most specific (longest literal text) first, so that `{} calls` does not take
        // what `{} of them {}` should.
        templates.sort_by_key(|(p, _): &(Vec<&str>, usize)| {
            std::cmp::Reverse(p.iter().map(|s| s.len()).sum::<usize>())
        });
        ReportIndex { exact, templates }
    })
}

/// Match `s` against a template's literal pieces; the texts between them.
fn match_template<'a>(pieces: &[&str], s: &'a str) -> Option<Vec<&'a str>> {
    let (first, rest) = pieces.split_first()?;
    let mut at = s.strip_prefix(first)?;
    let mut args = Vec::with_capacity(pieces.len());
    for (i, lit) in rest.iter().enumerate() {
        if i + 1 == rest.len() {
            let arg = at.strip_suffix(lit)?;
            args.push(arg);
            at = "";
        } else {
            if lit.is_empty() {
                return None;
            }
            let pos = at.find(lit)?;
            args.push(&at[..pos]);
            at = &at[pos + lit.len()..];
        }
    }
    (at.is_empty() && args.iter().all(|a| !a.is_empty())).then_some(args)
}

/// What the core filled into a template, in `lang`: a known text translated, a decimal
/// number with a comma, a duration's units; anything else (names, numbers dialled) kept.
fn localize_fragment(lang: Lang, s: &str) -> String {
    let numeric = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && s.bytes().any(|b| b.is_ascii_digit());
    if numeric && s.contains('.') {
        return localize_number(lang, s);
    }
    if let Some(n) = s.strip_suffix(" %") {
        if n.parse::<f64>().is_ok() {
            return format!("{}{NBSP}%", localize_number(lang, n));
        }
    }
    let d = duration_words(lang, s);
    if d != s {
        return d.into_owned();
    }
    report_text(lang, s).into_owned()
}

/// A text the core (reports, verdicts, LED table) wrote in English, in `lang`: by exact text,
/// else by a template with `{}`; unknown text stays English.
pub fn report_text(lang: Lang, english: &str) -> Cow<'_, str> {
    if lang == Lang::En || english.is_empty() {
        return Cow::Borrowed(english);
    }
    let idx = report_index();
    if let Some(i) = idx.exact.get(english) {
        return Cow::Borrowed(pick(&REPORT[*i], lang));
    }
    for (pieces, i) in &idx.templates {
        if let Some(args) = match_template(pieces, english) {
            let args: Vec<String> = args.iter().map(|a| localize_fragment(lang, a)).collect();
            return Cow::Owned(fill(pick(&REPORT[*i], lang), &args));
        }
    }
    // A sentence the catalog does not know may still be several known ones.
    if let Some((a, b)) = english.split_once("; ") {
        let (ta, tb) = (report_text(lang, a), report_text(lang, b));
        if ta != a || tb != b {
            return Cow::Owned(format!("{ta}; {tb}"));
        }
    }
    Cow::Borrowed(english)
}

/// A report's title, by its name (the stable id); the core's English title otherwise.
pub fn report_title<'a>(lang: Lang, name: &str, english: &'a str) -> Cow<'a, str> {
    report_keyed(lang, &format!("{name}.title"), english)
}

/// A report's one line on what it answers, by its name.
pub fn report_about<'a>(lang: Lang, name: &str, english: &'a str) -> Cow<'a, str> {
    report_keyed(lang, &format!("{name}.about"), english)
}

fn report_keyed<'a>(lang: Lang, key: &str, english: &'a str) -> Cow<'a, str> {
    if lang == Lang::En {
        return Cow::Borrowed(english);
    }
    match ui_index().get(key) {
        Some(i) => Cow::Borrowed(pick(&UI[*i], lang)),
        None => report_text(lang, english),
    }
}

/// A column of the calls CSV and sheet (`export::COLUMNS`, the phonebook's) as its header
/// says it: the column name itself in English (what scripts read), a label in ru/uk.
pub fn calls_column(lang: Lang, name: &str) -> String {
    if lang == Lang::En {
        return name.to_string();
    }
    match ui_index().get(format!("col.{name}").as_str()) {
        Some(i) => pick(&UI[*i], lang).to_string(),
        None => name.to_string(),
    }
}

/// The `h:mm:ss` twin of a duration column in a report's CSV header, in ru/uk.
pub fn hms_twin_label(lang: Lang, label: &str) -> String {
    format!("{label} ({})", t(lang, "col.hms"))
}

/// (key, English, Russian, Ukrainian). Plural nouns: forms split by `|` (English one|other,
/// Russian and Ukrainian one|few|many).
type Msg = (&'static str, &'static str, &'static str, &'static str);

/// Every string of the pages.
pub const UI: &[Msg] = &[
    // The shell
    ("nav.status", "Status", "Состояние", "Стан"),
    ("nav.calls", "Calls", "Звонки", "Дзвінки"),
    ("nav.reports", "Reports", "Отчёты", "Звіти"),
    ("nav.json", "JSON", "JSON", "JSON"),
    ("nav.account", "Account", "Учётная запись", "Обліковий запис"),
    ("nav.logout", "Log out", "Выйти", "Вийти"),
    ("nav.language", "Language", "Язык", "Мова"),
    // Status page
    ("status.title", "smdrbox: {}", "smdrbox: {}", "smdrbox: {}"),
    ("status.h1", "smdrbox status", "Состояние smdrbox", "Стан smdrbox"),
    ("level.ok", "OK", "НОРМА", "НОРМА"),
    ("level.warning", "WARNING", "ВНИМАНИЕ", "УВАГА"),
    ("level.fault", "FAULT", "СБОЙ", "ЗБІЙ"),
    ("status.capture", "Capture", "Приём данных", "Приймання даних"),
    ("status.link", "Link", "Связь", "Зв’язок"),
    ("link.up", "up", "есть", "є"),
    ("link.down", "down", "нет", "немає"),
    ("link.connecting", "connecting", "подключение", "підключення"),
    (
        "status.link_since",
        "since {} (for {}); lost {} times since start",
        "с {} (уже {}); обрывов с момента запуска: {}",
        "з {} (вже {}); обривів від запуску: {}",
    ),
    ("status.port", "Port", "Порт", "Порт"),
    ("status.speed", "Speed and framing", "Скорость и формат", "Швидкість і формат"),
    (
        "status.autobaud_counts",
        "{} bytes discarded while hunting; {} line errors since the lock",
        "отброшено при подборе скорости, байт: {}; ошибок линии после подбора: {}",
        "відкинуто під час підбору швидкості, байтів: {}; помилок лінії після підбору: {}",
    ),
    ("status.dialect", "Dialect", "Формат АТС", "Формат АТС"),
    ("status.last_line", "Last line received", "Последняя принятая строка", "Останній прийнятий рядок"),
    ("status.none_since_start", "none since start", "с момента запуска не было", "від запуску не було"),
    ("status.records", "Records", "Записи", "Записи"),
    ("status.today", "Today", "Сегодня", "Сьогодні"),
    (
        "status.today_counts",
        "{} records <small>({} lines)</small>",
        "{} <small>({})</small>",
        "{} <small>({})</small>",
    ),
    ("status.in_all", "In all", "Всего", "Усього"),
    (
        "status.all_counts",
        "{} records <small>({} lines: {} headers, {} rejects)</small>",
        "{} <small>({}; заголовков: {}, нераспознанных: {})</small>",
        "{} <small>({}; заголовків: {}, нерозпізнаних: {})</small>",
    ),
    ("status.last_record", "Last record", "Последняя запись", "Останній запис"),
    ("status.none_yet", "none yet", "пока нет", "поки немає"),
    ("status.database", "Database", "База данных", "База даних"),
    ("status.unavailable", "unavailable: {}", "недоступна: {}", "недоступна: {}"),
    ("status.since_start", "Since start", "С момента запуска", "Від запуску"),
    (
        "status.start_counts",
        "{} records, {} headers, {} rejects",
        "{}, заголовков: {}, нераспознанных: {}",
        "{}, заголовків: {}, нерозпізнаних: {}",
    ),
    (
        "status.rejects_h",
        "Lines that could not be read",
        "Нераспознанные строки",
        "Нерозпізнані рядки",
    ),
    (
        "status.rejects_total",
        "{} in all (kept raw in the database).",
        "Всего: {} (хранятся в базе как есть).",
        "Усього: {} (зберігаються в базі як є).",
    ),
    (
        "status.capture_links",
        " Download the lines for a bug report: <a href=\"/capture.log\">the last {} lines</a>, <a href=\"/capture.log?rejects=1\">the rejects only</a>, <a href=\"/capture.log?from={}\">today's lines</a> (they contain callers' phone numbers).",
        " Скачать строки для сообщения об ошибке: <a href=\"/capture.log\">последние {} строк</a>, <a href=\"/capture.log?rejects=1\">только нераспознанные</a>, <a href=\"/capture.log?from={}\">строки за сегодня</a> (в них есть номера телефонов абонентов).",
        " Завантажити рядки для повідомлення про помилку: <a href=\"/capture.log\">останні {} рядків</a>, <a href=\"/capture.log?rejects=1\">лише нерозпізнані</a>, <a href=\"/capture.log?from={}\">рядки за сьогодні</a> (у них є номери телефонів абонентів).",
    ),
    ("status.latest_n", " The {} latest:", " Последние {}:", " Останні {}:"),
    ("status.received", "Received", "Принята", "Прийнято"),
    ("status.reason", "Reason", "Причина", "Причина"),
    ("status.line", "Line", "Строка", "Рядок"),
    ("status.box", "Box", "Устройство", "Пристрій"),
    ("status.buffer", "Buffer", "Буфер", "Буфер"),
    (
        "status.buffer_use",
        "{} of {} lines in use, high water {}",
        "занято строк: {} из {}, максимум: {}",
        "зайнято рядків: {} з {}, максимум: {}",
    ),
    (
        "status.lost_lines",
        "Lines lost (buffer full)",
        "Потеряно строк (буфер переполнен)",
        "Втрачено рядків (буфер переповнено)",
    ),
    ("status.serial_input", "Serial input", "Последовательный порт", "Послідовний порт"),
    (
        "status.serial_counts",
        "{} bytes, {} lines; garbage bytes: {}; overlong lines cut: {}",
        "байт: {}, строк: {}; мусорных байт: {}; обрезано длинных строк: {}",
        "байтів: {}, рядків: {}; сміттєвих байтів: {}; обрізано довгих рядків: {}",
    ),
    ("status.share", "{} of {} ({} %)", "{} из {} ({} %)", "{} з {} ({} %)"),
    ("status.of", "{} of {}", "{} из {}", "{} з {}"),
    ("status.db_size", "{}, last line #{}", "{}, последняя строка № {}", "{}, останній рядок № {}"),
    ("status.unknown", "unknown", "неизвестно", "невідомо"),
    ("status.last_commit", "Last commit", "Последняя запись на диск", "Останній запис на диск"),
    (
        "status.commit_counts",
        "{}; {} commits since start, line #{}",
        "{}; записей на диск с запуска: {}, строка № {}",
        "{}; записів на диск від запуску: {}, рядок № {}",
    ),
    ("status.storage_error", "Storage error", "Ошибка хранилища", "Помилка сховища"),
    ("status.uptime", "Uptime", "Время работы", "Час роботи"),
    ("status.started", "{} <small>(started {})</small>", "{} <small>(запуск {})</small>", "{} <small>(запуск {})</small>"),
    ("status.version", "Version", "Версия", "Версія"),
    ("status.box_time", "Box time", "Время устройства", "Час пристрою"),
    ("status.events_h", "Latest events", "Последние события", "Останні події"),
    ("status.when", "When", "Когда", "Коли"),
    ("status.event", "Event", "Событие", "Подія"),
    ("status.detail", "Detail", "Подробности", "Подробиці"),
    ("status.ago", "{} ago", "{} назад", "{} тому"),
    (
        "status.future",
        "in the future (clock changed?)",
        "в будущем (часы переведены?)",
        "у майбутньому (годинник переведено?)",
    ),
    // LEDs
    ("leds.h", "Status LEDs", "Индикаторы", "Індикатори"),
    ("leds.now", "Now: ", "Сейчас: ", "Зараз: "),
    (
        "leds.none_driven",
        "No LEDs are driven ([leds] backend = \"{}\"); the table shows what they would show.",
        "Индикаторы не подключены ([leds] backend = \"{}\"); в таблице показано, что бы они показывали.",
        "Індикатори не під’єднано ([leds] backend = \"{}\"); у таблиці показано, що б вони показували.",
    ),
    ("leds.driven", "Driven through {}:", "Управление через {}:", "Керування через {}:"),
    ("leds.not_fitted", "not fitted", "не установлен", "не встановлено"),
    ("leds.fails", "fails: {}", "ошибка: {}", "помилка: {}"),
    (
        "leds.not_driven",
        "The LEDs are not driven by this process.",
        "Этот процесс не управляет индикаторами.",
        "Цей процес не керує індикаторами.",
    ),
    ("leds.led", "LED", "Индикатор", "Індикатор"),
    ("leds.pattern", "Pattern", "Сигнал", "Сигнал"),
    ("leds.meaning", "Meaning", "Значение", "Значення"),
    ("leds.now_mark", "now", "сейчас", "зараз"),
    (
        "leds.footer",
        "Amber and red off: all well. All off: no power, or not started (see <code>journalctl -u smdrbox</code>).",
        "Жёлтый и красный не горят: всё в порядке. Все погашены: нет питания или программа не запущена (см. <code>journalctl -u smdrbox</code>).",
        "Жовтий і червоний не світяться: усе гаразд. Усі згаслі: немає живлення або програму не запущено (див. <code>journalctl -u smdrbox</code>).",
    ),
    ("led.green", "green", "зелёный", "зелений"),
    ("led.amber", "amber", "жёлтый", "жовтий"),
    ("led.red", "red", "красный", "червоний"),
    // Dialect line
    (
        "dialect.recognised",
        "{} &nbsp; recognised automatically: {}% of the last {} lines read as {}{}",
        "{} &nbsp; определён автоматически: {}% из последних {} строк прочитаны как {}{}",
        "{} &nbsp; визначено автоматично: {}% з останніх {} рядків прочитано як {}{}",
    ),
    (
        "dialect.changed",
        " (changed {} times: PBX replaced?)",
        " (менялся {} раз: АТС заменили?)",
        " (змінювався {} разів: АТС замінили?)",
    ),
    (
        "dialect.closest",
        "auto: not recognised yet after {} lines (closest: {}, {} records); lines are kept and read again once recognised",
        "авто: пока не определён после {} строк (ближе всего: {}, записей: {}); строки сохраняются и будут прочитаны заново после определения",
        "авто: ще не визначено після {} рядків (найближче: {}, записів: {}); рядки зберігаються й будуть прочитані знову після визначення",
    ),
    (
        "dialect.none",
        "auto: not recognised yet ({} lines seen); lines are kept and read again once recognised",
        "авто: пока не определён (строк получено: {}); строки сохраняются и будут прочитаны заново после определения",
        "авто: ще не визначено (рядків отримано: {}); рядки зберігаються й будуть прочитані знову після визначення",
    ),
    // Calls page
    ("calls.title", "smdrbox: calls", "smdrbox: звонки", "smdrbox: дзвінки"),
    ("calls.h1", "Latest calls", "Последние звонки", "Останні дзвінки"),
    (
        "calls.download",
        "Download as CSV: <a href=\"{}\">this month</a> &middot; <a href=\"{}\">last month</a>",
        "Скачать CSV: <a href=\"{}\">за этот месяц</a> &middot; <a href=\"{}\">за прошлый месяц</a>",
        "Завантажити CSV: <a href=\"{}\">за цей місяць</a> &middot; <a href=\"{}\">за минулий місяць</a>",
    ),
    (
        "calls.db_error",
        "The database cannot be read: {}",
        "Не удаётся прочитать базу данных: {}",
        "Не вдається прочитати базу даних: {}",
    ),
    ("calls.none", "No calls stored yet.", "Звонков пока нет.", "Дзвінків поки немає."),
    (
        "calls.intro",
        "The {} most recent call records, newest first. Date and time as printed by the PBX.",
        "Последние записи о звонках ({}), сначала новые. Дата и время — как их напечатала АТС.",
        "Останні записи про дзвінки ({}), спершу нові. Дата й час — як їх надрукувала АТС.",
    ),
    ("calls.ended", "Ended", "Окончание", "Завершення"),
    ("calls.started", "Started", "Начало", "Початок"),
    ("calls.time", "Time", "Время", "Час"),
    ("calls.end", "end", "конец", "кінець"),
    ("calls.start", "start", "начало", "початок"),
    ("calls.dir", "Dir.", "Напр.", "Напр."),
    ("calls.who", "Number / name", "Номер / имя", "Номер / ім’я"),
    ("calls.ext", "Ext.", "Вн.", "Вн."),
    ("calls.outcome", "Outcome", "Итог", "Результат"),
    ("calls.talk", "Talk", "Разговор", "Розмова"),
    ("calls.ring", "Ring", "Звонок", "Виклик"),
    ("calls.line", "Line", "Линия", "Лінія"),
    ("calls.cost", "Cost", "Стоимость", "Вартість"),
    ("calls.no_cli", "no caller ID", "номер скрыт", "номер приховано"),
    ("calls.ring_secs", "{} s", "{} с", "{} с"),
    ("dir.in", "← in", "← вход.", "← вхід."),
    ("dir.out", "→ out", "→ исх.", "→ вих."),
    ("dir.internal", "↔ internal", "↔ внутр.", "↔ внутр."),
    ("outcome.not_answered", "NOT ANSWERED", "НЕ ОТВЕЧЕН", "БЕЗ ВІДПОВІДІ"),
    ("outcome.answered", "answered", "отвечен", "прийнято"),
    ("outcome.transferred", "transferred", "переведён", "переведено"),
    ("outcome.forwarded", "forwarded", "переадресован", "переадресовано"),
    // Reports
    ("reports.title", "smdrbox: reports", "smdrbox: отчёты", "smdrbox: звіти"),
    ("reports.h1", "Reports", "Отчёты", "Звіти"),
    (
        "reports.month",
        "Download last month ({}) for Excel",
        "Скачать прошлый месяц ({}) для Excel",
        "Завантажити минулий місяць ({}) для Excel",
    ),
    (
        "reports.month_what",
        "every report and every call of the month in one workbook",
        "все отчёты и все звонки за месяц в одной книге",
        "усі звіти й усі дзвінки за місяць в одній книзі",
    ),
    (
        "reports.period",
        "Period {}; each report is also an Excel workbook, a CSV and JSON.",
        "Период: {}; каждый отчёт можно скачать как книгу Excel, CSV и JSON.",
        "Період: {}; кожен звіт можна завантажити як книгу Excel, CSV і JSON.",
    ),
    ("form.from", "From", "С", "З"),
    ("form.to", "to", "по", "по"),
    ("form.show", "Show", "Показать", "Показати"),
    ("dl.excel", "Excel", "Excel", "Excel"),
    ("dl.csv_comma_title", "fields split by commas", "поля через запятую", "поля через кому"),
    (
        "dl.csv_semicolon_title",
        "fields split by semicolons, for Excel in Russian or Ukrainian",
        "поля через точку с запятой, для русского или украинского Excel",
        "поля через крапку з комою, для українського або російського Excel",
    ),
    ("report.no_calls", "No calls in this period.", "За этот период звонков нет.", "За цей період дзвінків немає."),
    ("report.note", "Note: {}", "Примечание: {}", "Примітка: {}"),
    // Plural nouns
    ("n.call", "call|calls", "звонок|звонка|звонков", "дзвінок|дзвінки|дзвінків"),
    ("n.record", "record|records", "запись|записи|записей", "запис|записи|записів"),
    ("n.line", "line|lines", "строка|строки|строк", "рядок|рядки|рядків"),
    // Workbook sheets and heads
    ("xlsx.figures", "Figures", "Показатели", "Показники"),
    ("xlsx.table", "Table", "Таблица", "Таблиця"),
    ("xlsx.calls", "Calls", "Звонки", "Дзвінки"),
    ("xlsx.report", "Report", "Отчёт", "Звіт"),
    ("xlsx.figure", "Figure", "Показатель", "Показник"),
    ("xlsx.value", "Value", "Значение", "Значення"),
    ("xlsx.note", "Note", "Примечание", "Примітка"),
    ("xlsx.from", "From", "С", "З"),
    ("xlsx.to", "To", "По", "По"),
    (
        "xlsx.left_out",
        "{} more calls do not fit in a sheet: download the CSV",
        "Не поместилось на лист: {}; скачайте CSV",
        "Не вмістилося на аркуш: {}; завантажте CSV",
    ),
    // The calls CSV's and sheet's header (English: the column names, unchanged)
    ("col.seq", "seq", "№ строки", "№ рядка"),
    ("col.date", "date", "Дата", "Дата"),
    ("col.time", "time", "Время", "Час"),
    ("col.time_is", "time_is", "Время означает", "Час означає"),
    ("col.direction", "direction", "Направление", "Напрямок"),
    ("col.extension", "extension", "Внутренний номер", "Внутрішній номер"),
    ("col.trunk", "trunk", "Линия", "Лінія"),
    ("col.number", "number", "Номер", "Номер"),
    ("col.caller_name", "caller_name", "Имя абонента", "Ім’я абонента"),
    ("col.ddi", "ddi", "DDI", "DDI"),
    ("col.ring_secs", "ring_secs", "Ожидание, с", "Очікування, с"),
    ("col.duration_secs", "duration_secs", "Разговор, с", "Розмова, с"),
    ("col.duration", "duration", "Разговор", "Розмова"),
    ("col.cost", "cost", "Стоимость", "Вартість"),
    ("col.currency", "currency", "Валюта", "Валюта"),
    ("col.account_code", "account_code", "Код счёта", "Код рахунку"),
    ("col.condition", "condition", "Код состояния", "Код стану"),
    ("col.unanswered", "unanswered", "Без ответа", "Без відповіді"),
    ("col.transferred", "transferred", "Переведён", "Переведено"),
    ("col.forwarded", "forwarded", "Переадресован", "Переадресовано"),
    ("col.received_at", "received_at", "Получено", "Отримано"),
    ("col.source", "source", "Источник", "Джерело"),
    ("col.name", "name", "Имя в справочнике", "Ім’я в довіднику"),
    ("col.tag", "tag", "Метка", "Мітка"),
    ("col.hms", "h:mm:ss", "ч:мм:сс", "год:хв:с"),
    // Report titles and what they answer, by report name
    ("summary.title", "Calls, lost calls and waiting", "Звонки, пропущенные звонки и ожидание", "Дзвінки, пропущені дзвінки та очікування"),
    (
        "summary.about",
        "How many calls came in, how many were lost, how fast were they answered",
        "Сколько звонков поступило, сколько пропущено, как быстро отвечали",
        "Скільки дзвінків надійшло, скільки пропущено, як швидко відповідали",
    ),
    ("operators.title", "Operators: who answers, who does not", "Операторы: кто отвечает, а кто нет", "Оператори: хто відповідає, а хто ні"),
    (
        "operators.about",
        "Who answers, who does not: calls offered, answered and missed per extension, waits, talk",
        "Кто отвечает, а кто нет: поступившие, принятые и пропущенные звонки по внутренним номерам, ожидание, разговоры",
        "Хто відповідає, а хто ні: вхідні, прийняті й пропущені дзвінки за внутрішніми номерами, очікування, розмови",
    ),
    ("durations.title", "Conversation length", "Длительность разговоров", "Тривалість розмов"),
    (
        "durations.about",
        "How long conversations last: short, medium and long calls per operator and per line",
        "Сколько длятся разговоры: короткие, средние и длинные звонки по операторам и линиям",
        "Скільки тривають розмови: короткі, середні й довгі дзвінки за операторами та лініями",
    ),
    ("repeat.title", "Repeat and new callers", "Повторные и новые абоненты", "Повторні та нові абоненти"),
    (
        "repeat.about",
        "Who called several times, and how many callers are new or known",
        "Кто звонил несколько раз и сколько абонентов новых, а сколько знакомых",
        "Хто дзвонив кілька разів і скільки абонентів нових, а скільки знайомих",
    ),
    ("lost.title", "Lost calls and callbacks", "Пропущенные звонки и перезвоны", "Пропущені дзвінки та передзвони"),
    (
        "lost.about",
        "The morning worklist: every lost call and whether anyone called back",
        "Утренний список дел: каждый пропущенный звонок и перезвонил ли кто-нибудь",
        "Ранковий список справ: кожен пропущений дзвінок і чи передзвонив хтось",
    ),
    ("lines.title", "Calls per line and channel", "Звонки по линиям и каналам", "Дзвінки за лініями та каналами"),
    (
        "lines.about",
        "Which line or advertising channel brings calls and which loses them",
        "Какая линия или рекламный канал приносит звонки, а какая их теряет",
        "Яка лінія чи рекламний канал приносить дзвінки, а яка їх втрачає",
    ),
    ("cost.title", "Outgoing calls and their cost", "Исходящие звонки и их стоимость", "Вихідні дзвінки та їх вартість"),
    (
        "cost.about",
        "What outgoing calls cost, per extension",
        "Сколько стоят исходящие звонки, по внутренним номерам",
        "Скільки коштують вихідні дзвінки, за внутрішніми номерами",
    ),
    ("load.title", "When do calls come", "Когда поступают звонки", "Коли надходять дзвінки"),
    (
        "load.about",
        "When calls come: incoming calls by hour and weekday, traffic per hour and the busy hour",
        "Когда поступают звонки: входящие по часам и дням недели, нагрузка по часам и час наибольшей нагрузки",
        "Коли надходять дзвінки: вхідні за годинами та днями тижня, навантаження за годинами й година найбільшого навантаження",
    ),
    ("sufficiency.title", "Are there enough lines and operators", "Хватает ли линий и операторов", "Чи вистачає ліній і операторів"),
    (
        "sufficiency.about",
        "Are there enough lines and operators: all lines busy, calls blocked before the PBX, lines and operators needed",
        "Хватает ли линий и операторов: все линии заняты, звонки, не дошедшие до АТС, сколько нужно линий и операторов",
        "Чи вистачає ліній і операторів: усі лінії зайняті, дзвінки, що не дійшли до АТС, скільки потрібно ліній і операторів",
    ),
    // Login, first visit, account (src/web/login.rs, src/web/account.rs)
    ("nav.settings", "Settings", "Настройки", "Налаштування"),
    ("nav.phonebook", "Phonebook", "Справочник", "Довідник"),
    // Wallboard (src/web/wallboard.rs)
    ("nav.wallboard", "Wallboard", "Табло", "Табло"),
    ("wall.title", "smdrbox: wallboard", "smdrbox: табло", "smdrbox: табло"),
    ("wall.today", "Today, {}", "Сегодня, {}", "Сьогодні, {}"),
    ("wall.incoming", "Incoming", "Входящие", "Вхідні"),
    ("wall.answered", "Answered", "Отвечены", "Прийняті"),
    ("wall.lost", "Lost", "Потеряны", "Втрачені"),
    ("wall.waiting_n", "Not called back", "Не перезвонили", "Не передзвонили"),
    ("wall.sl", "Service level", "Уровень обслуживания", "Рівень обслуговування"),
    ("wall.hour", "This hour ({}) against the same hour last week", "Этот час ({}) против того же часа неделю назад", "Ця година ({}) проти тієї ж години тиждень тому"),
    ("wall.last_week", "last week: {}", "неделю назад: {}", "тиждень тому: {}"),
    ("wall.waiting", "Lost, not yet called back", "Потерянные, ещё не перезвонили", "Втрачені, ще не передзвонили"),
    ("wall.none", "Nobody: every lost caller has been reached", "Никого: всем потерянным перезвонили", "Нікого: всім втраченим передзвонили"),
    ("wall.no_number", "no caller ID", "номер не определён", "номер не визначено"),
    ("wall.unavailable", "Figures unavailable: {}", "Данные недоступны: {}", "Дані недоступні: {}"),
    ("login.title", "smdrbox: log in", "smdrbox: вход", "smdrbox: вхід"),
    ("login.h1", "Log in", "Вход", "Вхід"),
    ("login.button", "Log in", "Войти", "Увійти"),
    ("login.user", "User", "Пользователь", "Користувач"),
    ("login.password", "Password", "Пароль", "Пароль"),
    (
        "login.notice",
        "Call records hold customers' and staff's phone numbers: this page needs a login. \
         Forgotten the admin password? Set <code>[web] admin_password_hash</code> in the \
         configuration (<code>smdrbox password-hash</code> makes one) and restart.",
        "Записи о звонках содержат номера телефонов клиентов и сотрудников: для этой страницы \
         нужен вход. Забыли пароль администратора? Задайте <code>[web] admin_password_hash</code> \
         в настройках (его создаёт <code>smdrbox password-hash</code>) и перезапустите.",
        "Записи про дзвінки містять номери телефонів клієнтів і працівників: для цієї сторінки \
         потрібен вхід. Забули пароль адміністратора? Задайте <code>[web] admin_password_hash</code> \
         у налаштуваннях (його створює <code>smdrbox password-hash</code>) і перезапустіть.",
    ),
    ("setup.title", "smdrbox: first visit", "smdrbox: первый вход", "smdrbox: перший вхід"),
    ("setup.h1", "Set the admin password", "Задайте пароль администратора", "Задайте пароль адміністратора"),
    (
        "setup.notice",
        "This box has no account yet. Choose the password of user <b>admin</b>, who can see \
         everything and add read-only accounts for managers. Do it now: until then, anyone on \
         this network who opens the page first can set it.",
        "На устройстве ещё нет учётных записей. Задайте пароль пользователя <b>admin</b>: он \
         видит всё и добавляет учётные записи менеджеров (только просмотр). Сделайте это сейчас: \
         до тех пор пароль может задать любой в этой сети, кто первым откроет страницу.",
        "На пристрої ще немає облікових записів. Задайте пароль користувача <b>admin</b>: він \
         бачить усе й додає облікові записи менеджерів (лише перегляд). Зробіть це зараз: доти \
         пароль може задати будь-хто в цій мережі, хто першим відкриє сторінку.",
    ),
    ("setup.again", "Again", "Ещё раз", "Ще раз"),
    ("setup.button", "Set and log in", "Задать и войти", "Задати й увійти"),
    ("account.title", "smdrbox: account", "smdrbox: учётная запись", "smdrbox: обліковий запис"),
    ("account.as", "Logged in as <b>{}</b> ({}).", "Вы вошли как <b>{}</b> ({}).", "Ви ввійшли як <b>{}</b> ({})."),
    (
        "account.from_config",
        "This account's password is set in the configuration (<code>[web] admin_password_hash</code>).",
        "Пароль этой учётной записи задан в настройках (<code>[web] admin_password_hash</code>).",
        "Пароль цього облікового запису задано в налаштуваннях (<code>[web] admin_password_hash</code>).",
    ),
    ("account.change_h", "Change my password", "Сменить пароль", "Змінити пароль"),
    ("account.current", "Current", "Текущий", "Поточний"),
    ("account.new", "New", "Новый", "Новий"),
    ("account.change", "Change", "Сменить", "Змінити"),
    ("account.accounts", "Accounts", "Учётные записи", "Облікові записи"),
    ("account.role", "Role", "Роль", "Роль"),
    ("account.remove", "Remove", "Удалить", "Видалити"),
    ("account.in_config", "set in the configuration", "задан в настройках", "задано в налаштуваннях"),
    ("account.add_h", "Add or replace an account", "Добавить или заменить учётную запись", "Додати або замінити обліковий запис"),
    ("account.manager_ro", "manager (read only)", "менеджер (только просмотр)", "менеджер (лише перегляд)"),
    ("account.save", "Save", "Сохранить", "Зберегти"),
    ("role.admin", "admin", "администратор", "адміністратор"),
    ("role.manager", "manager", "менеджер", "менеджер"),
    // Their messages
    ("msg.wrong_login", "Wrong user name or password.", "Неверное имя пользователя или пароль.", "Неправильне ім’я користувача або пароль."),
    ("msg.expired_login", "The form had expired: please log in again.", "Срок действия формы истёк: войдите снова.", "Термін дії форми минув: увійдіть знову."),
    (
        "msg.expired_setup",
        "The form had expired: please enter the password again.",
        "Срок действия формы истёк: введите пароль снова.",
        "Термін дії форми минув: введіть пароль знову.",
    ),
    (
        "msg.too_many_logins",
        "Too many failed logins from this address: try again in {} s.",
        "Слишком много неудачных входов с этого адреса: повторите через {} с.",
        "Забагато невдалих входів із цієї адреси: спробуйте ще раз через {} с.",
    ),
    (
        "msg.too_many_passwords",
        "Too many wrong passwords from this address: try again in {} s.",
        "Слишком много неверных паролей с этого адреса: повторите через {} с.",
        "Забагато неправильних паролів із цієї адреси: спробуйте ще раз через {} с.",
    ),
    ("msg.accounts_unreadable", "The accounts cannot be read: {}", "Не удаётся прочитать учётные записи: {}", "Не вдається прочитати облікові записи: {}"),
    ("msg.passwords_differ", "The two passwords differ.", "Пароли не совпадают.", "Паролі не збігаються."),
    ("msg.new_passwords_differ", "The two new passwords differ.", "Новые пароли не совпадают.", "Нові паролі не збігаються."),
    ("msg.current_wrong", "The current password is wrong.", "Текущий пароль неверен.", "Поточний пароль неправильний."),
    (
        "msg.config_password",
        "This account's password is set in the configuration ([web] admin_password_hash).",
        "Пароль этой учётной записи задан в настройках ([web] admin_password_hash).",
        "Пароль цього облікового запису задано в налаштуваннях ([web] admin_password_hash).",
    ),
    ("msg.role", "A role is admin or manager.", "Роль: admin или manager.", "Роль: admin або manager."),
    (
        "msg.password_changed",
        "Your password is changed; your other sessions are logged out.",
        "Пароль изменён; другие ваши сеансы завершены.",
        "Пароль змінено; інші ваші сеанси завершено.",
    ),
    ("msg.saved", "The account is saved.", "Учётная запись сохранена.", "Обліковий запис збережено."),
    ("msg.removed", "The account is removed.", "Учётная запись удалена.", "Обліковий запис видалено."),
    // Settings (src/web/settings.rs)
    ("settings.title", "Settings", "Настройки", "Налаштування"),
    ("settings.saved", "Saved. The reports use the new settings from now on.", "Сохранено. Отчёты уже используют новые настройки.", "Збережено. Звіти вже використовують нові налаштування."),
    ("settings.not_saved", "Nothing was saved: correct the fields marked below.", "Ничего не сохранено: исправьте отмеченные ниже поля.", "Нічого не збережено: виправте позначені нижче поля."),
    (
        "settings.no_config",
        "Settings are not available: the server was started without a configuration file.",
        "Настройки недоступны: сервер запущен без файла настроек.",
        "Налаштування недоступні: сервер запущено без файлу налаштувань.",
    ),
    (
        "settings.read_only",
        "You can see the settings; only an admin can change them.",
        "Вы видите настройки; изменить их может только администратор.",
        "Ви бачите налаштування; змінити їх може лише адміністратор.",
    ),
    ("settings.file_is", "Settings file", "Файл настроек", "Файл налаштувань"),
    ("settings.saved_to", "Saved to", "Сохранено в", "Збережено в"),
    (
        "settings.overrides",
        "it overrides the same sections of the main configuration",
        "он заменяет те же разделы основной конфигурации",
        "він замінює ті самі розділи основної конфігурації",
    ),
    (
        "settings.refused_file",
        "The settings file is refused, so the main configuration's values are shown and used; saving this page writes a new settings file",
        "Файл настроек отклонён, поэтому показаны и действуют значения основной конфигурации; сохранение этой страницы запишет новый файл настроек",
        "Файл налаштувань відхилено, тому показано й діють значення основної конфігурації; збереження цієї сторінки запише новий файл налаштувань",
    ),
    ("settings.names", "Names", "Названия", "Назви"),
    ("settings.extensions", "Extensions", "Внутренние номера", "Внутрішні номери"),
    (
        "settings.extensions_help",
        "One per line: extension = name, e.g. 101 = Anna",
        "По одному в строке: внутренний номер = имя, например 101 = Анна",
        "По одному в рядку: внутрішній номер = ім’я, наприклад 101 = Ганна",
    ),
    ("settings.lines", "Lines", "Линии", "Лінії"),
    (
        "settings.lines_help",
        "One per line: line (CO) number = name, e.g. 01 = Main line",
        "По одной в строке: номер линии (CO) = название, например 01 = Основная линия",
        "По одній у рядку: номер лінії (CO) = назва, наприклад 01 = Основна лінія",
    ),
    (
        "settings.dids",
        "Numbers dialled (DID/DDI): advertising channels",
        "Набранные номера (DID/DDI): рекламные каналы",
        "Набрані номери (DID/DDI): рекламні канали",
    ),
    (
        "settings.dids_help",
        "One per line: the number callers dialled = channel, e.g. 0800123456 = Google Ads",
        "По одному в строке: номер, который набрал абонент = канал, например 0800123456 = Google Ads",
        "По одному в рядку: номер, який набрав абонент = канал, наприклад 0800123456 = Google Ads",
    ),
    ("settings.hours", "Working hours", "Рабочие часы", "Робочі години"),
    (
        "settings.hours_help",
        "The box's local time. Opening-closing, e.g. 09:00-18:00, or several: 09:00-13:00, \
         14:00-18:00. Empty: closed. Service level and lost share count the calls that began \
         within working hours; calls lost outside them are shown apart. All days empty: every \
         hour counts as working.",
        "Местное время устройства. Открытие-закрытие, например 09:00-18:00, или несколько: \
         09:00-13:00, 14:00-18:00. Пусто: выходной. Уровень обслуживания и доля пропущенных \
         считаются по звонкам, начавшимся в рабочие часы; пропущенные вне их показаны отдельно. \
         Все дни пусты: рабочим считается любой час.",
        "Місцевий час пристрою. Відкриття-закриття, наприклад 09:00-18:00, або кілька: \
         09:00-13:00, 14:00-18:00. Порожньо: вихідний. Рівень обслуговування й частку пропущених \
         рахують за дзвінками, що почалися в робочі години; пропущені поза ними показано окремо. \
         Усі дні порожні: робочою вважається будь-яка година.",
    ),
    ("settings.holidays", "Holidays (closed all day)", "Праздники (весь день выходной)", "Свята (вихідний увесь день)"),
    (
        "settings.holidays_help",
        "Dates like 2026-12-31, separated by spaces or new lines",
        "Даты вида 2026-12-31 через пробел или с новой строки",
        "Дати на зразок 2026-12-31 через пробіл або з нового рядка",
    ),
    ("settings.closed", "closed", "выходной", "вихідний"),
    ("settings.not_set", "not set: every hour counts as working", "не заданы: рабочим считается любой час", "не задано: робочою вважається будь-яка година"),
    ("settings.service_level", "Service level", "Уровень обслуживания", "Рівень обслуговування"),
    ("settings.sl_label", "Answered within (seconds)", "Ответ в течение (секунд)", "Відповідь протягом (секунд)"),
    (
        "settings.sl_help",
        "A call answered within this many seconds of ringing counts as answered in time (1 to 3600).",
        "Звонок, принятый за это число секунд от начала вызова, считается принятым вовремя (от 1 до 3600).",
        "Дзвінок, прийнятий за цю кількість секунд від початку виклику, вважається прийнятим вчасно (від 1 до 3600).",
    ),
    ("settings.tariffs", "Tariffs", "Тарифы", "Тарифи"),
    ("settings.currency", "Currency", "Валюта", "Валюта"),
    (
        "settings.currency_help",
        "Of the prices below, e.g. EUR (or what the PBX prints, e.g. EU, to add them up)",
        "Цен ниже, например EUR (или как её печатает АТС, например EU, чтобы суммировать их)",
        "Цін нижче, наприклад EUR (або як її друкує АТС, наприклад EU, щоб підсумовувати їх)",
    ),
    ("settings.tariff_table", "Tariff table", "Таблица тарифов", "Таблиця тарифів"),
    (
        "settings.tariff_help",
        "One row per line: prefix; name; price per minute; setup; billing seconds. E.g. 00; \
         International; 0.12; 0.05; 60. The longest matching prefix wins; name, setup (0) and \
         billing (60 s) may be left out. Empty: no estimates.",
        "По одной строке на тариф: префикс; название; цена минуты; плата за соединение; шаг \
         тарификации в секундах. Например 00; Международные; 0.12; 0.05; 60. Действует самый \
         длинный подходящий префикс; название, плату за соединение (0) и шаг (60 с) можно не \
         указывать. Пусто: без оценки стоимости.",
        "По одному рядку на тариф: префікс; назва; ціна хвилини; плата за з’єднання; крок \
         тарифікації в секундах. Наприклад 00; Міжнародні; 0.12; 0.05; 60. Діє найдовший \
         відповідний префікс; назву, плату за з’єднання (0) і крок (60 с) можна не вказувати. \
         Порожньо: без оцінки вартості.",
    ),
    ("settings.save", "Save", "Сохранить", "Зберегти"),
    ("settings.none", "none", "нет", "немає"),
    ("settings.cannot_write", "cannot be changed from this page", "нельзя изменить с этой страницы", "не можна змінити з цієї сторінки"),
    (
        "settings.cannot_write_help",
        "The settings are shown read-only. Let the smdrbox service write to the database's \
         directory (the settings file lives there), or change them in the main configuration \
         file (check it with smdrbox check-config) and restart the service.",
        "Настройки показаны только для просмотра. Дайте службе smdrbox право записи в каталог \
         базы данных (файл настроек хранится там) или измените их в основном файле конфигурации \
         (проверьте его командой smdrbox check-config) и перезапустите службу.",
        "Налаштування показано лише для перегляду. Дайте службі smdrbox право запису в каталог \
         бази даних (файл налаштувань зберігається там) або змініть їх в основному файлі \
         конфігурації (перевірте його командою smdrbox check-config) і перезапустіть службу.",
    ),
    ("day.mon", "Monday", "Понедельник", "Понеділок"),
    ("day.tue", "Tuesday", "Вторник", "Вівторок"),
    ("day.wed", "Wednesday", "Среда", "Середа"),
    ("day.thu", "Thursday", "Четверг", "Четвер"),
    ("day.fri", "Friday", "Пятница", "П’ятниця"),
    ("day.sat", "Saturday", "Суббота", "Субота"),
    ("day.sun", "Sunday", "Воскресенье", "Неділя"),
    // Phonebook (src/web/phonebook.rs) and its tags
    ("phonebook.title", "Phonebook", "Справочник", "Довідник"),
    (
        "phonebook.about",
        "Names and tags of outside numbers. The reports show them beside the number: lost \
         calls, callbacks, repeat callers, the calls download.",
        "Имена и метки внешних номеров. Отчёты показывают их рядом с номером: пропущенные \
         звонки, перезвоны, повторные абоненты, выгрузка звонков.",
        "Імена й мітки зовнішніх номерів. Звіти показують їх поруч із номером: пропущені \
         дзвінки, передзвони, повторні абоненти, вивантаження дзвінків.",
    ),
    ("phonebook.empty", "The phonebook is empty.", "Справочник пуст.", "Довідник порожній."),
    ("phonebook.search", "Search number or name", "Поиск по номеру или имени", "Пошук за номером або ім’ям"),
    ("phonebook.find", "Find", "Найти", "Знайти"),
    ("phonebook.download", "Download as CSV", "Скачать CSV", "Завантажити CSV"),
    ("phonebook.upload_h", "Replace the phonebook", "Заменить справочник", "Замінити довідник"),
    (
        "phonebook.upload_help",
        "A CSV file (UTF-8 or Windows-1251, fields split by , or ;): number, name, tag, note; \
         an optional first row naming the columns (number/name/tag, номер/имя/метка, \
         номер/ім'я/мітка). Tags: customer, vip, staff_family, competitor. The whole book is \
         replaced; a file with any bad line changes nothing.",
        "Файл CSV (UTF-8 или Windows-1251, поля через , или ;): номер, имя, метка, примечание; \
         первая строка может называть столбцы (номер/имя/метка, number/name/tag). Метки: \
         клиент, vip, семья, конкурент (или customer, vip, staff_family, competitor). \
         Справочник заменяется целиком; файл хотя бы с одной ошибочной строкой ничего не меняет.",
        "Файл CSV (UTF-8 або Windows-1251, поля через , або ;): номер, ім’я, мітка, примітка; \
         перший рядок може називати стовпці (номер/ім'я/мітка, number/name/tag). Мітки: \
         клієнт, vip, родина, конкурент (або customer, vip, staff_family, competitor). \
         Довідник замінюється повністю; файл хоча б з одним помилковим рядком нічого не змінює.",
    ),
    ("phonebook.upload", "Upload", "Загрузить", "Завантажити"),
    ("phonebook.numbers", "numbers", "номеров", "номерів"),
    ("phonebook.refused", "The file was not taken; the phonebook is unchanged.", "Файл не принят; справочник не изменён.", "Файл не прийнято; довідник не змінено."),
    ("phonebook.no_file", "Choose a CSV file to upload.", "Выберите файл CSV для загрузки.", "Виберіть файл CSV для завантаження."),
    ("phonebook.saved", "Phonebook replaced: {} numbers.", "Справочник заменён, номеров: {}.", "Довідник замінено, номерів: {}."),
    ("phonebook.admin_only", "Only an admin may change the phonebook.", "Изменять справочник может только администратор.", "Змінювати довідник може лише адміністратор."),
    ("phonebook.number", "number", "номер", "номер"),
    ("phonebook.name", "name", "имя", "ім’я"),
    ("phonebook.tag", "tag", "метка", "мітка"),
    ("phonebook.note", "note", "примечание", "примітка"),
    ("tag.none", "no tag", "без метки", "без мітки"),
    ("tag.customer", "customer", "клиент", "клієнт"),
    ("tag.vip", "VIP", "VIP", "VIP"),
    ("tag.staff_family", "staff family", "семья сотрудника", "родина працівника"),
    ("tag.competitor", "competitor", "конкурент", "конкурент"),
];

/// The reports' words (and the status verdicts' and LED table's), by their English text.
/// `{}` stands for what the core fills in (numbers, names, other known texts).
pub const REPORT: &[Msg] = &[
    // Shared table heads and series
    ("", "Day", "День", "День"),
    ("", "Incoming", "Входящие", "Вхідні"),
    ("", "Answered", "Принятые", "Прийняті"),
    ("", "Lost", "Пропущенные", "Пропущені"),
    ("", "Lost %", "Пропущено, %", "Пропущено, %"),
    ("", "Service level", "Уровень обслуживания", "Рівень обслуговування"),
    ("", "Average wait before answer", "Среднее ожидание ответа", "Середнє очікування відповіді"),
    ("", "Outgoing", "Исходящие", "Вихідні"),
    ("", "Internal", "Внутренние", "Внутрішні"),
    ("", "Extension", "Внутренний номер", "Внутрішній номер"),
    ("", "Talk time", "Время разговоров", "Час розмов"),
    ("", "Incoming calls", "Входящие звонки", "Вхідні дзвінки"),
    ("", "Outgoing calls", "Исходящие звонки", "Вихідні дзвінки"),
    ("", "Internal calls", "Внутренние звонки", "Внутрішні дзвінки"),
    ("", "Line", "Линия", "Лінія"),
    ("", "Hour", "Час", "Година"),
    ("", "Busy hour", "Час наибольшей нагрузки", "Година найбільшого навантаження"),
    ("", "Callers", "Абоненты", "Абоненти"),
    ("", "Calls", "Звонки", "Дзвінки"),
    ("", "Number", "Номер", "Номер"),
    ("", "Name", "Имя", "Ім’я"),
    ("", "Caller", "Абонент", "Абонент"),
    ("", "Cost", "Стоимость", "Вартість"),
    ("", "Currency", "Валюта", "Валюта"),
    ("", "Connected", "Соединено", "З’єднано"),
    ("", "Forwarded outside", "Переадресовано наружу", "Переадресовано назовні"),
    ("", "Calls without caller ID", "Звонки без номера абонента", "Дзвінки без номера абонента"),
    ("", "answered", "принят", "прийнято"),
    ("", "lost", "пропущен", "пропущено"),
    ("", "yes", "да", "так"),
    ("", "no", "нет", "ні"),
    ("", "all", "все", "усі"),
    ("", "incoming", "входящие", "вхідні"),
    ("", "outgoing", "исходящие", "вихідні"),
    ("", "calls", "звонки", "дзвінки"),
    // summary
    ("", "Answered within {} s", "Отвечено за {} с", "Прийнято за {} с"),
    ("", "Service level ({} s)", "Уровень обслуживания ({} с)", "Рівень обслуговування ({} с)"),
    ("", "Longest wait, answered", "Самое долгое ожидание, принятые", "Найдовше очікування, прийняті"),
    ("", "Longest wait, lost", "Самое долгое ожидание, пропущенные", "Найдовше очікування, пропущені"),
    ("", "Outgoing talk time", "Время исходящих разговоров", "Час вихідних розмов"),
    ("", "Outgoing not connected", "Исходящие без соединения", "Вихідні без з’єднання"),
    ("", "Answered and lost calls per day", "Принятые и пропущенные звонки по дням", "Прийняті та пропущені дзвінки за днями"),
    ("", "calls that reached the PBX (offered)", "звонки, дошедшие до АТС (поступившие)", "дзвінки, що дійшли до АТС (надійшли)"),
    ("", "nobody answered", "никто не ответил", "ніхто не відповів"),
    ("", "lost {}", "пропущено {}", "пропущено {}"),
    ("", "abandonment rate", "доля брошенных звонков", "частка покинутих дзвінків"),
    ("", "rang at most {} s before somebody answered", "звонок длился не более {} с до ответа", "виклик тривав не більше {} с до відповіді"),
    ("", "answered within {} s, {}", "отвечено за {} с, {}", "прийнято за {} с, {}"),
    ("", "over offered calls", "от поступивших звонков", "від дзвінків, що надійшли"),
    ("", "over answered calls", "от принятых звонков", "від прийнятих дзвінків"),
    (
        "",
        "over offered calls, hang-ups within {} s left out",
        "от поступивших звонков, без сброшенных в первые {} с",
        "від дзвінків, що надійшли, без скинутих у перші {} с",
    ),
    (
        "",
        "average speed of answer: mean ring time of answered calls",
        "средняя скорость ответа: среднее время звонка до ответа у принятых звонков",
        "середня швидкість відповіді: середній час виклику до відповіді в прийнятих дзвінків",
    ),
    ("", "the longest a caller rang before an answer", "дольше всего абонент ждал ответа", "найдовше абонент чекав на відповідь"),
    (
        "",
        "the longest a lost caller rang before hanging up",
        "дольше всего ждал абонент, который так и не дождался ответа",
        "найдовше чекав абонент, який так і не дочекався відповіді",
    ),
    (
        "",
        "busy, unanswered or failed: the printout does not tell which",
        "занято, нет ответа или ошибка: по распечатке АТС не различить",
        "зайнято, немає відповіді або помилка: за роздруківкою АТС не розрізнити",
    ),
    ("", "{} of them consultations before a transfer", "из них консультаций перед переводом: {}", "з них консультацій перед переведенням: {}"),
    (
        "",
        "{} of them forwarded to an outside number and answered there",
        "из них переадресовано на внешний номер и принято там: {}",
        "з них переадресовано на зовнішній номер і прийнято там: {}",
    ),
    ("", "no calls to count", "нет звонков для подсчёта", "немає дзвінків для підрахунку"),
    (
        "",
        "The period is longer than {} days: only days with calls are listed.",
        "Период длиннее {} дней: показаны только дни со звонками.",
        "Період довший за {} днів: показано лише дні з дзвінками.",
    ),
    // operators
    ("", "Answered and not answered per extension", "Принятые и непринятые по внутренним номерам", "Прийняті й неприйняті за внутрішніми номерами"),
    ("", "Answered by an extension", "Принято внутренними номерами", "Прийнято внутрішніми номерами"),
    ("", "Answered of offered", "Принято от поступивших", "Прийнято від тих, що надійшли"),
    ("", "Average talk per call", "Средний разговор на звонок", "Середня розмова на дзвінок"),
    ("", "Calls offered", "Поступило звонков", "Надійшло дзвінків"),
    ("", "Calls transferred", "Переведено звонков", "Переведено дзвінків"),
    ("", "Extensions that answered calls", "Внутренние номера, принимавшие звонки", "Внутрішні номери, що приймали дзвінки"),
    ("", "Forwarded to an outside number", "Переадресовано на внешний номер", "Переадресовано на зовнішній номер"),
    ("", "Longest wait before answer", "Самое долгое ожидание ответа", "Найдовше очікування відповіді"),
    ("", "Outgoing talk", "Исходящие разговоры", "Вихідні розмови"),
    ("", "Rang without an answer", "Звонил без ответа", "Дзвонив без відповіді"),
    ("", "Rang, not answered", "Звонил, не ответили", "Дзвонив, не відповіли"),
    ("", "Received by transfer", "Получено переводом", "Отримано переведенням"),
    ("", "Transferred on", "Переведено дальше", "Переведено далі"),
    (
        "",
        "incoming calls, counted for who picked them up first",
        "входящие звонки, засчитаны тому, кто ответил первым",
        "вхідні дзвінки, зараховані тому, хто відповів першим",
    ),
    (
        "",
        "rings at an extension that did not pick up, one per call and extension",
        "звонки на внутренний номер, который не ответил: один на звонок и номер",
        "виклики на внутрішній номер, який не відповів: один на дзвінок і номер",
    ),
    // durations
    ("", "All answered incoming", "Все принятые входящие", "Усі прийняті вхідні"),
    ("", "All connected outgoing", "Все соединённые исходящие", "Усі з’єднані вихідні"),
    ("", "Average talk", "Средний разговор", "Середня розмова"),
    ("", "Conversations", "Разговоры", "Розмови"),
    ("", "Direction", "Направление", "Напрямок"),
    ("", "Grouped by", "Группировка", "Групування"),
    ("", "Incoming conversations by length, per extension", "Входящие разговоры по длительности, по внутренним номерам", "Вхідні розмови за тривалістю, за внутрішніми номерами"),
    ("", "Long", "Длинные", "Довгі"),
    ("", "Long %", "Длинные, %", "Довгі, %"),
    ("", "Medium", "Средние", "Середні"),
    ("", "Medium %", "Средние, %", "Середні, %"),
    ("", "Short", "Короткие", "Короткі"),
    ("", "Short %", "Короткие, %", "Короткі, %"),
    ("", "Who or which line", "Кто или какая линия", "Хто або яка лінія"),
    ("", "answered incoming", "принятые входящие", "прийняті вхідні"),
    ("", "connected outgoing", "соединённые исходящие", "з’єднані вихідні"),
    ("", "Answered incoming", "Принятые входящие", "Прийняті вхідні"),
    ("", "Connected outgoing", "Соединённые исходящие", "З’єднані вихідні"),
    ("", "{} calls", "{}: звонки", "{}: дзвінки"),
    ("", "{}, average talk", "{}: средний разговор", "{}: середня розмова"),
    ("", "{}, long %", "{}: длинные, %", "{}: довгі, %"),
    ("", "{}, long", "{}: длинные", "{}: довгі"),
    ("", "{}, short %", "{}: короткие, %", "{}: короткі, %"),
    ("", "{}, short", "{}: короткие", "{}: короткі"),
    ("", "talk under {} s", "разговор короче {} с", "розмова коротша за {} с"),
    ("", "talk of {} s or more", "разговор {} с и дольше", "розмова {} с і довше"),
    ("", "short calls over all {} calls", "доля коротких среди всех звонков: {}", "частка коротких серед усіх дзвінків: {}"),
    ("", "long calls over all {} calls", "доля длинных среди всех звонков: {}", "частка довгих серед усіх дзвінків: {}"),
    (
        "",
        "Short: talk under {} s; long: {} s or more; medium: in between.",
        "Короткие: разговор короче {} с; длинные: {} с и дольше; средние: между ними.",
        "Короткі: розмова коротша за {} с; довгі: {} с і довше; середні: між ними.",
    ),
    // repeat
    ("", "Before", "Раньше", "Раніше"),
    ("", "Called before the period", "Звонили до периода", "Дзвонили до періоду"),
    ("", "Called several times, never got through", "Звонили несколько раз, так и не дозвонились", "Дзвонили кілька разів, так і не додзвонилися"),
    ("", "Called two or more times", "Звонили два раза и больше", "Дзвонили двічі й більше"),
    ("", "Callers by number of calls in the period", "Абоненты по числу звонков за период", "Абоненти за кількістю дзвінків за період"),
    ("", "Calls from them", "Звонков от них", "Дзвінків від них"),
    ("", "Different callers", "Разных абонентов", "Різних абонентів"),
    ("", "First call", "Первый звонок", "Перший дзвінок"),
    ("", "Got through", "Дозвонились", "Додзвонилися"),
    ("", "Known callers", "Знакомые абоненты", "Знайомі абоненти"),
    ("", "Last call", "Последний звонок", "Останній дзвінок"),
    ("", "Never got through", "Не дозвонились", "Не додзвонилися"),
    ("", "New callers", "Новые абоненты", "Нові абоненти"),
    ("", "numbers that called in the period", "номера, звонившие за период", "номери, що дзвонили за період"),
    ("", "no number to follow: counted apart", "номера нет, отследить нельзя: считаются отдельно", "номера немає, відстежити не можна: рахуються окремо"),
    (
        "",
        "no calls before the period were available, so every caller is new",
        "звонков до периода нет, поэтому все абоненты новые",
        "дзвінків до періоду немає, тому всі абоненти нові",
    ),
    // lost
    ("", "After", "Через", "Через"),
    ("", "Callback tracking", "Отслеживание перезвонов", "Відстеження передзвонів"),
    ("", "Callbacks not connected", "Перезвоны без соединения", "Передзвони без з’єднання"),
    ("", "Called at", "Время звонка", "Час дзвінка"),
    ("", "Called back", "Перезвонили", "Передзвонили"),
    ("", "Called back, share", "Перезвонили, доля", "Передзвонили, частка"),
    ("", "Calls seen up to", "Звонки учтены до", "Дзвінки враховано до"),
    ("", "Got through on their own", "Дозвонились сами", "Додзвонилися самі"),
    ("", "Longest time to callback", "Самый долгий срок перезвона", "Найдовший час до передзвону"),
    ("", "Lost again", "Снова пропущены", "Знову пропущені"),
    ("", "Lost calls per day, by what happened next", "Пропущенные звонки по дням и что было дальше", "Пропущені дзвінки за днями і що було далі"),
    ("", "Lost calls", "Пропущенные звонки", "Пропущені дзвінки"),
    ("", "Median time to callback", "Медианное время до перезвона", "Медіанний час до передзвону"),
    ("", "No caller ID", "Без номера", "Без номера"),
    ("", "Number dialled (DDI)", "Набранный номер (DDI)", "Набраний номер (DDI)"),
    ("", "Printed after", "Напечатано через", "Надруковано через"),
    ("", "Rang at", "Звонил в", "Дзвонив о"),
    ("", "Rang for", "Ждал", "Чекав"),
    ("", "Reached at", "Связались в", "Зв’язалися о"),
    ("", "Reached by", "Кто связался", "Хто зв’язався"),
    ("", "Still waiting", "Всё ещё ждут", "Досі чекають"),
    ("", "The morning worklist", "Утренний список дел", "Ранковий список справ"),
    ("", "Tried again, lost again", "Звонили снова, снова пропущены", "Дзвонили знову, знову пропущені"),
    ("", "Waiting since", "Ждёт с", "Чекає з"),
    ("", "What happened", "Что было дальше", "Що було далі"),
    ("", "called back", "перезвонили", "передзвонили"),
    ("", "got through", "дозвонился", "додзвонився"),
    ("", "no caller ID", "номер скрыт", "номер приховано"),
    ("", "tried again, lost again", "звонил снова, снова пропущен", "дзвонив знову, знову пропущено"),
    ("", "waiting", "ждёт", "чекає"),
    ("", "waiting since", "ждёт с", "чекає з"),
    ("", "waiting (incl. lost again)", "ждут (вкл. снова пропущенные)", "чекають (вкл. знову пропущені)"),
    ("", "rang", "звонил", "дзвонив"),
    (
        "",
        "incoming calls nobody answered, by the day they began",
        "входящие звонки, на которые никто не ответил, по дню начала",
        "вхідні дзвінки, на які ніхто не відповів, за днем початку",
    ),
    (
        "",
        "from the minute the caller hung up to the moment the callback connected",
        "от минуты, когда абонент положил трубку, до соединения при перезвоне",
        "від хвилини, коли абонент поклав слухавку, до з’єднання під час передзвону",
    ),
    (
        "",
        "nothing yet: no callback, no new call",
        "пока ничего: ни перезвона, ни нового звонка",
        "поки нічого: ні передзвону, ні нового дзвінка",
    ),
    (
        "",
        "only further lost calls, nobody reached them yet",
        "только новые пропущенные, с ними ещё никто не связался",
        "лише нові пропущені, з ними ще ніхто не зв’язався",
    ),
    (
        "",
        "the last call the report saw: callbacks after it are not known yet",
        "последний звонок, учтённый в отчёте: перезвоны после него пока неизвестны",
        "останній дзвінок, врахований у звіті: передзвони після нього поки невідомі",
    ),
    (
        "",
        "the number was withheld: these cannot be called back",
        "номер скрыт: на такие звонки нельзя перезвонить",
        "номер приховано: на такі дзвінки не можна передзвонити",
    ),
    (
        "",
        "within {} h after the caller hung up",
        "в течение {} ч после того, как абонент положил трубку",
        "протягом {} год після того, як абонент поклав слухавку",
    ),
    (
        "",
        "of the {} lost calls with caller ID; the others cannot be called back",
        "из {} пропущенных звонков с номером; на остальные перезвонить нельзя",
        "з {} пропущених дзвінків із номером; на решту передзвонити не можна",
    ),
    ("", "{} (forwarded outside)", "{} (переадресован наружу)", "{} (переадресовано назовні)"),
    ("", "{} (no number)", "{} (без номера)", "{} (без номера)"),
    // lines
    ("", "Answered and lost calls per line", "Принятые и пропущенные звонки по линиям", "Прийняті та пропущені дзвінки за лініями"),
    ("", "Call tracking by DID", "Отслеживание звонков по DID", "Відстеження дзвінків за DID"),
    ("", "DDI numbers called", "Набранные номера DDI", "Набрані номери DDI"),
    ("", "DDI {}", "DDI {}", "DDI {}"),
    ("", "First-time callers", "Звонят впервые", "Дзвонять уперше"),
    ("", "Kind", "Вид", "Вид"),
    ("", "Line or DDI", "Линия или DDI", "Лінія або DDI"),
    ("", "Lines with calls", "Линии со звонками", "Лінії з дзвінками"),
    ("", "Lost, share", "Пропущено, доля", "Пропущено, частка"),
    ("", "Repeat callers", "Повторные абоненты", "Повторні абоненти"),
    ("", "no line printed", "линия не напечатана", "лінію не надруковано"),
    ("", "lost / incoming", "пропущенные / входящие", "пропущені / вхідні"),
    (
        "",
        "lost / incoming, hang-ups within {} s left out",
        "пропущенные / входящие, без сброшенных в первые {} с",
        "пропущені / вхідні, без скинутих у перші {} с",
    ),
    (
        "",
        "distinct caller numbers; calls without caller ID not counted",
        "разные номера абонентов; звонки без номера не учитываются",
        "різні номери абонентів; дзвінки без номера не враховуються",
    ),
    (
        "",
        "numbers dialled by callers, when the PBX prints them",
        "номера, набранные абонентами, если АТС их печатает",
        "номери, набрані абонентами, якщо АТС їх друкує",
    ),
    ("", "Service level: {}. Lost share: {}.", "Уровень обслуживания: {}. Доля пропущенных: {}.", "Рівень обслуговування: {}. Частка пропущених: {}."),
    // cost
    ("", "Calls without a charge or tariff", "Звонки без тарификации и тарифа", "Дзвінки без тарифікації й тарифу"),
    ("", "Connected, share", "Соединено, доля", "З’єднано, частка"),
    ("", "Cost from", "Источник стоимости", "Джерело вартості"),
    ("", "Cost per extension", "Стоимость по внутренним номерам", "Вартість за внутрішніми номерами"),
    ("", "Cost{}", "Стоимость{}", "Вартість{}"),
    ("", "Forwarded talk time", "Время переадресованных разговоров", "Час переадресованих розмов"),
    ("", "Forwarded to outside numbers", "Переадресовано на внешние номера", "Переадресовано на зовнішні номери"),
    ("", "Of which estimated (tariff)", "Из них по тарифу (оценка)", "З них за тарифом (оцінка)"),
    ("", "Of which estimated from the tariff table{}", "Из них оценено по таблице тарифов{}", "З них оцінено за таблицею тарифів{}"),
    ("", "Of which forwards", "Из них переадресации", "З них переадресації"),
    ("", "Of which forwards{}", "Из них переадресации{}", "З них переадресації{}"),
    ("", "Talk time per extension (no charges printed)", "Время разговоров по внутренним номерам (АТС не печатает стоимость)", "Час розмов за внутрішніми номерами (АТС не друкує вартість)"),
    ("", "Talk time, outgoing", "Время исходящих разговоров", "Час вихідних розмов"),
    ("", "calls the PBX printed no charge for", "звонки, для которых АТС не напечатала стоимость", "дзвінки, для яких АТС не надрукувала вартість"),
    ("", "charges as the PBX printed them, forwards included", "стоимость, как её напечатала АТС, с переадресациями", "вартість, як її надрукувала АТС, з переадресаціями"),
    ("", "connected / outgoing", "соединённые / исходящие", "з’єднані / вихідні"),
    (
        "",
        "incoming calls an extension forwarded to a mobile or other number",
        "входящие звонки, переадресованные внутренним номером на мобильный или другой номер",
        "вхідні дзвінки, переадресовані внутрішнім номером на мобільний чи інший номер",
    ),
    ("", "no extension printed", "внутренний номер не напечатан", "внутрішній номер не надруковано"),
    ("", "not in the costs", "не вошло в стоимость", "не ввійшло у вартість"),
    ("", "printed", "напечатано АТС", "надруковано АТС"),
    ("", "talk time above 0", "время разговора больше 0", "час розмови більше 0"),
    ("", "talk time, minutes", "время разговоров, минуты", "час розмов, хвилини"),
    ("", "tariff: {}", "тариф: {}", "тариф: {}"),
    ("", "Where the costs come from: {}.", "Откуда стоимость: {}.", "Звідки вартість: {}."),
    (
        "",
        "The costs are in more than one currency: each is summed on its own.",
        "Стоимость в нескольких валютах: каждая суммируется отдельно.",
        "Вартість у кількох валютах: кожна підсумовується окремо.",
    ),
    // load
    ("", "All line traffic (Erlangs)", "Нагрузка всех линий (Эрл)", "Навантаження всіх ліній (Ерл)"),
    ("", "Average daily peak hour traffic (Erlangs)", "Средняя нагрузка в пиковый час дня (Эрл)", "Середнє навантаження в пікову годину дня (Ерл)"),
    ("", "Busiest clock hour traffic (Erlangs)", "Нагрузка самого загруженного часа (Эрл)", "Навантаження найзавантаженішої години (Ерл)"),
    ("", "Busiest clock hour", "Самый загруженный час", "Найзавантаженіша година"),
    ("", "Busy hour traffic, all lines (Erlangs)", "Нагрузка в ЧНН, все линии (Эрл)", "Навантаження в ГНН, усі лінії (Ерл)"),
    ("", "Busy hour traffic, incoming (Erlangs)", "Нагрузка в ЧНН, входящие (Эрл)", "Навантаження в ГНН, вхідні (Ерл)"),
    ("", "Incoming calls in the busy hour, per day", "Входящих в ЧНН за день", "Вхідних у ГНН за день"),
    ("", "Incoming calls per hour, average by weekday", "Входящие звонки по часам, в среднем по дням недели", "Вхідні дзвінки за годинами, у середньому за днями тижня"),
    ("", "Incoming per day", "Входящих в день", "Вхідних на день"),
    ("", "Incoming traffic (Erlangs)", "Входящая нагрузка (Эрл)", "Вхідне навантаження (Ерл)"),
    ("", "Lost (nobody answered)", "Пропущенные (никто не ответил)", "Пропущені (ніхто не відповів)"),
    ("", "No incoming calls in the period.", "За период входящих звонков нет.", "За період вхідних дзвінків немає."),
    ("", "The period is empty: its last day is before its first.", "Период пуст: последний день раньше первого.", "Період порожній: останній день раніше за перший."),
    ("", "average number of lines busy, incoming and outgoing calls", "среднее число занятых линий, входящие и исходящие", "середня кількість зайнятих ліній, вхідні й вихідні"),
    ("", "by an extension, or by the outside number a call was forwarded to", "внутренним номером или внешним номером, на который переадресован звонок", "внутрішнім номером або зовнішнім номером, на який переадресовано дзвінок"),
    ("", "days with calls", "дни со звонками", "дні з дзвінками"),
    ("", "each day's own busiest clock hour, averaged; at least the busy hour's", "самый загруженный час каждого дня, в среднем; не меньше, чем в ЧНН", "найзавантаженіша година кожного дня, у середньому; не менше, ніж у ГНН"),
    ("", "its traffic averaged over the days with calls", "нагрузка в среднем по дням со звонками", "навантаження в середньому за днями з дзвінками"),
    ("", "no line was busy in the period", "за период ни одна линия не была занята", "за період жодна лінія не була зайнята"),
    ("", "not on Sundays", "кроме воскресений", "крім неділь"),
    // sufficiency
    ("", "Average talk time in the busy hour", "Среднее время разговора в ЧНН", "Середній час розмови в ГНН"),
    ("", "Average talk time", "Среднее время разговора", "Середній час розмови"),
    ("", "Busy hour line load", "Загрузка линий в ЧНН", "Завантаження ліній у ГНН"),
    ("", "Busy hour time with all lines busy", "Время в ЧНН, когда все линии заняты", "Час у ГНН, коли всі лінії зайняті"),
    ("", "Busy hour traffic (Erlangs)", "Нагрузка в ЧНН (Эрл)", "Навантаження в ГНН (Ерл)"),
    ("", "Busy hour traffic offered (Erlangs)", "Поступающая нагрузка в ЧНН (Эрл)", "Вхідне навантаження в ГНН (Ерл)"),
    ("", "Busy hour traffic to operators (Erlangs)", "Нагрузка на операторов в ЧНН (Эрл)", "Навантаження на операторів у ГНН (Ерл)"),
    ("", "Calls blocked before the PBX, Erlang B estimate", "Звонки, не дошедшие до АТС, оценка по Эрлангу B", "Дзвінки, що не дійшли до АТС, оцінка за Ерлангом B"),
    ("", "Calls blocked before the PBX, measured", "Звонки, не дошедшие до АТС, измерено", "Дзвінки, що не дійшли до АТС, виміряно"),
    ("", "Calls blocked per day (estimate)", "Не дошедших звонков в день (оценка)", "Дзвінків, що не дійшли, на день (оцінка)"),
    ("", "Incoming calls per day", "Входящих звонков в день", "Вхідних дзвінків на день"),
    ("", "Lines available", "Линий в наличии", "Ліній у наявності"),
    ("", "Lines busy per hour against lines available", "Занятые линии по часам и линии в наличии", "Зайняті лінії за годинами та лінії в наявності"),
    ("", "Lines needed", "Нужно линий", "Потрібно ліній"),
    ("", "Lines to the carrier", "Линии к оператору связи", "Лінії до оператора зв’язку"),
    ("", "Most lines busy at once", "Наибольшее число одновременно занятых линий", "Найбільша кількість одночасно зайнятих ліній"),
    ("", "Operators needed", "Нужно операторов", "Потрібно операторів"),
    ("", "Operators who answered calls", "Операторы, отвечавшие на звонки", "Оператори, які відповідали на дзвінки"),
    ("", "Operators who answered", "Отвечавшие операторы", "Оператори, які відповідали"),
    ("", "Share of calls blocked, Erlang B estimate", "Доля не дошедших звонков, оценка по Эрлангу B", "Частка дзвінків, що не дійшли, оцінка за Ерлангом B"),
    ("", "Share of the hour all lines busy", "Доля часа, когда все линии заняты", "Частка години, коли всі лінії зайняті"),
    ("", "Time all lines busy (whole period)", "Время, когда все линии заняты (весь период)", "Час, коли всі лінії зайняті (увесь період)"),
    ("", "Time with all lines busy", "Время, когда все линии заняты", "Час, коли всі лінії зайняті"),
    ("", "Traffic carried (Erlangs)", "Обслуженная нагрузка (Эрл)", "Обслуговане навантаження (Ерл)"),
    ("", "Traffic carried (Erlangs, average)", "Обслуженная нагрузка (Эрл, в среднем)", "Обслуговане навантаження (Ерл, у середньому)"),
    ("", "Traffic offered (Erlangs, estimate)", "Поступающая нагрузка (Эрл, оценка)", "Вхідне навантаження (Ерл, оцінка)"),
    ("", "When most lines were first busy", "Когда впервые было занято больше всего линий", "Коли вперше було зайнято найбільше ліній"),
    ("", "as configured", "по настройкам", "за налаштуваннями"),
    ("", "set [lines] count in the config", "укажите [lines] count в настройках", "вкажіть [lines] count у налаштуваннях"),
    ("", "busy hour traffic / lines", "нагрузка в ЧНН / линии", "навантаження в ГНН / лінії"),
    ("", "calls that reached the PBX, answered and lost", "звонки, дошедшие до АТС, принятые и пропущенные", "дзвінки, що дійшли до АТС, прийняті й пропущені"),
    ("", "carried: average number of lines busy, all calls", "обслуженная: среднее число занятых линий, все звонки", "обслуговане: середня кількість зайнятих ліній, усі дзвінки"),
    ("", "no answered calls in the busy hour", "в ЧНН нет принятых звонков", "у ГНН немає прийнятих дзвінків"),
    ("", "no answered calls to measure the handling time", "нет принятых звонков, чтобы измерить время обслуживания", "немає прийнятих дзвінків, щоб виміряти час обслуговування"),
    ("", "refused: all lines busy all the time", "отказ: все линии заняты всё время", "відмова: усі лінії зайняті весь час"),
    // Notes the reports print (found by `report_words::every_report_text_is_translated`)
    ("", "ring time unknown: set the PBX's SMDR format to Pattern A or C", "время звонка до ответа неизвестно: включите в АТС формат SMDR Pattern A или C", "час виклику до відповіді невідомий: увімкніть в АТС формат SMDR Pattern A або C"),
    ("", "Rang for: {}.", "Ждал: {}.", "Чекав: {}."),
    ("", "Service level: {}.", "Уровень обслуживания: {}.", "Рівень обслуговування: {}."),
    ("", "extension", "внутренний номер", "внутрішній номер"),
    ("", "line", "линия", "лінія"),
    ("", "cost ({})", "стоимость ({})", "вартість ({})"),
    ("", "Cost ({})", "Стоимость ({})", "Вартість ({})"),
    ("", "Of which estimated from the tariff table", "Из них оценено по таблице тарифов", "З них оцінено за таблицею тарифів"),
    ("", "Of which estimated from the tariff table ({})", "Из них оценено по таблице тарифов ({})", "З них оцінено за таблицею тарифів ({})"),
    ("", "Of which forwards ({})", "Из них переадресации ({})", "З них переадресації ({})"),
    (
        "",
        "A call an extension placed and transferred to a colleague counts for the extension that dialled it, with both legs' talk time and charges.",
        "Звонок, который внутренний номер набрал и перевёл коллеге, засчитывается набравшему номеру вместе со временем разговора и стоимостью обеих частей.",
        "Дзвінок, який внутрішній номер набрав і переключив колезі, зараховується тому, хто набрав, разом із часом розмови й вартістю обох частин.",
    ),
    (
        "",
        "Connected means talk time above 0: the PBX prints busy, unanswered and failed attempts alike.",
        "Соединённый — это звонок с временем разговора больше 0: занятые, неотвеченные и неудачные попытки АТС печатает одинаково.",
        "З’єднаний — це дзвінок із часом розмови більше 0: зайняті, невідповідені й невдалі спроби АТС друкує однаково.",
    ),
    (
        "",
        "The PBX printed no call charges for these calls (Panasonic Pattern A has no cost column; Patterns B and C print one), so only talk time is shown. A tariff table in the configuration ([[tariff]]: price per minute by number prefix) would estimate them.",
        "АТС не напечатала стоимость этих звонков (в Panasonic Pattern A нет столбца стоимости, в Pattern B и C есть), поэтому показано только время разговоров. Таблица тарифов в настройках ([[tariff]]: цена минуты по префиксу номера) позволит её оценить.",
        "АТС не надрукувала вартість цих дзвінків (у Panasonic Pattern A немає стовпця вартості, у Pattern B і C є), тому показано лише час розмов. Таблиця тарифів у налаштуваннях ([[tariff]]: ціна хвилини за префіксом номера) дасть змогу її оцінити.",
    ),
    (
        "",
        "{} call(s) forwarded to an outside number count in the totals and per line, but for no extension.",
        "Звонки, переадресованные на внешний номер ({}), входят в итоги и в строки линий, но не засчитываются ни одному внутреннему номеру.",
        "Дзвінки, переадресовані на зовнішній номер ({}), входять до підсумків і до рядків ліній, але не зараховуються жодному внутрішньому номеру.",
    ),
    (
        "",
        "A call's length is the talk time of all its legs, transfers included; it counts for the extension that answered it first (outgoing: that dialled it).",
        "Длительность звонка — время разговора всех его частей, включая переводы; звонок засчитывается внутреннему номеру, который ответил первым (исходящий — который набрал).",
        "Тривалість дзвінка — час розмови всіх його частин, включно з переключеннями; дзвінок зараховується внутрішньому номеру, що відповів першим (вихідний — що набрав).",
    ),
    (
        "",
        "Calls that could not reach a line (all lines busy at the carrier) leave no record and are in no row.",
        "Звонки, которые не смогли занять линию (у оператора связи все линии заняты), не оставляют записи и не попадают ни в одну строку.",
        "Дзвінки, що не змогли зайняти лінію (в оператора зв’язку всі лінії зайняті), не залишають запису й не потрапляють до жодного рядка.",
    ),
    (
        "",
        "First-time callers: numbers not seen as a caller on any line earlier in the loaded calls (from {}); a caller last seen before that counts as first-time. A caller counts as first-time on the line of their first call only.",
        "Звонят впервые: номера, которые раньше не звонили ни на одну линию среди загруженных звонков (с {}); абонент, звонивший до этого, считается звонящим впервые. Впервые звонящий засчитывается только на линии своего первого звонка.",
        "Дзвонять уперше: номери, що раніше не дзвонили на жодну лінію серед завантажених дзвінків (з {}); абонент, який дзвонив до цього, вважається таким, що дзвонить уперше. Такий абонент зараховується лише на лінії свого першого дзвінка.",
    ),
    (
        "",
        "The PBX printed no DDI (the number the caller dialled, `<D>` in Panasonic's Dial Number column), so advertising numbers cannot be told apart; rows are per line only. Name lines after their channel in the configuration (line names).",
        "АТС не напечатала DDI (номер, который набрал абонент, `<D>` в столбце Dial Number у Panasonic), поэтому рекламные номера не различить; строки — только по линиям. Назовите линии по их каналам в настройках (названия линий).",
        "АТС не надрукувала DDI (номер, який набрав абонент, `<D>` у стовпці Dial Number у Panasonic), тому рекламні номери не розрізнити; рядки — лише за лініями. Назвіть лінії за їхніми каналами в налаштуваннях (назви ліній).",
    ),
    (
        "",
        "not seen as a caller earlier in the loaded calls, which begin {}",
        "раньше не звонили среди загруженных звонков (они начинаются с {})",
        "раніше не дзвонили серед завантажених дзвінків (вони починаються з {})",
    ),
    (
        "",
        "Callers who got \"all lines busy\" from the carrier never reached the PBX and are not counted here: see the lines and operators report for an estimate.",
        "Абоненты, услышавшие у оператора связи «все линии заняты», до АТС не дошли и здесь не учтены: оценку см. в отчёте о линиях и операторах.",
        "Абоненти, які почули в оператора зв’язку «усі лінії зайняті», до АТС не дійшли й тут не враховані: оцінку див. у звіті про лінії та операторів.",
    ),
    (
        "",
        "The PBX prints times to the minute: a call's start and end here can be up to 59 s earlier than they really were, so a few seconds of traffic may fall in the hour before.",
        "АТС печатает время с точностью до минуты: начало и конец звонка здесь могут быть до 59 с раньше настоящих, поэтому несколько секунд нагрузки могут попасть в предыдущий час.",
        "АТС друкує час із точністю до хвилини: початок і кінець дзвінка тут можуть бути до 59 с раніше за справжні, тому кілька секунд навантаження можуть потрапити в попередню годину.",
    ),
    (
        "",
        "The weekday chart averages over all the period's days of each weekday, closed days included; a weekday the period does not contain shows 0.",
        "График по дням недели усредняет все дни периода с этим днём недели, включая нерабочие; день недели, которого нет в периоде, показан нулём.",
        "Графік за днями тижня усереднює всі дні періоду з цим днем тижня, включно з неробочими; день тижня, якого немає в періоді, показано нулем.",
    ),
    (
        "",
        "Traffic (Erlangs) is the average number of lines busy: each call's time on the line, from its start to its end, is split over the hours it spans. A call forwarded to an outside number holds two lines. Calls are counted in the hour they start.",
        "Нагрузка (Эрл) — среднее число занятых линий: время каждого звонка на линии, от начала до конца, распределяется по часам, которые он захватывает. Звонок, переадресованный на внешний номер, занимает две линии. Звонки считаются в том часе, в котором начались.",
        "Навантаження (Ерл) — середня кількість зайнятих ліній: час кожного дзвінка на лінії, від початку до кінця, розподіляється за годинами, які він охоплює. Дзвінок, переадресований на зовнішній номер, займає дві лінії. Дзвінки рахуються в тій годині, в якій почалися.",
    ),
    (
        "",
        "ring time unknown: set the PBX's SMDR format to Pattern A or C. Without it a line's busy time before the answer is unknown: answered calls hold their line here only from the answer and lost calls not at all, so the traffic shown is lower than the lines really carried.",
        "время звонка до ответа неизвестно: включите в АТС формат SMDR Pattern A или C. Без него неизвестно, сколько линия была занята до ответа: принятые звонки занимают линию здесь только с момента ответа, а пропущенные не занимают вовсе, поэтому показанная нагрузка меньше реальной.",
        "час виклику до відповіді невідомий: увімкніть в АТС формат SMDR Pattern A або C. Без нього невідомо, скільки лінія була зайнята до відповіді: прийняті дзвінки займають лінію тут лише з моменту відповіді, а пропущені не займають зовсім, тому показане навантаження менше за реальне.",
    ),
    (
        "",
        "the clock hour with the most traffic on {} of {} day(s) with traffic",
        "час с наибольшей нагрузкой в {} из {} дн. с нагрузкой",
        "година з найбільшим навантаженням у {} з {} дн. з навантаженням",
    ),
    (
        "",
        "{} waiting call(s) were lost less than {} h before the last call seen: they may still be called back.",
        "Ожидающих звонков, пропущенных менее чем за {} ч до последнего учтённого звонка: {}; им ещё могут перезвонить.",
        "Дзвінків, що чекають і пропущені менш ніж за {} год до останнього врахованого дзвінка: {}; їм ще можуть передзвонити.",
    ),
    (
        "",
        "A callback that did not connect (no answer, busy or failed: the PBX prints all three alike) does not count; the table counts such attempts.",
        "Перезвон без соединения (нет ответа, занято или ошибка: АТС печатает все три одинаково) не засчитывается; такие попытки считает таблица.",
        "Передзвін без з’єднання (немає відповіді, зайнято або помилка: АТС друкує всі три однаково) не зараховується; такі спроби рахує таблиця.",
    ),
    (
        "",
        "Called back: an outgoing call to the same number talked (talk time above 0) within {} h after the caller hung up. Got through: the caller called again and was answered in that time, before any callback. The first of the two decides.",
        "Перезвонили: исходящий звонок на тот же номер состоялся (время разговора больше 0) в течение {} ч после того, как абонент положил трубку. Дозвонился: абонент позвонил снова и ему ответили за это время, до любого перезвона. Решает то, что было раньше.",
        "Передзвонили: вихідний дзвінок на той самий номер відбувся (час розмови більше 0) протягом {} год після того, як абонент поклав слухавку. Додзвонився: абонент подзвонив знову й йому відповіли за цей час, до будь-якого передзвону. Вирішує те, що було раніше.",
    ),
    (
        "",
        "No clock: a waiting caller has been waiting since the time shown; their age is now minus that time.",
        "Текущее время в отчёт не входит: ожидающий абонент ждёт с указанного времени; сколько он ждёт — это сейчас минус это время.",
        "Поточного часу у звіті немає: абонент, що чекає, чекає з указаного часу; скільки він чекає — це зараз мінус цей час.",
    ),
    (
        "",
        "Numbers are matched digit for digit after removing spaces and signs (+ becomes 00): a callback dialled in another form (with or without the country code, or with a line-access digit the PBX prints) is not recognised.",
        "Номера сравниваются цифра в цифру после удаления пробелов и знаков (+ превращается в 00): перезвон, набранный в другом виде (с кодом страны или без него, с цифрой выхода на линию, которую печатает АТС), не распознаётся.",
        "Номери порівнюються цифра в цифру після вилучення пробілів і знаків (+ стає 00): передзвін, набраний в іншому вигляді (з кодом країни чи без нього, з цифрою виходу на лінію, яку друкує АТС), не розпізнається.",
    ),
    (
        "",
        "The printout cannot tell one lost call that rang several phones from two lost calls of the same caller within a minute on the same line: such calls count once.",
        "По распечатке нельзя отличить один пропущенный звонок, звонивший на несколько телефонов, от двух пропущенных звонков одного абонента в течение минуты на той же линии: такие звонки считаются один раз.",
        "За роздруківкою не можна відрізнити один пропущений дзвінок, що дзвонив на кілька телефонів, від двох пропущених дзвінків одного абонента протягом хвилини на тій самій лінії: такі дзвінки рахуються один раз.",
    ),
    (
        "",
        "Times are to the minute (the PBX prints when each call ended, to the minute): a time to callback can be off by up to a minute.",
        "Время указано с точностью до минуты (АТС печатает окончание каждого звонка с точностью до минуты): время до перезвона может отличаться до минуты.",
        "Час указано з точністю до хвилини (АТС друкує завершення кожного дзвінка з точністю до хвилини): час до передзвону може відрізнятися до хвилини.",
    ),
    (
        "",
        "an outgoing call to the same number talked within {} h after the caller hung up",
        "исходящий звонок на тот же номер состоялся в течение {} ч после того, как абонент положил трубку",
        "вихідний дзвінок на той самий номер відбувся протягом {} год після того, як абонент поклав слухавку",
    ),
    (
        "",
        "the caller called again and was answered within {} h after the caller hung up, before any callback",
        "абонент позвонил снова и ему ответили в течение {} ч после того, как он положил трубку, до любого перезвона",
        "абонент подзвонив знову й йому відповіли протягом {} год після того, як він поклав слухавку, до будь-якого передзвону",
    ),
    (
        "",
        "\"Rang, not answered\" counts what the PBX printed: one NA line per phone when nobody answered, and 0-second lines of phones that rang while a colleague picked up. A phone of a ring group that rang while another answered is not always printed, so it is a lower bound.",
        "«Звонил, не ответили» считает то, что напечатала АТС: по одной строке NA на телефон, когда никто не ответил, и строки длительностью 0 с у телефонов, которые звонили, пока ответил коллега. Телефон группы, звонивший, пока ответил другой, печатается не всегда, поэтому это нижняя оценка.",
        "«Дзвонив, не відповіли» рахує те, що надрукувала АТС: по одному рядку NA на телефон, коли ніхто не відповів, і рядки тривалістю 0 с у телефонів, що дзвонили, поки відповів колега. Телефон групи, що дзвонив, поки відповів інший, друкується не завжди, тому це нижня оцінка.",
    ),
    (
        "",
        "Talk time is each extension's own part of a call: on a transferred call, who answered (or dialled) has the talk before the transfer and each colleague the talk of their part, as the PBX printed one line per part.",
        "Время разговора — собственная часть звонка каждого внутреннего номера: при переводе ответившему (или набравшему) засчитывается разговор до перевода, а каждому коллеге — его часть, так как АТС печатает по строке на каждую часть.",
        "Час розмови — власна частина дзвінка кожного внутрішнього номера: під час переключення тому, хто відповів (або набрав), зараховується розмова до переключення, а кожному колезі — його частина, бо АТС друкує по рядку на кожну частину.",
    ),
    (
        "",
        "The wait before answer runs from the caller's first ring, also when other phones rang first.",
        "Ожидание ответа отсчитывается от первого звонка абонента, даже если сначала звонили другие телефоны.",
        "Очікування відповіді відлічується від першого виклику абонента, навіть якщо спочатку дзвонили інші телефони.",
    ),
    (
        "",
        "\"Got through\" means one of their calls in the period was answered; whether a lost caller was called back is in the lost calls report.",
        "«Дозвонились» означает, что на один из их звонков за период ответили; перезвонили ли пропущенному абоненту — в отчёте о пропущенных звонках.",
        "«Додзвонилися» означає, що на один із їхніх дзвінків за період відповіли; чи передзвонили пропущеному абоненту — у звіті про пропущені дзвінки.",
    ),
    (
        "",
        "\"New\" and \"known\" look back only as far as the calls the box loaded: up to 30 days before the period; here {}. A caller from longer ago counts as new.",
        "«Новые» и «знакомые» определяются только по звонкам, которые загрузило устройство: до 30 дней до периода; здесь {}. Абонент, звонивший раньше, считается новым.",
        "«Нові» та «знайомі» визначаються лише за дзвінками, які завантажив пристрій: до 30 днів до періоду; тут {}. Абонент, що дзвонив раніше, вважається новим.",
    ),
    (
        "",
        "{} call(s) came without caller ID: they are in no caller figure.",
        "Звонков без номера абонента: {}; они не входят ни в один показатель по абонентам.",
        "Дзвінків без номера абонента: {}; вони не входять до жодного показника за абонентами.",
    ),
    (
        "",
        "First and last call show when a call was answered (a lost call: the minute it was printed), not when it began to ring: {}.",
        "Первый и последний звонок показывают время ответа (у пропущенного — минуту, когда он напечатан), а не начала звонка: {}.",
        "Перший і останній дзвінок показують час відповіді (у пропущеного — хвилину, коли його надруковано), а не початку виклику: {}.",
    ),
    ("", "not seen as a caller in the calls before the period, from {} on", "не звонил до периода (звонки учтены с {})", "не дзвонив до періоду (дзвінки враховано з {})"),
    ("", "seen as a caller in the calls before the period, from {} on", "звонил до периода (звонки учтены с {})", "дзвонив до періоду (дзвінки враховано з {})"),
    (
        "",
        "Because the printout has no ring time (Pattern B, see the note on ring time), the time with all lines busy, the offered traffic and the blocked calls are underestimated too: read them as lower bounds.",
        "Так как в распечатке нет времени звонка до ответа (Pattern B, см. примечание о нём), время занятости всех линий, поступающая нагрузка и не дошедшие звонки тоже занижены: это нижние оценки.",
        "Оскільки в роздруківці немає часу виклику до відповіді (Pattern B, див. примітку про нього), час зайнятості всіх ліній, вхідне навантаження й дзвінки, що не дійшли, теж занижені: це нижні оцінки.",
    ),
    (
        "",
        "Both-way lines: outgoing calls use the same lines, so blocking is estimated from all line traffic and the blocked attempts include outgoing ones; only on incoming-only lines would they all be callers.",
        "Линии двусторонние: исходящие звонки идут по тем же линиям, поэтому блокировка оценивается по всей нагрузке линий, а среди не дошедших попыток есть и исходящие; только на линиях лишь для входящих все они были бы абонентами.",
        "Лінії двосторонні: вихідні дзвінки йдуть тими самими лініями, тому блокування оцінюється за всім навантаженням ліній, а серед спроб, що не дійшли, є й вихідні; лише на лініях тільки для вхідних усі вони були б абонентами.",
    ),
    (
        "",
        "Calls blocked before the PBX: SMDR records only calls that got a line; a caller who heard \"all lines busy\" from the carrier leaves no record, so these are estimates, assuming random (Poisson) arrivals and that the configured lines are the real limit (the carrier or a SIP/ISDN account may allow fewer channels).",
        "Звонки, не дошедшие до АТС: SMDR записывает только звонки, получившие линию; абонент, услышавший у оператора связи «все линии заняты», записи не оставляет, поэтому это оценки в предположении случайного (пуассоновского) потока и того, что настроенное число линий — реальный предел (оператор или учётная запись SIP/ISDN может давать меньше каналов).",
        "Дзвінки, що не дійшли до АТС: SMDR записує лише дзвінки, які отримали лінію; абонент, що почув в оператора зв’язку «усі лінії зайняті», запису не залишає, тому це оцінки за припущення випадкового (пуассонівського) потоку й того, що налаштована кількість ліній — реальна межа (оператор чи обліковий запис SIP/ISDN може давати менше каналів).",
    ),
    (
        "",
        "Empty estimates in the table are hours above 95 % load (refused) or without calls.",
        "Пустые оценки в таблице — это часы с загрузкой выше 95 % (отказ) или без звонков.",
        "Порожні оцінки в таблиці — це години із завантаженням понад 95 % (відмова) або без дзвінків.",
    ),
    (
        "",
        "Estimates are refused when the lines (or the operators) were more than 95 % loaded: near saturation a small error in the measured traffic swings them without limit.",
        "Оценки не даются, если линии (или операторы) загружены больше чем на 95 %: вблизи насыщения малая ошибка измеренной нагрузки меняет их без предела.",
        "Оцінки не даються, якщо лінії (або оператори) завантажені понад 95 %: поблизу насичення мала похибка виміряного навантаження змінює їх без меж.",
    ),
    (
        "",
        "Lines busy at once are rebuilt from each call's start and end; the PBX prints them to the minute, so a moment of all lines busy shorter than a minute may be missed or invented.",
        "Одновременно занятые линии восстановлены по началу и концу каждого звонка; АТС печатает их с точностью до минуты, поэтому момент занятости всех линий короче минуты может быть пропущен или появиться ошибочно.",
        "Одночасно зайняті лінії відновлено за початком і кінцем кожного дзвінка; АТС друкує їх із точністю до хвилини, тому момент зайнятості всіх ліній, коротший за хвилину, може бути пропущено або показано помилково.",
    ),
    (
        "",
        "Operators: Erlang C assumes random arrivals and callers who never hang up; the handling time is the talk time from the printout (no wrap-up, and talk after a transfer to a colleague counts too); arrivals are the calls that reached the PBX, less those forwarded to an outside number.",
        "Операторы: модель Эрланга C предполагает случайный поток и абонентов, которые не кладут трубку; время обслуживания — время разговора из распечатки (без постобработки, разговор после перевода коллеге тоже учитывается); поток — звонки, дошедшие до АТС, без переадресованных на внешний номер.",
        "Оператори: модель Ерланга C припускає випадковий потік і абонентів, які не кладуть слухавку; час обслуговування — час розмови з роздруківки (без постоброблення, розмова після переключення на колегу теж враховується); потік — дзвінки, що дійшли до АТС, без переадресованих на зовнішній номер.",
    ),
    (
        "",
        "Rebuilt from times printed to the minute (and forwards, whose outside line is not printed), up to {} calls seem to overlap; no more than the {} lines configured can be busy, so {} is shown.",
        "По времени с точностью до минуты (и переадресациям, чья внешняя линия не печатается) одновременно идут до {} звонков; но занято может быть не больше настроенных линий ({}), поэтому показано {}.",
        "За часом із точністю до хвилини (і переадресаціями, чия зовнішня лінія не друкується) одночасно тривають до {} дзвінків; але зайнято може бути не більше налаштованих ліній ({}), тому показано {}.",
    ),
    (
        "",
        "Retrials: a blocked caller usually calls again, so blocked calls are attempts; fewer different callers were turned away, and the offered traffic includes their repeats.",
        "Повторные попытки: абонент, не дозвонившийся из-за занятости, обычно звонит снова, поэтому не дошедшие звонки — это попытки; разных абонентов получили отказ меньше, а поступающая нагрузка включает их повторы.",
        "Повторні спроби: абонент, що не додзвонився через зайнятість, зазвичай дзвонить знову, тому дзвінки, що не дійшли, — це спроби; різних абонентів отримали відмову менше, а вхідне навантаження містить їхні повтори.",
    ),
    (
        "",
        "The number of lines is not configured: time with all lines busy, offered traffic and calls blocked before reaching the PBX need it (set [lines] count in the config).",
        "Число линий не настроено: без него не посчитать время занятости всех линий, поступающую нагрузку и звонки, не дошедшие до АТС (укажите [lines] count в настройках).",
        "Кількість ліній не налаштовано: без неї не порахувати час зайнятості всіх ліній, вхідне навантаження й дзвінки, що не дійшли до АТС (вкажіть [lines] count у налаштуваннях).",
    ),
    (
        "",
        "The printout shows calls on {} different trunks, more than the {} lines configured: check [lines] count.",
        "В распечатке звонки на {} разных линиях, больше, чем настроено ({}): проверьте [lines] count.",
        "У роздруківці дзвінки на {} різних лініях, більше, ніж налаштовано ({}): перевірте [lines] count.",
    ),
    ("", "all {} lines busy at once, whole period (time congestion)", "все {} линии заняты одновременно, за весь период (потери по времени)", "усі {} лінії зайняті одночасно, за весь період (втрати за часом)"),
    (
        "",
        "calls to operators per hour (forwards to outside numbers left out) × average talk time",
        "звонков операторам в час (без переадресаций на внешние номера) × среднее время разговора",
        "дзвінків операторам на годину (без переадресацій на зовнішні номери) × середній час розмови",
    ),
    (
        "",
        "different extensions that answered calls in the busy hour, per day",
        "разные внутренние номера, отвечавшие в ЧНН, за день",
        "різні внутрішні номери, що відповідали в ГНН, за день",
    ),
    (
        "",
        "first at {}; rebuilt from start and end times printed to the minute",
        "впервые в {}; восстановлено по времени начала и конца с точностью до минуты",
        "уперше о {}; відновлено за часом початку й кінця з точністю до хвилини",
    ),
    (
        "",
        "for at most {} of calls blocked (Erlang B) on the carried traffic: a lower bound if calls were blocked (set [lines] count in the config for the offered traffic)",
        "чтобы не доходило не более {} звонков (Эрланг B) при обслуженной нагрузке: нижняя оценка, если звонки не доходили (укажите [lines] count в настройках для поступающей нагрузки)",
        "щоб не доходило не більше {} дзвінків (Ерланг B) за обслуговуваного навантаження: нижня оцінка, якщо дзвінки не доходили (вкажіть [lines] count у налаштуваннях для вхідного навантаження)",
    ),
    (
        "",
        "incoming calls an extension answered; no wrap-up time (the printout has none)",
        "входящие звонки, на которые ответил внутренний номер; без постобработки (в распечатке её нет)",
        "вхідні дзвінки, на які відповів внутрішній номер; без постоброблення (у роздруківці його немає)",
    ),
    (
        "",
        "refused: the lines were {} loaded; above 95 % a small error in the measured traffic swings the estimate without limit",
        "отказ: линии загружены на {}; выше 95 % малая ошибка измеренной нагрузки меняет оценку без предела",
        "відмова: лінії завантажені на {}; понад 95 % мала похибка виміряного навантаження змінює оцінку без меж",
    ),
    (
        "",
        "share of the busy hour with every line busy (time congestion); with random arrivals, also the share of callers who found every line busy",
        "доля ЧНН, когда заняты все линии (потери по времени); при случайном потоке — также доля абонентов, заставших все линии занятыми",
        "частка ГНН, коли зайняті всі лінії (втрати за часом); за випадкового потоку — також частка абонентів, які застали всі лінії зайнятими",
    ),
    (
        "",
        "to answer {} of calls within {} s (Erlang C model: random arrivals, nobody hangs up; like the service level over offered calls, when few callers hang up)",
        "чтобы отвечать на {} звонков за {} с (модель Эрланга C: случайный поток, никто не кладёт трубку; как уровень обслуживания от поступивших, когда мало кто бросает трубку)",
        "щоб відповідати на {} дзвінків за {} с (модель Ерланга C: випадковий потік, ніхто не кладе слухавку; як рівень обслуговування від тих, що надійшли, коли мало хто кидає слухавку)",
    ),
    (
        "",
        "Only calls that reached the PBX are counted: a caller who got \"all lines busy\" from the carrier leaves no record (the sufficiency report estimates them).",
        "Учитываются только звонки, дошедшие до АТС: абонент, услышавший у оператора связи «все линии заняты», записи не оставляет (их оценивает отчёт о достаточности линий).",
        "Враховуються лише дзвінки, що дійшли до АТС: абонент, який почув в оператора зв’язку «усі лінії зайняті», запису не залишає (їх оцінює звіт про достатність ліній).",
    ),
    (
        "",
        "Per day, the service level is {} over offered calls, and the lost share is lost over offered calls, as in the figures.",
        "По дням уровень обслуживания — {} от поступивших звонков, а доля пропущенных — от поступивших, как и в показателях.",
        "За днями рівень обслуговування — {} від дзвінків, що надійшли, а частка пропущених — від тих, що надійшли, як і в показниках.",
    ),
    (
        "",
        "The PBX prints end times to the minute: a call's start may be up to 59 s later than counted, so a call that began just before midnight can belong to the next day.",
        "АТС печатает время окончания с точностью до минуты: начало звонка может быть до 59 с позже учтённого, поэтому звонок, начавшийся перед полуночью, может попасть в следующий день.",
        "АТС друкує час завершення з точністю до хвилини: початок дзвінка може бути до 59 с пізніше за врахований, тому дзвінок, що почався перед північчю, може потрапити до наступного дня.",
    ),
    (
        "",
        "Without a ring time a call counts on the day it was answered (a lost call: the minute its NA lines were printed), and waits cannot be measured.",
        "Без времени звонка до ответа звонок засчитывается в день ответа (пропущенный — в минуту, когда напечатаны его строки NA), а ожидание измерить нельзя.",
        "Без часу виклику до відповіді дзвінок зараховується в день відповіді (пропущений — у хвилину, коли надруковано його рядки NA), а очікування виміряти не можна.",
    ),
    ("", "answered within {} s", "отвечено за {} с", "прийнято за {} с"),
    // Why the link is up or down (source/serial.rs, source/tcp.rs)
    ("", "{} not found: is the serial adapter plugged in and the cable seated?", "{} не найден: подключён ли адаптер последовательного порта и вставлен ли кабель?", "{} не знайдено: чи під’єднано адаптер послідовного порту та чи вставлено кабель?"),
    (
        "",
        "{} is in use by another program (a second smdrbox, ModemManager, a terminal program?): {}",
        "{} занят другой программой (второй smdrbox, ModemManager, терминальная программа?): {}",
        "{} зайнятий іншою програмою (другий smdrbox, ModemManager, термінальна програма?): {}",
    ),
    (
        "",
        "{}: permission denied: the service user must be in group dialout ({})",
        "{}: доступ запрещён: пользователь службы должен входить в группу dialout ({})",
        "{}: доступ заборонено: користувач служби має входити до групи dialout ({})",
    ),
    ("", "{}: cannot open: {}", "{}: не удаётся открыть: {}", "{}: не вдається відкрити: {}"),
    ("", "open at {}", "открыт: {}", "відкрито: {}"),
    ("", "device gone: {}", "устройство пропало: {}", "пристрій зник: {}"),
    ("", "cannot connect to {}: {}", "не удаётся подключиться к {}: {}", "не вдається підключитися до {}: {}"),
    ("", "{} closed the connection", "{} закрыл соединение", "{} закрив з’єднання"),
    ("", "connection reset by {} (PBX restarted?)", "{} сбросил соединение (АТС перезапущена?)", "{} скинув з’єднання (АТС перезапущено?)"),
    ("", "connecting to {}", "подключение к {}", "підключення до {}"),
    ("", "connected to {}", "подключено к {}", "підключено до {}"),
    ("", "no PBX connected to {} yet", "к {} пока не подключилась ни одна АТС", "до {} поки не підключилася жодна АТС"),
    ("", "PBX {} connected", "АТС {} подключилась", "АТС {} підключилася"),
    // Status verdicts and the LED table (core/health.rs, core/leds.rs)
    ("", "capturing; last line {} ago", "приём идёт; последняя строка {} назад", "приймання триває; останній рядок {} тому"),
    ("", "capturing; no line received yet", "приём идёт; строк пока не было", "приймання триває; рядків поки не було"),
    ("", "serial link down for {}: {}", "нет связи по последовательному порту уже {}: {}", "немає зв’язку через послідовний порт уже {}: {}"),
    ("", "TCP link down for {}: {}", "нет связи по TCP уже {}: {}", "немає зв’язку через TCP уже {}: {}"),
    ("", "connecting: {}", "подключение: {}", "підключення: {}"),
    ("", "opening {}", "открытие {}", "відкриття {}"),
    ("", "storage: {}", "хранилище: {}", "сховище: {}"),
    ("", "{} could not be read (kept raw)", "не распознано: {} (сохранено как есть)", "не розпізнано: {} (збережено як є)"),
    ("", "{} too long, cut (kept raw)", "слишком длинные, обрезаны: {} (сохранены как есть)", "задовгі, обрізано: {} (збережено як є)"),
    ("", "{} lost: the buffer overflowed while storage was slow", "потеряно: {}; буфер переполнился, пока хранилище не успевало", "втрачено: {}; буфер переповнився, поки сховище не встигало"),
    ("", "1 line", "1 строка", "1 рядок"),
    ("", "{} lines", "строк: {}", "рядків: {}"),
    ("", "locked on {} (auto) after {} lines", "подобрано {} (авто) после {} строк", "підібрано {} (авто) після {} рядків"),
    ("", "hunting (trying {}, {} of {})", "подбор (пробуем {}, {} из {})", "підбір (пробуємо {}, {} з {})"),
    ("", "off", "не горит", "не світиться"),
    ("", "on", "горит", "світиться"),
    ("", "blinks {} times a second", "мигает {} раз в секунду", "блимає {} разів на секунду"),
    ("", "blinks: {} on, {} off", "мигает: {} горит, {} не горит", "блимає: {} світиться, {} не світиться"),
    ("", "{} long + {} short flashes, pause, repeat", "{} длинная + {} коротких вспышки, пауза, повтор", "{} довгий + {} коротких спалахи, пауза, повтор"),
    (
        "",
        "running, no line in the last 10 s (steady on or off: stopped or hung)",
        "работает, за последние 10 с строк не было (горит или не горит постоянно: остановлено или зависло)",
        "працює, за останні 10 с рядків не було (постійно світиться або не світиться: зупинено або зависло)",
    ),
    ("", "running, lines arriving from the PBX", "работает, строки от АТС поступают", "працює, рядки від АТС надходять"),
    ("", "serial port missing, unplugged or not opening", "последовательного порта нет, он отключён или не открывается", "послідовного порту немає, його від’єднано або він не відкривається"),
    ("", "data does not read as SMDR: check speed, parity, dialect", "данные не читаются как SMDR: проверьте скорость, чётность, формат АТС", "дані не читаються як SMDR: перевірте швидкість, парність, формат АТС"),
    ("", "storage fault: the database cannot be written; lines wait in RAM", "сбой хранилища: запись в базу невозможна; строки ждут в памяти", "збій сховища: запис у базу неможливий; рядки чекають у пам’яті"),
    ("", "lines lost since start: the buffer overflowed", "с момента запуска потеряны строки: буфер переполнился", "від запуску втрачено рядки: буфер переповнився"),
    ("", "the database was corrupt and set aside (shown for a day)", "база данных была повреждена и отложена в сторону (показывается сутки)", "базу даних було пошкоджено й відкладено (показується добу)"),
    // The checks of the settings form (src/settings.rs, working hours from
    // core/analytics/hours.rs), of a phonebook upload (src/phonebook.rs) and of accounts
    // (web/users.rs, web/auth.rs): pure code writes them in English, the pages translate
    // them here. Messages of the config parser itself (a prefix, a price, a currency) stay
    // English.
    (
        "",
        "line {}, {}: no \"=\"; write one per line: {}",
        "строка {}, {}: нет «=»; пишите по одному в строке: {}",
        "рядок {}, {}: немає «=»; пишіть по одному в рядку: {}",
    ),
    (
        "",
        "line {}, {}: the number before \"=\" is 1 to 32 characters without spaces; write {}",
        "строка {}, {}: номер перед «=» — от 1 до 32 символов без пробелов; пишите {}",
        "рядок {}, {}: номер перед «=» — від 1 до 32 символів без пробілів; пишіть {}",
    ),
    (
        "",
        "line {}, {}: the name after \"=\" is 1 to 60 characters; write {}",
        "строка {}, {}: имя после «=» — от 1 до 60 символов; пишите {}",
        "рядок {}, {}: ім’я після «=» — від 1 до 60 символів; пишіть {}",
    ),
    (
        "",
        "line {}: {} is named twice; keep one line per number",
        "строка {}: {} назван дважды; оставьте одну строку на номер",
        "рядок {}: {} названо двічі; залиште один рядок на номер",
    ),
    ("", "more than {} names", "больше {} названий", "понад {} назв"),
    (
        "",
        "extension = name, e.g. 101 = Anna",
        "внутренний номер = имя, например 101 = Анна",
        "внутрішній номер = ім’я, наприклад 101 = Ганна",
    ),
    (
        "",
        "line = name, e.g. 01 = Main line",
        "линия = название, например 01 = Основная линия",
        "лінія = назва, наприклад 01 = Основна лінія",
    ),
    (
        "",
        "number dialled = channel, e.g. 0800123456 = Google Ads",
        "набранный номер = канал, например 0800123456 = Google Ads",
        "набраний номер = канал, наприклад 0800123456 = Google Ads",
    ),
    (
        "",
        "line {}, {}: {} columns; write one row per line: prefix; name; price per minute; setup; billing seconds, e.g. 00; International; 0.12; 0.05; 60",
        "строка {}, {}: столбцов: {}; пишите по одному тарифу в строке: префикс; название; цена минуты; плата за соединение; шаг тарификации в секундах, например 00; Международные; 0.12; 0.05; 60",
        "рядок {}, {}: стовпців: {}; пишіть по одному тарифу в рядку: префікс; назва; ціна хвилини; плата за з’єднання; крок тарифікації в секундах, наприклад 00; Міжнародні; 0.12; 0.05; 60",
    ),
    (
        "",
        "missing; write one row per line: prefix; name; price per minute; setup; billing seconds, e.g. 00; International; 0.12; 0.05; 60",
        "не указана; пишите по одному тарифу в строке: префикс; название; цена минуты; плата за соединение; шаг тарификации в секундах, например 00; Международные; 0.12; 0.05; 60",
        "не вказано; пишіть по одному тарифу в рядку: префікс; назва; ціна хвилини; плата за з’єднання; крок тарифікації в секундах, наприклад 00; Міжнародні; 0.12; 0.05; 60",
    ),
    ("", "line {}, {}: {}", "строка {}, {}: {}", "рядок {}, {}: {}"),
    ("", "prefix", "префикс", "префікс"),
    ("", "price per minute", "цена минуты", "ціна хвилини"),
    ("", "setup", "плата за соединение", "плата за з’єднання"),
    ("", "billing", "шаг тарификации", "крок тарифікації"),
    (
        "",
        "{} is already on line {}: each prefix once",
        "{} уже есть в строке {}: каждый префикс один раз",
        "{} уже є в рядку {}: кожен префікс один раз",
    ),
    (
        "",
        "{}: the billing increment is whole seconds from 1 to 3600 (60: per started minute, 1: per second)",
        "{}: шаг тарификации — целое число секунд от 1 до 3600 (60: поминутно, 1: посекундно)",
        "{}: крок тарифікації — ціле число секунд від 1 до 3600 (60: похвилинно, 1: посекундно)",
    ),
    ("", "more than {} rows", "больше {} строк", "понад {} рядків"),
    (
        "",
        "holidays are set but no working day: give the hours of each working day, e.g. 09:00-18:00 (or clear the holidays too: every hour then counts as working)",
        "праздники заданы, а рабочих дней нет: укажите часы каждого рабочего дня, например 09:00-18:00 (или очистите и праздники: тогда рабочим считается любой час)",
        "свята задано, а робочих днів немає: вкажіть години кожного робочого дня, наприклад 09:00-18:00 (або очистьте й свята: тоді робочою вважається будь-яка година)",
    ),
    (
        "",
        "{}: the service-level threshold is whole seconds from {} to {}, e.g. 20",
        "{}: порог уровня обслуживания — целое число секунд от {} до {}, например 20",
        "{}: поріг рівня обслуговування — ціле число секунд від {} до {}, наприклад 20",
    ),
    (
        "",
        "the tariff prices need their currency, e.g. EUR (or what the PBX prints, e.g. EU, to add them to its printed charges)",
        "для цен тарифов нужна валюта, например EUR (или как её печатает АТС, например EU, чтобы суммировать с её начислениями)",
        "для цін тарифів потрібна валюта, наприклад EUR (або як її друкує АТС, наприклад EU, щоб підсумовувати з її нарахуваннями)",
    ),
    (
        "",
        "{} is not a time range: write opening and closing time as 09:00-18:00 (several: 09:00-13:00, 14:00-18:00), or leave it empty when closed",
        "{} — не интервал времени: напишите время открытия и закрытия, например 09:00-18:00 (несколько: 09:00-13:00, 14:00-18:00), или оставьте пустым в выходной",
        "{} — не проміжок часу: напишіть час відкриття й закриття, наприклад 09:00-18:00 (кілька: 09:00-13:00, 14:00-18:00), або залиште порожнім у вихідний",
    ),
    (
        "",
        "{} closes before it opens: a range ends later the same day (24:00 is midnight); for a shift past midnight write two ranges, the second on the next day",
        "{} закрывается раньше, чем открывается: интервал заканчивается позже в тот же день (24:00 — полночь); для смены после полуночи напишите два интервала, второй — на следующий день",
        "{} закривається раніше, ніж відкривається: проміжок закінчується пізніше того ж дня (24:00 — північ); для зміни після півночі напишіть два проміжки, другий — наступного дня",
    ),
    (
        "",
        "{} overlaps or comes before {}-{}: write the ranges in order, each once",
        "{} пересекается с {}-{} или идёт раньше: пишите интервалы по порядку, каждый один раз",
        "{} перетинається з {}-{} або йде раніше: пишіть проміжки по порядку, кожен один раз",
    ),
    (
        "",
        "{} is not a date: write holidays as 2026-12-31",
        "{} — не дата: пишите праздники так: 2026-12-31",
        "{} — не дата: пишіть свята так: 2026-12-31",
    ),
    ("", "line {}: {}", "строка {}: {}", "рядок {}: {}"),
    ("", "cannot read this line as CSV: {}", "строку не удаётся прочитать как CSV: {}", "рядок не вдається прочитати як CSV: {}"),
    ("", "more than {} numbers; split the book", "больше {} номеров; разделите справочник", "понад {} номерів; розділіть довідник"),
    ("", "the number {} is already on line {}", "номер {} уже есть в строке {}", "номер {} уже є в рядку {}"),
    ("", "the column {} is named twice", "столбец {} назван дважды", "стовпець {} названо двічі"),
    (
        "",
        "unknown column {}; the columns are number, name, tag, note",
        "неизвестный столбец {}; столбцы: номер, имя, метка, примечание",
        "невідомий стовпець {}; стовпці: номер, ім’я, мітка, примітка",
    ),
    (
        "",
        "{} fields; expected at most {} (number, name, tag, note)",
        "полей: {}; ожидается не больше {} (номер, имя, метка, примечание)",
        "полів: {}; очікується щонайбільше {} (номер, ім’я, мітка, примітка)",
    ),
    (
        "",
        "unknown tag {}; the tags are customer, vip, staff_family, competitor",
        "неизвестная метка {}; метки: клиент, vip, семья, конкурент (или customer, vip, staff_family, competitor)",
        "невідома мітка {}; мітки: клієнт, vip, родина, конкурент (або customer, vip, staff_family, competitor)",
    ),
    ("", "nothing said about {}: give a name or a tag", "о номере {} ничего не сказано: укажите имя или метку", "про номер {} нічого не сказано: вкажіть ім’я або мітку"),
    ("", "the name is longer than {} characters", "имя длиннее {} символов", "ім’я довше за {} символів"),
    ("", "the note is longer than {} characters", "примечание длиннее {} символов", "примітка довша за {} символів"),
    ("", "control characters in the name or note", "управляющие символы в имени или примечании", "керівні символи в імені або примітці"),
    ("", "no number", "нет номера", "немає номера"),
    (
        "",
        "{} is not a phone number (the character {}); write digits, with + spaces - ( ) if you like",
        "{} — не номер телефона (символ {}); пишите цифры, можно с + пробелами - ( )",
        "{} — не номер телефону (символ {}); пишіть цифри, можна з + пробілами - ( )",
    ),
    ("", "{} has too few digits for a phone number", "в {} слишком мало цифр для номера телефона", "у {} замало цифр для номера телефону"),
    ("", "{} has {} digits; at most {}", "в {} цифр: {}; допустимо не больше {}", "у {} цифр: {}; допустимо щонайбільше {}"),
    (
        "",
        "the file is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" or \"CSV (comma delimited)\" instead",
        "файл в кодировке UTF-16 («Текст в Юникоде» Excel); сохраните его как «CSV UTF-8» или «CSV (разделители — запятые)»",
        "файл у кодуванні UTF-16 («Текст у Юнікоді» Excel); збережіть його як «CSV UTF-8» або «CSV (розділювачі — коми)»",
    ),
    ("", "a password has at least {} characters", "в пароле не меньше {} символов", "у паролі щонайменше {} символів"),
    ("", "a password has at most 256 bytes", "в пароле не больше 256 байт", "у паролі щонайбільше 256 байтів"),
    ("", "a password has no control characters", "в пароле не должно быть управляющих символов", "у паролі не має бути керівних символів"),
    (
        "",
        "a user name is 1 to 32 letters, digits, '.', '_' or '-'",
        "имя пользователя — от 1 до 32 букв, цифр, «.», «_» или «-»",
        "ім’я користувача — від 1 до 32 літер, цифр, «.», «_» або «-»",
    ),
    ("", "the last admin cannot be removed", "последнего администратора удалить нельзя", "останнього адміністратора видалити не можна"),
    (
        "",
        "{}'s password is set in the configuration ([web] admin_password_hash)",
        "пароль {} задан в настройках ([web] admin_password_hash)",
        "пароль {} задано в налаштуваннях ([web] admin_password_hash)",
    ),
    ("", "{} is set in the configuration", "{} задан в настройках", "{} задано в налаштуваннях"),
    ("", "no user {}", "нет пользователя {}", "немає користувача {}"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn placeholders(s: &str) -> usize {
        // `{}` and `{N}` both count.
        let mut n = 0;
        let mut rest = s;
        while let Some(i) = rest.find('{') {
            let after = &rest[i + 1..];
            match after.find('}') {
                Some(c) if after[..c].bytes().all(|b| b.is_ascii_digit()) => {
                    n += 1;
                    rest = &after[c + 1..];
                }
                _ => rest = after,
            }
        }
        n
    }

    #[test]
    fn catalog_is_complete_and_keys_are_unique() {
        let mut keys = HashSet::new();
        for m in UI {
            assert!(keys.insert(m.0), "key {} twice", m.0);
            for (lang, text) in [("en", m.1), ("ru", m.2), ("uk", m.3)] {
                assert!(!text.trim().is_empty(), "{} empty in {lang}", m.0);
            }
            let n = placeholders(m.1);
            assert_eq!(placeholders(m.2), n, "{}: placeholders in ru", m.0);
            assert_eq!(placeholders(m.3), n, "{}: placeholders in uk", m.0);
            if m.0.starts_with("n.") {
                assert_eq!(m.1.split('|').count(), 2, "{}: en one|other", m.0);
                assert_eq!(m.2.split('|').count(), 3, "{}: ru one|few|many", m.0);
                assert_eq!(m.3.split('|').count(), 3, "{}: uk one|few|many", m.0);
            }
        }
        let mut english = HashSet::new();
        for m in REPORT {
            assert!(english.insert(m.1), "report text {:?} twice", m.1);
            assert!(
                !m.2.trim().is_empty() && !m.3.trim().is_empty(),
                "{:?}",
                m.1
            );
            let n = m.1.matches("{}").count();
            assert_eq!(placeholders(m.2), n, "{:?} ru", m.1);
            assert_eq!(placeholders(m.3), n, "{:?} uk", m.1);
            // Russian and Ukrainian differ in their letters: a Ukrainian text with a Russian-only
            // letter (ы, э, ъ, ё) is a copy that was not translated.
            assert!(
                !m.3.contains(['ы', 'э', 'ъ', 'ё']),
                "uk of {:?}: {}",
                m.1,
                m.3
            );
            assert!(
                !m.2.contains(['і', 'ї', 'є', 'ґ']),
                "ru of {:?}: {}",
                m.1,
                m.2
            );
        }
        for m in UI {
            assert!(!m.3.contains(['ы', 'э', 'ъ', 'ё']), "uk {}: {}", m.0, m.3);
            assert!(!m.2.contains(['і', 'ї', 'є', 'ґ']), "ru {}: {}", m.0, m.2);
        }
        // Every calls column has a header in each language, the English one its name.
        let all = crate::export::COLUMNS
            .iter()
            .chain(crate::export::PHONEBOOK_COLUMNS);
        for (name, _) in all {
            assert_eq!(calls_column(Lang::En, name), *name);
            for l in [Lang::Ru, Lang::Uk] {
                assert_ne!(calls_column(l, name), *name, "{name} in {l:?}");
            }
        }
        // Every report has a title and an about line in the catalog.
        for (name, title, about) in crate::core::analytics::REPORTS {
            for l in [Lang::Ru, Lang::Uk] {
                assert_ne!(report_title(l, name, title), *title, "{name}");
                assert_ne!(report_about(l, name, about), *about, "{name}");
            }
        }
    }

    #[test]
    fn languages_and_codes() {
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
        assert_eq!(Lang::parse("RU-ru"), Some(Lang::Ru));
        assert_eq!(Lang::parse("ua"), Some(Lang::Uk));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn negotiation() {
        let al = |h| from_accept_language(h);
        assert_eq!(al("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"), Some(Lang::Ru));
        assert_eq!(al("uk"), Some(Lang::Uk));
        assert_eq!(al("ua"), Some(Lang::Uk));
        assert_eq!(al("de-DE,uk;q=0.5,ru;q=0.4"), Some(Lang::Uk));
        assert_eq!(al("en;q=0.3, ru;q=0.8"), Some(Lang::Ru));
        assert_eq!(al("ru;q=0, en"), Some(Lang::En));
        assert_eq!(al("be-BY"), Some(Lang::Ru));
        assert_eq!(al("kk, en;q=0.5"), Some(Lang::Ru));
        assert_eq!(al("de, fr;q=0.9, *;q=0.1"), None);
        assert_eq!(al("ru;q=abc"), None);
        assert_eq!(al(""), None);
        // Equal q: the first listed wins.
        assert_eq!(al("uk, ru"), Some(Lang::Uk));

        assert_eq!(negotiate(Some("uk"), Some("ru"), Some("en")), Lang::Uk);
        assert_eq!(negotiate(None, Some("ru"), Some("uk")), Lang::Ru);
        assert_eq!(negotiate(Some("xx"), Some("bogus"), Some("uk")), Lang::Uk);
        assert_eq!(negotiate(None, None, Some("de")), Lang::En);
        assert_eq!(negotiate(None, None, None), Lang::En);
        assert_eq!(
            cookie(Lang::Ru),
            "lang=ru; Max-Age=31536000; Path=/; SameSite=Lax"
        );
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(int(Lang::En, 1234567), "1234567");
        assert_eq!(int(Lang::Ru, 1234), "1234");
        assert_eq!(int(Lang::Ru, 12345), "12\u{202F}345");
        assert_eq!(int(Lang::Uk, -1234567), "-1\u{202F}234\u{202F}567");
        assert_eq!(dec(Lang::En, 8.1084, 2), "8.11");
        assert_eq!(dec(Lang::Ru, 8.1084, 2), "8,11");
        assert_eq!(dec(Lang::Uk, 12345.5, 1), "12\u{202F}345,5");
        assert_eq!(pct(Lang::En, 0.125), "12.5 %");
        assert_eq!(pct(Lang::Ru, 0.125), "12,5\u{a0}%");
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(date(Lang::En, d), "2026-11-23");
        assert_eq!(date(Lang::Ru, d), "23.11.2026");
        assert_eq!(date(Lang::Uk, d), "23.11.2026");
        let t = d.and_hms_opt(9, 5, 7).unwrap();
        assert_eq!(datetime(Lang::Ru, t, true), "23.11.2026 09:05:07");
        assert_eq!(datetime(Lang::En, t, false), "2026-11-23 09:05");
        assert_eq!(period(Lang::Uk, d, d), "23.11.2026 – 23.11.2026");
        assert_eq!(period(Lang::En, d, d), "2026-11-23 to 2026-11-23");
        assert_eq!(weekday_short(Lang::Uk, Weekday::Sun), "Нд");
        assert_eq!(weekday_short(Lang::Ru, Weekday::Sun), "Вс");
        let oct = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        assert_eq!(month_year(Lang::En, oct), "October 2026");
        assert_eq!(month_year(Lang::Ru, oct), "Октябрь 2026");
        assert_eq!(month_year(Lang::Uk, oct), "Жовтень 2026");
        assert_eq!(chart_label(Lang::Ru, "Mon 23 Nov"), "Пн 23 нояб.");
        assert_eq!(chart_label(Lang::Uk, "Sun"), "Нд");
        assert_eq!(chart_label(Lang::Ru, "09:00"), "09:00");
        assert_eq!(chart_label(Lang::En, "Mon 23 Nov"), "Mon 23 Nov");
        assert_eq!(
            duration_words(Lang::Ru, "5 min 03 s"),
            "5\u{a0}мин 03\u{a0}с"
        );
        assert_eq!(
            duration_words(Lang::Uk, "2 h 05 min"),
            "2\u{a0}год 05\u{a0}хв"
        );
        assert_eq!(duration_words(Lang::Ru, "3 d 4 h"), "3\u{a0}д 4\u{a0}ч");
        assert_eq!(duration_words(Lang::Ru, "not a duration"), "not a duration");
        assert_eq!(duration_words(Lang::En, "42 s"), "42 s");
    }

    #[test]
    fn cells_follow_the_locale_and_english_is_unchanged() {
        let t = NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(10, 5, 0)
            .unwrap();
        let cases = [
            Cell::Int(12345),
            Cell::Num(8.1084, 2),
            Cell::Secs(3725),
            Cell::Pct(0.125),
            Cell::Time(t),
            Cell::Empty,
            Cell::Text("2026-11-23".into()),
            Cell::Text("yes".into()),
        ];
        for c in &cases {
            assert_eq!(cell(Lang::En, c), c.human());
        }
        let ru: Vec<String> = cases.iter().map(|c| cell(Lang::Ru, c)).collect();
        assert_eq!(
            ru,
            [
                "12\u{202F}345",
                "8,11",
                "1:02:05",
                "12,5\u{a0}%",
                "23.11.2026 10:05",
                "–",
                "23.11.2026",
                "да"
            ]
        );
        assert_eq!(cell(Lang::Uk, &Cell::Text("yes".into())), "так");
    }

    #[test]
    fn plurals() {
        let forms =
            |l, ns: &[u64]| -> Vec<String> { ns.iter().map(|n| count(l, *n, "n.call")).collect() };
        assert_eq!(
            forms(Lang::Ru, &[1, 2, 5, 11, 12, 21, 22, 25, 101, 111, 0]),
            [
                "1 звонок",
                "2 звонка",
                "5 звонков",
                "11 звонков",
                "12 звонков",
                "21 звонок",
                "22 звонка",
                "25 звонков",
                "101 звонок",
                "111 звонков",
                "0 звонков"
            ]
        );
        assert_eq!(
            forms(Lang::Uk, &[1, 3, 5, 14, 24]),
            [
                "1 дзвінок",
                "3 дзвінки",
                "5 дзвінків",
                "14 дзвінків",
                "24 дзвінки"
            ]
        );
        assert_eq!(
            forms(Lang::En, &[1, 2, 0]),
            ["1 call", "2 calls", "0 calls"]
        );
        assert_eq!(count(Lang::Ru, 12345, "n.record"), "12\u{202F}345 записей");
        assert_eq!(counted(Lang::En, 3, "n.record"), "3");
        assert_eq!(counted(Lang::Uk, 3, "n.line"), "3 рядки");
        assert_eq!(
            tf(
                Lang::Ru,
                "status.today_counts",
                &[
                    &counted(Lang::Ru, 21, "n.record"),
                    &counted(Lang::Ru, 44, "n.line")
                ]
            ),
            "21 запись <small>(44 строки)</small>"
        );
    }

    #[test]
    fn templates_and_lookups() {
        assert_eq!(t(Lang::Ru, "nav.calls"), "Звонки");
        assert_eq!(t(Lang::En, "nav.calls"), "Calls");
        assert_eq!(tf(Lang::Uk, "status.of", &[&3, &200]), "3 з 200");
        assert_eq!(fill("{1} {0}", &["a".into(), "b".into()]), "b a");
        assert_eq!(
            report_text(Lang::Ru, "Answered within 20 s"),
            "Отвечено за 20 с"
        );
        assert_eq!(
            report_text(Lang::Uk, "answered within 20 s, over offered calls"),
            "прийнято за 20 с, від дзвінків, що надійшли"
        );
        assert_eq!(report_text(Lang::Ru, "lost 12.5"), "пропущено 12,5");
        assert_eq!(
            report_text(
                Lang::Uk,
                "serial link down for 3 s: /dev/smdr0 not found: is the serial adapter plugged \
                 in and the cable seated?"
            ),
            "немає зв’язку через послідовний порт уже 3\u{a0}с: /dev/smdr0 не знайдено: чи \
             під’єднано адаптер послідовного порту та чи вставлено кабель?"
        );
        assert_eq!(
            report_text(Lang::Ru, "capturing; last line 5 min 03 s ago"),
            "приём идёт; последняя строка 5\u{a0}мин 03\u{a0}с назад"
        );
        // Unknown text stays English; English is never touched.
        assert_eq!(report_text(Lang::Ru, "Something new"), "Something new");
        assert_eq!(report_text(Lang::En, "Answered"), "Answered");
        assert_eq!(
            report_title(Lang::Uk, "lost", "Lost calls and callbacks"),
            "Пропущені дзвінки та передзвони"
        );
        assert_eq!(report_title(Lang::Ru, "nosuch", "Whatever"), "Whatever");
    }
}

#[cfg(test)]
mod form_messages {
    use super::*;

    /// The checks' English messages as the pure modules write them, translated whole, with
    /// the inner known text translated too and the user's own text kept.
    #[test]
    fn settings_phonebook_and_account_checks_are_translated() {
        let names = crate::settings::parse_form(&crate::settings::Form::from([(
            "extensions".to_string(),
            "101 Anna".to_string(),
        )]))
        .unwrap_err();
        let e = &names["extensions"];
        assert_eq!(
            report_text(Lang::Ru, e),
            "строка 1, \"101 Anna\": нет «=»; пишите по одному в строке: \
             внутренний номер = имя, например 101 = Анна",
            "{e}"
        );
        let hours = crate::core::analytics::hours::parse_day("18:00-09:00").unwrap_err();
        assert!(
            report_text(Lang::Uk, &hours).starts_with("\"18:00-09:00\" закривається раніше"),
            "{hours}"
        );
        let refused = crate::phonebook::parse(b"number,name\n12a,Anna\n").unwrap_err();
        let line = refused.errors[0].to_string();
        assert_eq!(
            report_text(Lang::Uk, &line),
            "рядок 2: \"12a\" — не номер телефону (символ 'a'); пишіть цифри, можна з + \
             пробілами - ( )",
            "{line}"
        );
        let pw = crate::web::auth::check_new_password("short").unwrap_err();
        assert_ne!(report_text(Lang::Ru, &pw), pw);
        assert!(report_text(Lang::Ru, &pw).contains("не меньше"), "{pw}");
    }
}

#[cfg(test)]
mod report_words {
    use super::*;
    use crate::core::analytics::{self, Chart, ReportOptions};
    use crate::core::dialect::panasonic::{Layout, Panasonic};
    use crate::core::dialect::{DateOrder, Dialect};
    use crate::core::officeday::{office_day, DayOptions};
    use crate::core::record::Parsed;

    /// Every English text the reports print on generated office days (Patterns A, B and C,
    /// with and without a line count), which the catalog does not translate.
    fn untranslated(lang: Lang) -> Vec<String> {
        let mut missing = std::collections::BTreeSet::new();
        let first = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        for layout in [Layout::A, Layout::B, Layout::C] {
            let mut parser = Panasonic::new(DateOrder::Dmy);
            let mut records = Vec::new();
            for k in 0..4 {
                let mut o = DayOptions::new(first + chrono::Days::new(k), 11 + k);
                o.layout = layout;
                for l in office_day(&o) {
                    if let Parsed::Record { record, .. } = parser.parse(&l.text) {
                        records.push((records.len() as i64 + 1, *record));
                    }
                }
            }
            let calls = crate::core::calls::group(&records);
            for lines in [None, Some(2)] {
                let mut opts =
                    ReportOptions::new(first + chrono::Days::new(1), first + chrono::Days::new(3));
                opts.trunk_count = lines;
                for (name, _, _) in analytics::REPORTS {
                    let Some(r) = analytics::run(name, &calls, &opts) else {
                        continue;
                    };
                    let mut texts: Vec<String> = Vec::new();
                    for f in &r.figures {
                        texts.push(f.label.clone());
                        texts.extend(f.note.clone());
                    }
                    texts.extend(r.table.columns.iter().map(|c| c.label.to_string()));
                    texts.extend(r.notes.iter().cloned());
                    for row in &r.table.rows {
                        for c in row {
                            if let Cell::Text(s) = c {
                                texts.push(s.clone());
                            }
                        }
                    }
                    match &r.chart {
                        Some(Chart::Bars { title, series, .. })
                        | Some(Chart::Lines { title, series, .. }) => {
                            texts.push(title.clone());
                            texts.extend(series.iter().map(|s| s.name.clone()));
                        }
                        Some(Chart::Heatmap { title, .. }) => texts.push(title.clone()),
                        None => {}
                    }
                    for s in texts {
                        // Names, numbers, dates and codes are not words to translate.
                        let words = s.chars().filter(|c| c.is_ascii_lowercase()).count();
                        if words >= 3 && report_text(lang, &s) == s {
                            missing.insert(format!("{name}: {s}"));
                        }
                    }
                }
            }
        }
        missing.into_iter().collect()
    }

    #[test]
    fn every_report_text_is_translated() {
        for lang in [Lang::Ru, Lang::Uk] {
            let missing = untranslated(lang);
            assert!(
                missing.is_empty(),
                "{lang:?}: {} untranslated:\n{}",
                missing.len(),
                missing.join("\n")
            );
        }
    }
}
