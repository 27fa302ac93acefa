//! Languages over real HTTP: the web server on loopback with a real SQLite file holding three
//! generated office days. Accept-Language, `?lang=` and its cookie choose the language; every
//! page and report comes back in it, with no English label left over; CSV and XLSX downloads
//! have translated headers and the language's delimiter.

mod common;

use calamine::{open_workbook_from_rs, Reader as _, Xlsx};
use chrono::NaiveDate;
use smdrbox::core::analytics::REPORTS;
use smdrbox::core::dialect::{DateOrder, DialectChoice};
use smdrbox::core::health::{LinkState, Snapshot};
use smdrbox::core::officeday::{office_day, DayOptions};
use smdrbox::i18n::{self, Lang};
use smdrbox::store::Store;
use smdrbox::web;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const FROM: &str = "2026-03-02";
const TO: &str = "2026-03-04";

use common::HttpReply as Resp;

/// One GET with extra request headers (a login header can be added here once pages need it).
/// A 503 with `Retry-After` (both report slots busy: the tests share them) is tried again.
fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Resp {
    for _ in 0..100 {
        let r = get_once(addr, path, headers);
        if r.code != 503 || r.header("Retry-After").is_none() {
            return r;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{path}: report slots busy for 5 s");
}

fn get_once(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Resp {
    let mut head = format!("GET {path} HTTP/1.0");
    for (k, v) in headers {
        head.push_str(&format!("\r\n{k}: {v}"));
    }
    common::http_raw(&addr.to_string(), &head, b"")
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Three office days of Panasonic SMDR, imported into `db`.
fn fill(dir: &Path, db: &Path) {
    let mut text = String::new();
    let mut day = date(FROM);
    while day <= date(TO) {
        for l in office_day(&DayOptions::new(day, 7)) {
            text.push_str(&l.text);
            text.push_str("\r\n");
        }
        day = day.succ_opt().unwrap();
    }
    let capture = dir.join("days.log");
    std::fs::write(&capture, text).unwrap();
    let mut store = Store::open(db).unwrap();
    let r = smdrbox::import::import_file(
        &mut store,
        &capture,
        DialectChoice::default(),
        DateOrder::Dmy,
        0,
    )
    .unwrap();
    assert!(r.records > 300, "{} records", r.records);
}

fn start(db: &Path) -> web::Web {
    let snap = move || {
        let now = chrono::Local::now().timestamp_millis();
        Snapshot {
            version: "0.1.0-test".into(),
            started_ms: now - 3_600_000,
            port: "/dev/smdr0".into(),
            settings: "9600 8N1".into(),
            dialect: "panasonic".into(),
            link: LinkState::Up,
            link_reason: "/dev/smdr0".into(),
            link_since_ms: now - 65_000,
            last_line_ms: Some(now - 2_000),
            store_open: true,
            ..Snapshot::default()
        }
    };
    web::start(
        "127.0.0.1:0".parse().unwrap(),
        db.to_path_buf(),
        Arc::new(snap),
    )
    .unwrap()
}

/// The page's text without its markup (tags, and the `<style>` and `<svg>` contents' tags).
fn visible(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut in_style = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("<style>") {
            in_style = true;
        } else if rest.starts_with("</style>") {
            in_style = false;
        }
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag && !in_style => out.push(c),
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    out.replace("&amp;", "&").replace("&nbsp;", " ")
}

/// Whole-word occurrences of `word` in `text` (a label inside a longer word is not one).
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// English labels of the pages and reports (the catalog's English side) that a Russian or
/// Ukrainian page must not show.
const ENGLISH_LABELS: &[&str] = &[
    "Status",
    "Calls",
    "Reports",
    "Log out",
    "Capture",
    "Link",
    "Last line received",
    "Records",
    "Today",
    "In all",
    "Last record",
    "Since start",
    "Lines that could not be read",
    "Buffer",
    "Serial input",
    "Database",
    "Last commit",
    "Uptime",
    "Version",
    "Box time",
    "Status LEDs",
    "Meaning",
    "Latest events",
    "Latest calls",
    "Download as CSV",
    "this month",
    "last month",
    "Number / name",
    "Outcome",
    "Talk",
    "answered",
    "NOT ANSWERED",
    "Download last month",
    "Period",
    "Show",
    "From",
    "No calls in this period",
    "Note",
    "Incoming calls",
    "Outgoing calls",
    "Answered",
    "Lost",
    "Service level",
    "Average wait before answer",
    "Day",
    "Extension",
    "Talk time",
    "Lost calls",
    "Callers",
    "Busy hour",
    "Hour",
    "Mon",
    "Tue",
    "Wed",
];

fn assert_no_english(what: &str, html: &str) {
    let text = visible(html);
    let left: Vec<&str> = ENGLISH_LABELS
        .iter()
        .copied()
        .filter(|w| has_word(&text, w))
        .collect();
    assert!(left.is_empty(), "{what}: English left: {left:?}\n{text}");
    let titles: Vec<&str> = REPORTS
        .iter()
        .map(|(_, t, _)| *t)
        .filter(|t| text.contains(t))
        .collect();
    assert!(titles.is_empty(), "{what}: English titles {titles:?}");
}

#[test]
fn pages_reports_and_downloads_in_russian_and_ukrainian() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("calls.db");
    fill(dir.path(), &db);
    let web = start(&db);
    let addr = web.addr();
    let period = format!("from={FROM}&to={TO}");

    for (lang, accept) in [
        (Lang::Ru, "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"),
        (Lang::Uk, "uk-UA,uk;q=0.9,en;q=0.5"),
    ] {
        let hdr = [("Accept-Language", accept)];
        let html_lang = format!("<html lang=\"{}\">", lang.code());
        let mut pages = vec![
            ("/".to_string(), i18n::t(lang, "status.h1")),
            ("/calls".to_string(), i18n::t(lang, "calls.h1")),
            (format!("/reports?{period}"), i18n::t(lang, "reports.h1")),
        ];
        for (name, _, _) in REPORTS {
            pages.push((format!("/reports/{name}?{period}"), ""));
        }
        for (path, heading) in &pages {
            let r = get(addr, path, &hdr);
            assert_eq!(r.code, 200, "{path}");
            let html = r.text();
            assert!(html.contains(&html_lang), "{path}: {}", &html[..200]);
            assert!(html.contains(heading), "{path}: no {heading:?}");
            assert_no_english(&format!("{lang:?} {path}"), &html);
            // Without ?lang= nothing is remembered.
            assert_eq!(r.header("Set-Cookie"), None, "{path}");
        }
        for (name, title, _) in REPORTS {
            let r = get(addr, &format!("/reports/{name}?{period}"), &hdr);
            let want = i18n::report_title(lang, name, title);
            assert!(
                r.text().contains(&format!("<h1>{want}</h1>")),
                "{name} in {lang:?}"
            );
            // Dates in the locale: 02.03.2026.
            assert!(r.text().contains("02.03.2026"), "{name}: period date");
        }

        // The calls CSV: `;` and translated headers, the columns in the same order.
        let r = get(addr, &format!("/export.csv?{period}"), &hdr);
        assert_eq!(r.code, 200);
        let csv = r.text();
        let csv = csv.strip_prefix('\u{feff}').expect("BOM");
        let header = csv.lines().next().unwrap();
        let want: Vec<String> = smdrbox::export::COLUMNS
            .iter()
            .map(|(n, _)| i18n::calls_column(lang, n))
            .collect();
        assert_eq!(header, want.join(";"), "{lang:?}");
        assert!(header.contains("Дата"));
        assert!(csv.lines().count() > 300);
        assert!(csv.lines().nth(1).unwrap().contains(';'));
        // ?sep= wins over the language.
        let r = get(addr, &format!("/export.csv?{period}&sep=comma"), &hdr);
        assert!(r.text().lines().next().unwrap().contains(','));

        // A report's CSV too.
        let r = get(addr, &format!("/reports/summary.csv?{period}"), &hdr);
        let csv = r.text();
        let head = csv.trim_start_matches('\u{feff}').lines().next().unwrap();
        assert!(head.starts_with(&format!("{};", i18n::report_text(lang, "Day"))));
        assert!(!head.contains("incoming"), "{head}");

        // A report's workbook: sheets and headers in the language.
        let r = get(addr, &format!("/reports/summary.xlsx?{period}"), &hdr);
        assert_eq!(r.code, 200);
        let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(r.body)).unwrap();
        assert_eq!(
            book.sheet_names(),
            [i18n::t(lang, "xlsx.figures"), i18n::t(lang, "xlsx.table")]
        );
        let table = book.worksheet_range(i18n::t(lang, "xlsx.table")).unwrap();
        let first = table.get((0, 0)).unwrap().to_string();
        assert_eq!(first, i18n::report_text(lang, "Day"));
    }

    // English stays as it was: column names, commas, ISO dates.
    let r = get(addr, &format!("/export.csv?{period}"), &[]);
    let names: Vec<&str> = smdrbox::export::COLUMNS.iter().map(|(n, _)| *n).collect();
    let csv = r.text();
    assert_eq!(
        csv.trim_start_matches('\u{feff}').lines().next().unwrap(),
        names.join(",")
    );
    let r = get(addr, &format!("/reports/summary?{period}"), &[]);
    let html = r.text();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains(&format!("{FROM} to {TO}")), "ISO period");
    assert!(html.contains("<h1>Calls, lost calls and waiting</h1>"));
    web.stop();
}

#[test]
fn the_switch_is_remembered_in_a_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("calls.db");
    fill(dir.path(), &db);
    let web = start(&db);
    let addr = web.addr();
    let en = [("Accept-Language", "en-US,en;q=0.9")];

    // ?lang=uk beats Accept-Language and sets the cookie for a year.
    let r = get(addr, "/calls?lang=uk", &en);
    assert!(r.text().contains("<html lang=\"uk\">"));
    let cookie = r.header("Set-Cookie").expect("Set-Cookie");
    assert!(cookie.starts_with("lang=uk;"), "{cookie}");
    for part in ["Max-Age=31536000", "Path=/", "SameSite=Lax"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    // The next request sends it back and stays Ukrainian, English browser or not.
    let back = cookie.split(';').next().unwrap();
    let with_cookie = [("Accept-Language", "en-US,en;q=0.9"), ("Cookie", back)];
    let r = get(addr, "/", &with_cookie);
    let html = r.text();
    assert!(html.contains("<html lang=\"uk\">"), "{}", &html[..300]);
    assert!(html.contains(i18n::t(Lang::Uk, "status.h1")));
    assert_eq!(r.header("Set-Cookie"), None);

    // The switch links keep the page's query and mark the current language.
    let q = format!("from={FROM}&to={TO}");
    let r = get(addr, &format!("/reports/lost?{q}"), &with_cookie);
    let html = r.text();
    assert!(
        html.contains(&format!(
            "href=\"/reports/lost?from={FROM}&amp;to={TO}&amp;lang=ru\""
        )),
        "{}",
        &html[..1500]
    );
    assert!(html.contains("<b lang=\"uk\""), "current language in bold");
    // A download is answered with the cookie too (from its worker thread).
    let r = get(addr, &format!("/reports/lost.csv?{q}&lang=ru"), &en);
    assert_eq!(r.code, 200);
    assert!(r.header("Set-Cookie").unwrap().starts_with("lang=ru;"));
    assert!(r.text().lines().next().unwrap().contains(';'));
    // An unknown language is ignored: the cookie's stays.
    let r = get(addr, "/calls?lang=xx", &with_cookie);
    assert!(r.text().contains("<html lang=\"uk\">"));
    assert_eq!(r.header("Set-Cookie"), None);
    web.stop();
}

/// English labels of the login, first-visit, account, settings and phonebook pages.
const ENGLISH_FORM_LABELS: &[&str] = &[
    "Log in",
    "User",
    "Password",
    "Call records hold",
    "Set the admin password",
    "Again",
    "Set and log in",
    "Account",
    "Logged in as",
    "Change my password",
    "Current",
    "New",
    "Change",
    "Accounts",
    "Role",
    "Remove",
    "set in the configuration",
    "Add or replace an account",
    "manager (read only)",
    "Save",
    "Settings",
    "Phonebook",
    "Names",
    "Extensions",
    "Working hours",
    "Monday",
    "Sunday",
    "Holidays",
    "Answered within",
    "Tariffs",
    "Currency",
    "Tariff table",
    "Configuration file",
    "Replace the phonebook",
    "Upload",
    "Find",
    "no tag",
    "numbers",
    "The phonebook is empty",
    "Wrong user name or password",
    "The account is saved",
    "The current password is wrong",
    "The two passwords differ",
];

/// A page in `lang`: its `<html lang>`, its translated title, and neither the pages' nor
/// these forms' English labels.
fn assert_form_page(what: &str, html: &str, lang: Lang, title_key: &'static str) {
    assert!(
        html.contains(&format!("<html lang=\"{}\">", lang.code())),
        "{what}: {}",
        &html[..html.len().min(300)]
    );
    let title = format!("<title>{}</title>", i18n::t(lang, title_key));
    assert!(html.contains(&title), "{what}: no {title}");
    assert_no_english(what, html);
    let text = visible(html);
    let left: Vec<&str> = ENGLISH_FORM_LABELS
        .iter()
        .copied()
        .filter(|w| has_word(&text, w))
        .collect();
    assert!(left.is_empty(), "{what}: English left: {left:?}\n{text}");
}

/// The login, first-visit, account, settings and phonebook pages of the real daemon, with
/// their messages, in Russian and Ukrainian (the `lang` cookie, as the switch leaves it).
#[test]
fn login_account_settings_and_phonebook_in_russian_and_ukrainian() {
    let tb = common::TestBox::new("", "");
    let d = tb.start();
    for lang in [Lang::Ru, Lang::Uk] {
        let l = lang.code();
        let mut b = common::Browser::new(&d.addr);
        b.cookies.push(("lang".into(), l.into()));
        let r = b.get("/login");
        assert_eq!(r.code, 200);
        assert_form_page(&format!("/login {l}"), &r.text(), lang, "login.title");

        // A wrong password: the refusal is in the language too.
        let r = b.log_in("admin", "not the password");
        assert_eq!(r.code, 403);
        assert!(r.text().contains(i18n::t(lang, "msg.wrong_login")), "{l}");
        assert_form_page(
            &format!("/login refused {l}"),
            &r.text(),
            lang,
            "login.title",
        );

        let r = b.log_in("admin", common::ADMIN_PASSWORD);
        assert_eq!(r.code, 303, "{}", r.text());
        let r = b.get("/account");
        assert_eq!(r.code, 200);
        let html = r.text();
        assert!(html.contains(i18n::t(lang, "role.admin")), "{l}");
        assert_form_page(&format!("/account {l}"), &html, lang, "account.title");

        // Add a manager: the confirmation, the table's roles and the manager's own page.
        let csrf = common::hidden(&html, "csrf").expect("csrf");
        let r = b.post(
            "/account/users",
            &format!("csrf={csrf}&user=boss{l}&role=manager&password=manager+one"),
        );
        assert_eq!(r.code, 303, "{}", r.text());
        let r = b.get("/account?ok=saved");
        let html = r.text();
        assert!(html.contains(i18n::t(lang, "msg.saved")), "{l}: {html}");
        assert!(html.contains(i18n::t(lang, "role.manager")), "{l}");
        assert_form_page(&format!("/account saved {l}"), &html, lang, "account.title");

        let r = b.get("/settings");
        assert_eq!(r.code, 200);
        let html = r.text();
        assert!(
            html.contains("<textarea id=\"extensions\""),
            "the admin's form"
        );
        assert!(html.contains(i18n::t(lang, "day.fri")), "{l}");
        assert_form_page(&format!("/settings {l}"), &html, lang, "settings.title");
        // A refused save: the check's message beside its field, in the language.
        let r = b.post("/settings", &format!("csrf={csrf}&service_level_secs=abc"));
        assert_eq!(r.code, 400, "{}", r.text());
        let html = r.text();
        let english =
            "\"abc\": the service-level threshold is whole seconds from 1 to 3600, e.g. 20";
        assert!(!html.contains("service-level threshold"), "{l}: {html}");
        let shown = i18n::report_text(lang, english);
        assert!(
            html.contains(&*shown.replace('"', "&quot;")),
            "{l}: {shown}\n{html}"
        );
        assert_form_page(
            &format!("/settings refused {l}"),
            &html,
            lang,
            "settings.title",
        );

        let r = b.get("/phonebook");
        assert_eq!(r.code, 200);
        let html = r.text();
        assert!(html.contains(i18n::t(lang, "phonebook.upload_h")), "{l}");
        assert_form_page(&format!("/phonebook {l}"), &html, lang, "phonebook.title");

        // The manager: read-only settings and phonebook, own password form, in the language.
        let mut m = common::Browser::new(&d.addr);
        m.cookies.push(("lang".into(), l.into()));
        let r = m.log_in(&format!("boss{l}"), "manager one");
        assert_eq!(r.code, 303, "{}", r.text());
        let r = m.get("/account");
        assert_form_page(
            &format!("/account manager {l}"),
            &r.text(),
            lang,
            "account.title",
        );
        let csrf = m.csrf();
        let r = m.post(
            "/account/password",
            &format!("csrf={csrf}&current=wrong+one&password=new+password&again=new+password"),
        );
        assert_eq!(r.code, 403);
        assert!(r.text().contains(i18n::t(lang, "msg.current_wrong")), "{l}");
        assert_form_page(
            &format!("/account refused {l}"),
            &r.text(),
            lang,
            "account.title",
        );
        let html = m.get("/settings").text();
        assert!(!html.contains("<textarea"), "read-only for a manager");
        assert!(html.contains(i18n::t(lang, "settings.read_only")), "{l}");
        assert_form_page(
            &format!("/settings manager {l}"),
            &html,
            lang,
            "settings.title",
        );
        let html = m.get("/phonebook").text();
        assert!(
            !html.contains("multipart/form-data"),
            "no upload for a manager"
        );
        assert_form_page(
            &format!("/phonebook manager {l}"),
            &html,
            lang,
            "phonebook.title",
        );
    }
    d.stop();
}

/// The first visit (no account yet: no admin hash in the configuration) in both languages.
#[test]
fn the_first_visit_in_russian_and_ukrainian() {
    let tb = common::TestBox::new("", "");
    let text = std::fs::read_to_string(&tb.config).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("admin_password_hash"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&tb.config, without).unwrap();
    // Without an account the status JSON needs a login, so wait for the page only.
    let d = common::Daemon::start_without_db(&tb.config, &[]);
    for lang in [Lang::Ru, Lang::Uk] {
        let l = lang.code();
        let mut b = common::Browser::new(&d.addr);
        b.cookies.push(("lang".into(), l.into()));
        let r = b.get("/setup");
        assert_eq!(r.code, 200, "{}", r.text());
        let html = r.text();
        assert_form_page(&format!("/setup {l}"), &html, lang, "setup.title");
        // Two different passwords: refused, in the language; nothing is set.
        let form = common::hidden(&html, "form").expect("form token");
        let r = b.post(
            "/setup",
            &format!("form={form}&password=first+password&again=other+password"),
        );
        assert_eq!(r.code, 400);
        assert!(
            r.text().contains(i18n::t(lang, "msg.passwords_differ")),
            "{l}"
        );
        assert_form_page(
            &format!("/setup refused {l}"),
            &r.text(),
            lang,
            "setup.title",
        );
    }
    d.stop();
}

/// `/calls` names and tags the numbers the phonebook knows, in the page's language.
#[test]
fn calls_show_phonebook_names_and_tags() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("calls.db");
    fill(dir.path(), &db);
    let calls = smdrbox::store::read::Reader::open(&db)
        .unwrap()
        .latest_calls(50)
        .unwrap();
    let number = calls
        .iter()
        .map(|c| c.number.clone())
        .find(|n| n.len() >= 5)
        .expect("an outside number among the latest calls");
    let entry = smdrbox::phonebook::Entry {
        number: number.clone(),
        name: "Acme Trading".into(),
        tag: Some(smdrbox::phonebook::Tag::Competitor),
        note: String::new(),
    };
    Store::replace_phonebook(&db, &[entry]).unwrap();
    let web = start(&db);
    for (lang, tag) in [
        (Lang::En, "competitor"),
        (Lang::Ru, "конкурент"),
        (Lang::Uk, "конкурент"),
    ] {
        let html = get(web.addr(), &format!("/calls?lang={}", lang.code()), &[]).text();
        assert!(
            html.contains(&format!(
                "<b>Acme Trading</b> <small class=\"tag\" data-tag=\"competitor\">{tag}</small>"
            )),
            "{lang:?}: {number}"
        );
    }
    web.stop();
}
