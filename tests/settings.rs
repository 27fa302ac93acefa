//! Settings and working hours, end to end.
//!
//! 1. Working hours in the reports: a small Panasonic printout (Pattern C, with DDIs) of one
//!    Monday whose calls fall before, within and after the hours, one of them ringing across
//!    the opening time, read by the real parser, grouped, reported with and without `[hours]`;
//!    the figures the hours change are checked against counts made by hand here, and the
//!    reports' figures and extra columns against `tests/hours/monday.golden.json`
//!    (`UPDATE_GOLDEN=1` rewrites it).
//! 2. The settings page on the real daemon: the same printout imported, an admin saves names,
//!    DID channels and hours through the form; they go to `settings.toml` beside the database
//!    and the main config file stays untouched; the reports follow without a restart, and a
//!    restart keeps them; a bad value is refused beside its field with the file untouched; a
//!    manager sees the settings read-only and cannot save (403). A settings file that does not
//!    load at start is logged and shown while capture goes on; one holding a section of the
//!    main config is refused with file:line; a settings location the service cannot write
//!    says so on the page.

mod common;
mod truth_days;

use chrono::{NaiveDateTime, NaiveTime};
use common::{Browser, Daemon, TestBox, ADMIN_PASSWORD, BIN};
use smdrbox::core::analytics::{self, hours, Cell, Report, ReportOptions};
use smdrbox::core::calls::group;
use smdrbox::core::dialect::DateOrder;
use smdrbox::core::officeday::{format_record, Fields, Layout};
use std::path::{Path, PathBuf};
use truth_days::cells::fig;
use truth_days::printout::{date, parse_lines, Spec};

const DAY: &str = "2026-11-23"; // a Monday

/// (printed at = the leg's end, ext, CO, dial, ring, talk, condition). Working hours in the
/// tests: Monday to Friday 09:00-18:00.
const PRINTOUT: &[Spec] = &[
    // Lost before opening: began 08:39:40.
    (
        "2026-11-23 08:40",
        "101",
        Some(1),
        "<D>801<I>0364111001",
        20,
        Some(0),
        "NA",
    ),
    // Rang from 08:59:40 across the opening, answered after 50 s: began outside hours.
    (
        "2026-11-23 09:01",
        "103",
        Some(2),
        "<I>0364111008",
        50,
        Some(30),
        "",
    ),
    // In hours: answered after 10 s (within T = 20 s).
    (
        "2026-11-23 09:32",
        "101",
        Some(1),
        "<D>801<I>0364111002",
        10,
        Some(90),
        "",
    ),
    // In hours: lost after 40 s.
    (
        "2026-11-23 10:01",
        "102",
        Some(2),
        "<D>802<I>0364111003",
        40,
        Some(0),
        "NA",
    ),
    // Outgoing, in hours.
    (
        "2026-11-23 11:01",
        "101",
        Some(1),
        "0364999000",
        0,
        Some(45),
        "",
    ),
    // In hours: answered after 30 s (not within T).
    (
        "2026-11-23 12:02",
        "102",
        Some(2),
        "<I>0364111004",
        30,
        Some(60),
        "",
    ),
    // Lost after closing: began 18:30:35.
    (
        "2026-11-23 18:31",
        "101",
        Some(1),
        "<D>801<I>0364111005",
        25,
        Some(0),
        "NA",
    ),
    // Answered after closing, after 5 s.
    (
        "2026-11-23 19:03",
        "103",
        Some(1),
        "<D>802<I>0364111006",
        5,
        Some(120),
        "",
    ),
];

/// The printed lines. As `printout::line`, but a line with a DDI (`<D>801<I>...`) is
/// incoming too and prints its ring time.
fn printout_lines() -> Vec<String> {
    PRINTOUT
        .iter()
        .map(|&(at, ext, co, dial, ring, dur, cd)| {
            let at = NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap();
            let f = Fields {
                date: at.date(),
                time_secs: (at.time() - NaiveTime::MIN).num_seconds() as u32,
                ext: ext.into(),
                co,
                dial: dial.into(),
                ring_secs: dial.contains("<I>").then_some(ring),
                duration_secs: dur,
                cost_cents: co.map(|_| 0),
                account: None,
                condition: cd.into(),
            };
            format_record(Layout::C, &f, false, DateOrder::Dmy)
        })
        .collect()
}

fn office_hours() -> hours::WorkingHours {
    let mut h = hours::WorkingHours::default();
    for d in 0..5 {
        h.days[d] = hours::parse_day("09:00-18:00").unwrap();
    }
    h
}

fn reports(with_hours: bool) -> Vec<Report> {
    let calls = group(&parse_lines(printout_lines()));
    let mut o = ReportOptions::new(date(DAY), date(DAY));
    o.did_names.insert("801".into(), "Google Ads".into());
    o.line_names.insert("802".into(), "Radio".into());
    if with_hours {
        o.working_hours = Some(office_hours());
    }
    ["summary", "lines", "lost"]
        .iter()
        .map(|n| analytics::run(n, &calls, &o).unwrap())
        .collect()
}

fn pct(a: u32, b: u32) -> Cell {
    Cell::Pct(f64::from(a) / f64::from(b))
}

#[test]
fn working_hours_split_the_lost_calls_and_rate_only_calls_in_hours() {
    let without = reports(false);
    let with = reports(true);
    let (s0, s1) = (&without[0], &with[0]);
    // Every call counts in both; the rates move to the three calls in hours (09:30 answered
    // in 10 s, 10:00 lost, 12:00 answered in 30 s).
    for s in [s0, s1] {
        assert_eq!(fig(s, "incoming"), &Cell::Int(7));
        assert_eq!(fig(s, "answered"), &Cell::Int(4));
        assert_eq!(fig(s, "lost"), &Cell::Int(3));
    }
    assert_eq!(fig(s0, "lost_share"), &pct(3, 7));
    assert_eq!(fig(s0, "service_level"), &pct(2, 7));
    assert!(s0.figures.iter().all(|f| f.key != "lost_outside_hours"));
    assert_eq!(fig(s1, "lost_share"), &pct(1, 3));
    assert_eq!(fig(s1, "service_level"), &pct(1, 3));
    assert_eq!(fig(s1, "incoming_outside_hours"), &Cell::Int(4));
    assert_eq!(fig(s1, "lost_outside_hours"), &Cell::Int(2));
    // Average wait over the answered calls in hours: (10 + 30) / 2.
    assert_eq!(fig(s1, "asa"), &Cell::Secs(20));

    let (l0, l1) = (&without[1], &with[1]);
    assert_eq!(fig(l1, "lost_outside_hours"), &Cell::Int(2));
    assert_eq!(fig(l1, "service_level"), &pct(1, 3));
    assert_eq!(fig(l0, "service_level"), &pct(2, 7));
    // The DID rows carry the channel names: [names.dids] first, a DDI in [names.lines] too.
    let labels: Vec<String> = l1.table.rows.iter().map(|r| r[0].human()).collect();
    assert!(labels.contains(&"801 Google Ads".to_string()), "{labels:?}");
    assert!(labels.contains(&"802 Radio".to_string()), "{labels:?}");
    let row_801 = &l1.table.rows[labels.iter().position(|l| l == "801 Google Ads").unwrap()];
    // 801: 08:40 lost (outside), 09:32 answered, 18:31 lost (outside).
    assert_eq!(
        (
            &row_801[2],
            &row_801[3],
            &row_801[4],
            row_801.last().unwrap()
        ),
        (&Cell::Int(3), &Cell::Int(1), &Cell::Int(2), &Cell::Int(2))
    );

    let lost = &with[2];
    assert_eq!(fig(lost, "lost_in_hours"), &Cell::Int(1));
    assert_eq!(fig(lost, "lost_outside_hours"), &Cell::Int(2));
    let when: Vec<String> = lost
        .table
        .rows
        .iter()
        .map(|r| r.last().unwrap().human())
        .collect();
    assert_eq!(when, ["outside hours", "in hours", "outside hours"]);

    // Without hours the reports are as before hours existed: no extra figure or column.
    for (a, b) in without.iter().zip(&with) {
        assert_eq!(
            a.table.columns.len() + 1,
            b.table.columns.len(),
            "{}",
            a.name
        );
    }
    check_golden(&without, &with);
}

/// The figures and table heads of each report, with and without hours, against the golden
/// file.
fn check_golden(without: &[Report], with: &[Report]) {
    let pick = |rs: &[Report]| -> serde_json::Value {
        rs.iter()
            .map(|r| {
                let figs: serde_json::Map<String, serde_json::Value> = r
                    .figures
                    .iter()
                    .map(|f| {
                        (
                            f.key.to_string(),
                            serde_json::Value::String(f.value.plain()),
                        )
                    })
                    .collect();
                let rows: Vec<Vec<String>> = r
                    .table
                    .rows
                    .iter()
                    .map(|row| row.iter().map(Cell::plain).collect())
                    .collect();
                let cols: Vec<&str> = r.table.columns.iter().map(|c| c.key).collect();
                (
                    r.name.to_string(),
                    serde_json::json!({ "figures": figs, "columns": cols, "rows": rows }),
                )
            })
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let got = serde_json::json!({
        "without_hours": pick(without),
        "with_hours_mon_fri_09_18": pick(with),
    });
    let got = serde_json::to_string_pretty(&got).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hours/monday.golden.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert_eq!(got, want, "golden {} differs", path.display());
}

// ---------------------------------------------------------------------------------------------
// 2. The page on the real daemon.

/// The installer's part of the test box's configuration, with comments to keep.
const TABLES: &str = "
# Report settings: keep this comment.
[report]
service_level_secs = 20 # seconds

# Who is who.
[names.extensions]
# The front desk.
101 = \"Anna\"
";

/// A test box whose database holds the printout (imported through the CLI, as an installer
/// loads old logs).
fn box_with_calls() -> TestBox {
    let tb = TestBox::new("", TABLES);
    let capture = tb.dir.path().join("monday.log");
    let mut text = String::from("# CONSTRUCTED: tests/settings.rs PRINTOUT, Pattern C\r\n");
    for l in printout_lines() {
        text.push_str(&l);
        text.push_str("\r\n");
    }
    std::fs::write(&capture, text).unwrap();
    let out = std::process::Command::new(BIN)
        .args(["import", "--config"])
        .arg(&tb.config)
        .arg(&capture)
        .output()
        .unwrap();
    assert!(out.status.success(), "import: {out:?}");
    tb
}

fn report_json(b: &mut Browser, name: &str) -> serde_json::Value {
    let r = b.get(&format!("/reports/{name}.json?from={DAY}&to={DAY}"));
    assert_eq!(r.code, 200, "{}", r.text());
    serde_json::from_slice(&r.body).unwrap()
}

fn figure(report: &serde_json::Value, key: &str) -> Option<serde_json::Value> {
    common::report_figure(report, key)
}

/// The form as the page fills it, with `changes`.
fn form_with(page: &str, csrf: &str, changes: &[(&str, &str)]) -> String {
    let mut fields: Vec<(String, String)> = smdrbox::web::settings::PARAMS
        .iter()
        .filter(|k| !matches!(**k, "saved" | "csrf"))
        .map(|k| (k.to_string(), field_value(page, k)))
        .collect();
    for (k, v) in changes {
        match fields.iter_mut().find(|(n, _)| n == k) {
            Some(f) => f.1 = v.to_string(),
            None => fields.push((k.to_string(), v.to_string())),
        }
    }
    let mut body = format!("csrf={csrf}");
    for (k, v) in fields {
        body.push_str(&format!("&{k}={}", common::urlencode(&v)));
    }
    body
}

/// The value the page shows in the input or textarea `name` (HTML-unescaped).
fn field_value(page: &str, name: &str) -> String {
    let unescape = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    };
    if let Some(at) = page.find(&format!("<textarea id=\"{name}\" name=\"{name}\"")) {
        let rest = &page[at..];
        let start = rest.find('>').unwrap() + 1;
        let end = rest.find("</textarea>").unwrap();
        return unescape(&rest[start..end]);
    }
    let at = page
        .find(&format!("<input id=\"{name}\" name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no field {name}"));
    let rest = &page[at..];
    let start = rest.find("value=\"").unwrap() + 7;
    let end = start + rest[start..].find('"').unwrap();
    unescape(&rest[start..end])
}

/// The settings file of a test box: beside its database.
fn settings_file(tb: &TestBox) -> PathBuf {
    tb.db.parent().unwrap().join("settings.toml")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn an_admin_saves_and_the_reports_follow_without_a_restart() {
    let tb = box_with_calls();
    let settings = settings_file(&tb);
    let d = tb.start();
    assert!(
        d.log_contains(&format!("settings: no {}", settings.display())),
        "the log says which settings file"
    );
    let mut admin = Browser::logged_in(&d.addr, "admin", ADMIN_PASSWORD);

    let before = report_json(&mut admin, "summary");
    assert_eq!(figure(&before, "lost_outside_hours"), None);
    assert_eq!(figure(&before, "lost").unwrap(), 3);

    let page = admin.get("/settings");
    assert_eq!(page.code, 200, "{}", page.text());
    let page = page.text();
    let csrf = common::hidden(&page, "csrf").expect("csrf field on /settings");
    assert_eq!(field_value(&page, "extensions"), "101 = Anna");
    assert_eq!(field_value(&page, "service_level_secs"), "20");

    let original = read(&tb.config);
    let weekday = "09:00-18:00";
    let body = form_with(
        &page,
        &csrf,
        &[
            ("extensions", "101 = Anna K.\n103 = Vera"),
            ("dids", "801 = Google Ads\n802 = Radio"),
            ("mon", weekday),
            ("tue", weekday),
            ("wed", weekday),
            ("thu", weekday),
            ("fri", weekday),
            ("holidays", "2026-12-31"),
        ],
    );
    let r = admin.post("/settings", &body);
    assert_eq!(r.code, 303, "{}", r.text());
    assert_eq!(r.header("location"), Some("/settings?saved=1"));
    let saved = admin.get("/settings?saved=1").text();
    assert!(saved.contains("id=\"saved\""), "{saved}");
    assert!(
        saved.contains(&format!("<code>{}</code>", settings.display()))
            && saved.contains(&format!("<code>{}</code>", tb.config.display())),
        "says where it saved and what it overrides: {saved}"
    );

    // The main file untouched; the edits in settings.toml, and only the page's sections.
    assert_eq!(read(&tb.config), original);
    let text = read(&settings);
    for want in [
        "101 = \"Anna K.\"",
        "mon = \"09:00-18:00\"",
        "801 = \"Google Ads\"",
        "[report]",
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
    for never in ["[source]", "[store]", "[web]", "admin_password_hash"] {
        assert!(
            !text.contains(never),
            "{never} in the settings file:\n{text}"
        );
    }
    // check-config reads both and says what the settings file overrides.
    let check = std::process::Command::new(BIN)
        .arg("check-config")
        .arg(&tb.config)
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(
        out.contains(&format!(
            "{}: ok, overrides [names], [hours]",
            settings.display()
        )),
        "{out}"
    );

    // The reports follow at once: the same daemon, no restart.
    let after = report_json(&mut admin, "summary");
    assert_eq!(figure(&after, "lost_outside_hours").unwrap(), 2);
    assert_eq!(figure(&after, "incoming_outside_hours").unwrap(), 4);
    let lines = report_json(&mut admin, "lines");
    let labels: Vec<String> = lines["table"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0]["v"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(labels.contains(&"801 Google Ads".to_string()), "{labels:?}");
    let operators = admin
        .get(&format!("/reports/operators?from={DAY}&to={DAY}"))
        .text();
    assert!(
        operators.contains("Anna K."),
        "new extension name on the page"
    );

    // A bad value: refused beside its field, the file untouched, the typed value shown again.
    let page = admin.get("/settings").text();
    let good = read(&settings);
    let r = admin.post(
        "/settings",
        &form_with(&page, &csrf, &[("tue", "9-18"), ("lines", "01 = Main")]),
    );
    assert_eq!(r.code, 400, "{}", r.text());
    let t = r.text();
    assert!(t.contains("id=\"err-tue\""), "{t}");
    assert!(
        t.contains("09:00-18:00 (several"),
        "says what is expected: {t}"
    );
    assert!(t.contains("value=\"9-18\""), "the typed value stays: {t}");
    assert_eq!(read(&settings), good);
    let r = admin.post(
        "/settings",
        &form_with(&page, &csrf, &[("tariffs", "+39; Italy; 0.10")]),
    );
    assert_eq!(r.code, 400);
    assert!(r.text().contains("id=\"err-tariffs\""), "{}", r.text());
    assert_eq!(read(&settings), good);
    // The running configuration did not change either.
    assert_eq!(
        figure(&report_json(&mut admin, "summary"), "lost_outside_hours").unwrap(),
        2
    );

    // A manager: read-only page, no save.
    let r = admin.post(
        "/account/users",
        &format!("csrf={csrf}&user=boss&role=manager&password=manager+one"),
    );
    assert_eq!(r.code, 303, "{}", r.text());
    let mut boss = Browser::logged_in(&d.addr, "boss", "manager one");
    let page = boss.get("/settings");
    assert_eq!(page.code, 200);
    let page = page.text();
    assert!(
        !page.contains("<textarea") && !page.contains("<form method=\"post\" action=\"/settings\"")
    );
    assert!(page.contains("101 = Anna K."), "{page}");
    let bcsrf = boss.csrf();
    let r = boss.post(
        "/settings",
        &form_with(&admin.get("/settings").text(), &bcsrf, &[("mon", "")]),
    );
    assert_eq!(r.code, 403, "{}", r.text());
    assert_eq!(read(&settings), good);
    d.stop();

    // A restart keeps them: the daemon reads settings.toml over the main file.
    let d = tb.start();
    assert!(
        d.log_contains(&format!(
            "settings: read {}: it overrides [names], [hours]",
            settings.display()
        )),
        "the log names the settings file"
    );
    let mut admin = Browser::logged_in(&d.addr, "admin", ADMIN_PASSWORD);
    let again = report_json(&mut admin, "summary");
    assert_eq!(figure(&again, "lost_outside_hours").unwrap(), 2);
    let page = admin.get("/settings").text();
    assert_eq!(
        field_value(&page, "extensions"),
        "101 = Anna K.\n103 = Vera"
    );
    assert_eq!(field_value(&page, "mon"), weekday);
    d.stop();
    assert_eq!(read(&tb.config), original);
}

#[test]
fn a_settings_file_that_does_not_load_at_start_is_shown_and_capture_goes_on() {
    let tb = TestBox::new("commit_interval_ms = 50\n", TABLES);
    let settings = settings_file(&tb);
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();

    // A section of the main configuration: refused with file:line, by check-config too.
    std::fs::write(
        &settings,
        "[hours]\nmon = \"09:00-18:00\"\n\n[web]\nlisten = \"0.0.0.0:80\"\n",
    )
    .unwrap();
    let check = std::process::Command::new(BIN)
        .arg("check-config")
        .arg(&tb.config)
        .output()
        .unwrap();
    assert!(!check.status.success(), "{check:?}");
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(
        err.contains(&format!("{}:4:", settings.display()))
            && err.contains("[web] cannot be set in settings.toml"),
        "{err}"
    );

    // Not TOML at all: the daemon starts on the main file alone and says why.
    std::fs::write(&settings, "[hours\nmon = \"09:00-18:00\"\n").unwrap();
    let mut pty = common::Pty::new();
    common::relink(&tb.link, &pty.path);
    let d = tb.start();
    let said = format!("{}:1", settings.display());
    assert!(d.log_contains(&said), "logged: {:?}", d.log.lock().unwrap());
    for i in 0..5 {
        pty.write(format!("{}\r\n", common::call_line(i)).as_bytes());
    }
    common::wait_until(std::time::Duration::from_secs(30), "5 lines stored", || {
        tb.count("SELECT count(*) FROM raw_lines") == 5
    });
    let mut admin = Browser::logged_in(&d.addr, "admin", ADMIN_PASSWORD);
    let page = admin.get("/settings").text();
    assert!(page.contains("id=\"err-general\""), "{page}");
    assert!(page.contains(&said), "the settings page shows it: {page}");
    assert_eq!(
        field_value(&page, "extensions"),
        "101 = Anna",
        "main values"
    );
    common::wait_until(
        std::time::Duration::from_secs(30),
        "shown on the status page",
        || admin.get("/").text().contains(&said),
    );
    // Saving from the page replaces the refused file with one that loads.
    let csrf = common::hidden(&page, "csrf").unwrap();
    let r = admin.post(
        "/settings",
        &form_with(&page, &csrf, &[("sat", "10:00-14:00")]),
    );
    assert_eq!(r.code, 303, "{}", r.text());
    assert!(
        read(&settings).contains("sat = \"10:00-14:00\""),
        "{}",
        read(&settings)
    );
    d.stop();
}

#[test]
fn a_settings_location_the_service_cannot_write_says_so() {
    // The data file system read-only (a failed mount): the daemon still runs and shows the
    // settings, and the page says why they cannot be saved.
    let tb = TestBox::new("", TABLES);
    let data = tb.db.parent().unwrap().to_path_buf();
    let fs = common::Tmpfs::mount(&data, 64);
    fs.remount("ro");
    let d = Daemon::start_without_db(&tb.config, &[]);
    let mut admin = Browser::logged_in(&d.addr, "admin", ADMIN_PASSWORD);
    let page = admin.get("/settings");
    assert_eq!(page.code, 200);
    let t = page.text();
    assert!(t.contains("read-only file system"), "{t}");
    assert!(t.contains(&settings_file(&tb).display().to_string()), "{t}");
    assert!(!t.contains("<textarea"), "no form to fill in vain: {t}");
    assert!(t.contains("101 = Anna"), "the settings are shown: {t}");
    let csrf = admin.csrf();
    let r = admin.post("/settings", &format!("csrf={csrf}&mon=09%3A00-18%3A00"));
    assert_eq!(r.code, 409, "{}", r.text());
    assert!(r.text().contains("read-only file system"));
    drop(d);
    drop(fs);
}
