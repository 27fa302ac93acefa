//! The phonebook against the real daemon: an upload through a real multipart POST (as a
//! browser sends it, Windows-1251 with `;` as Russian Excel saves it), the names and tags in
//! the lost-calls report, the summary and the calls CSV, a bad file refused with its line
//! numbers while the old book stays, a manager refused, and the CLI's import/export.

mod common;

use common::*;
use std::process::Command;

/// Two lost calls from 0364538740 and an answered one from 3488677149 (Pattern B, 7 Dec 2020),
/// written as the PBX prints them.
fn capture() -> String {
    let line = |time: &str, co: &str, number: &str, dur: &str, cd: &str| {
        format!(
            "07/12/20 {time}    401 {co} {:<20} {dur} EU00000.00            {cd:<3}\n",
            format!("<I>{number}")
        )
    };
    [
        line("09:10", "05", "0364538740", "00:00'00", "NA"),
        line("09:40", "05", "0364538740", "00:00'00", "NA"),
        line("10:05", "01", "3488677149", "00:01'12", ""),
    ]
    .concat()
}

/// Windows-1251 for the Cyrillic letters used below (what Russian Excel saves).
fn cp1251(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            'а'..='я' => (c as u32 - 0x0430 + 0xE0) as u8,
            'А'..='Я' => (c as u32 - 0x0410 + 0xC0) as u8,
            c if c.is_ascii() => c as u8,
            c => panic!("{c} not in the test's table"),
        })
        .collect()
}

/// The good book: the PBX prints 0364538740, the book writes it with the country code.
fn good_book() -> Vec<u8> {
    cp1251(
        "Номер;Имя;Метка;Примечание\r\n\
         +39 0364 538740;Студия Росси;вип;звонить первым\r\n\
         +39 348 867 7149;Конкурент СПА;конкурент;\r\n",
    )
}

/// A multipart/form-data body with one file field, as a browser builds it.
fn multipart(file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----WebKitFormBoundaryPhonebook7x";
    let mut b = Vec::new();
    b.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"book.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    b.extend_from_slice(file);
    b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), b)
}

fn upload(b: &Browser, csrf: &str, file: &[u8]) -> HttpReply {
    let (ct, body) = multipart(file);
    http_raw(
        &b.addr,
        &format!(
            "POST /phonebook?csrf={csrf} HTTP/1.0\r\nCookie: {}\r\nContent-Type: {ct}",
            b.cookie_header()
        ),
        &body,
    )
}

fn smdrbox(args: &[&str], config: &std::path::Path) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .arg("--config")
        .arg(config)
        .output()
        .expect("run smdrbox")
}

fn json(d: &Daemon, path: &str) -> serde_json::Value {
    let (code, body) = d.get(path);
    assert_eq!(code, 200, "{path}: {body}");
    serde_json::from_str(&body).expect("JSON")
}

/// The table cell of `row` in column `key`.
fn cell<'a>(report: &'a serde_json::Value, row: usize, key: &str) -> &'a serde_json::Value {
    let cols = report["table"]["columns"].as_array().unwrap();
    let i = cols
        .iter()
        .position(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("no column {key}: {cols:?}"));
    &report["table"]["rows"][row][i]["v"]
}

fn figure(report: &serde_json::Value, key: &str) -> serde_json::Value {
    report_figure(report, key).unwrap_or(serde_json::Value::Null)
}

const PERIOD: &str = "from=2020-12-07&to=2020-12-07";

#[test]
fn upload_shows_in_reports_bad_file_keeps_the_old_book_and_managers_cannot_upload() {
    let tb = TestBox::new("", "");
    let cap = tb.dir.path().join("capture.log");
    std::fs::write(&cap, capture()).unwrap();
    let out = Command::new(BIN)
        .args([
            "import",
            "--dialect",
            "panasonic",
            "--date-order",
            "dmy",
            "--config",
        ])
        .arg(&tb.config)
        .arg(&cap)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = tb.start();

    // Without a book the reports have no phonebook column.
    let lost = json(&d, &format!("/reports/lost.json?{PERIOD}"));
    assert!(!lost["table"]["columns"].to_string().contains("\"name\""));
    assert_eq!(figure(&lost, "lost_vip"), serde_json::Value::Null);

    let mut admin = Browser::logged_in(&d.addr, "admin", ADMIN_PASSWORD);
    let csrf = admin.csrf();
    let page = admin.get("/phonebook");
    assert_eq!(page.code, 200);
    assert!(
        page.text()
            .contains(&format!("action=\"/phonebook?csrf={csrf}\"")),
        "{}",
        page.text()
    );
    assert!(page.text().contains("enctype=\"multipart/form-data\""));

    // The upload: 303 to the list, which shows the names decoded from Windows-1251.
    let r = upload(&admin, &csrf, &good_book());
    assert_eq!(r.code, 303, "{}", r.text());
    assert_eq!(r.header("location"), Some("/phonebook?saved=2"));
    let page = admin.get("/phonebook?saved=2").text();
    assert!(
        page.contains("Студия Росси") && page.contains("звонить первым"),
        "{page}"
    );
    assert!(page.contains("data-tag=\"vip\"><b>1</b>"), "{page}");
    let found = admin.get("/phonebook?q=348867").text();
    assert!(found.contains("Конкурент СПА") && !found.contains("Студия Росси"));

    // The lost calls name the caller and count the VIP's lost calls.
    let lost = json(&d, &format!("/reports/lost.json?{PERIOD}"));
    assert_eq!(cell(&lost, 0, "caller"), "0364538740");
    assert_eq!(cell(&lost, 0, "name"), "Студия Росси");
    assert_eq!(cell(&lost, 0, "tag"), "VIP");
    assert_eq!(figure(&lost, "lost_vip"), 2);
    assert_eq!(figure(&lost, "lost_competitor"), 0);
    // The competitor's answered call shows in the summary.
    let summary = json(&d, &format!("/reports/summary.json?{PERIOD}"));
    assert_eq!(figure(&summary, "calls_competitor"), 1);
    assert_eq!(figure(&summary, "calls_vip"), 2);
    // Repeat callers: the VIP called twice.
    let repeat = json(&d, &format!("/reports/repeat.json?{PERIOD}"));
    assert_eq!(cell(&repeat, 0, "number"), "0364538740");
    assert_eq!(cell(&repeat, 0, "name"), "Студия Росси");

    // The calls CSV: name and tag at the end, every other column where it was.
    let (code, csv) = d.get(&format!("/export.csv?{PERIOD}"));
    assert_eq!(code, 200);
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let n = smdrbox::export::COLUMNS.len();
    assert_eq!(header.len(), n + 2);
    assert_eq!(
        header[..n],
        smdrbox::export::COLUMNS
            .iter()
            .map(|c| c.0)
            .collect::<Vec<_>>()[..]
    );
    assert_eq!(header[n..], ["name", "tag"]);
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].ends_with(",Студия Росси,vip"), "{}", rows[0]);
    assert!(
        rows[2].ends_with(",Конкурент СПА,competitor"),
        "{}",
        rows[2]
    );

    // The calls workbook: the same two columns last, as text.
    let x = http_get_as(
        &d.addr,
        &format!("/export.xlsx?{PERIOD}"),
        &basic_auth("admin", ADMIN_PASSWORD),
    );
    assert_eq!(x.code, 200, "{}", x.text());
    {
        use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
        let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(x.body)).expect("xlsx");
        let sheet = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&sheet).unwrap();
        let rows: Vec<_> = range.rows().collect();
        assert_eq!(rows[0].len(), n + 2);
        assert_eq!(rows[0][n], Data::String("name".into()));
        assert_eq!(rows[0][n + 1], Data::String("tag".into()));
        assert_eq!(rows[1][n], Data::String("Студия Росси".into()));
        assert_eq!(rows[3][n + 1], Data::String("competitor".into()));
    }

    // A bad file: every bad line named, nothing taken.
    let bad = "number,name,tag\n\
               +39 0364 538740,Rossi,friend\n\
               0364 111222,Ok,customer\n\
               call me,Nobody,vip\n";
    let r = upload(&admin, &csrf, bad.as_bytes());
    assert_eq!(r.code, 400, "{}", r.text());
    let t = r.text();
    assert!(t.contains("line 2: unknown tag &quot;friend&quot;"), "{t}");
    assert!(
        t.contains("line 4: &quot;call me&quot; is not a phone number"),
        "{t}"
    );
    assert!(!t.contains("line 3"), "{t}");
    assert!(
        t.contains("Студия Росси"),
        "the page lists the unchanged book: {t}"
    );
    let (code, book) = d.get("/phonebook.csv");
    assert_eq!(code, 200);
    assert!(
        book.contains("Студия Росси") && !book.contains("Ok,customer"),
        "{book}"
    );

    // No CSRF token: refused by the gate, book unchanged.
    let r = upload(&admin, "", bad.as_bytes());
    assert_eq!(r.code, 403, "{}", r.text());

    // A manager may read the book but not replace it.
    let r = admin.post(
        "/account/users",
        &format!("csrf={csrf}&user=boss&role=manager&password=manager+one"),
    );
    assert_eq!(r.code, 303, "{}", r.text());
    let mut boss = Browser::logged_in(&d.addr, "boss", "manager one");
    let page = boss.get("/phonebook").text();
    assert!(page.contains("Студия Росси"));
    assert!(
        !page.contains("multipart/form-data"),
        "no upload form for a manager"
    );
    let bcsrf = boss.csrf();
    let r = upload(&boss, &bcsrf, b"0441234567,Mallory,vip\n");
    assert_eq!(r.code, 403, "{}", r.text());
    assert_eq!(d.get("/phonebook.csv").1, book);
    d.stop();
}

#[test]
fn cli_import_and_export_round_trip() {
    let tb = TestBox::new("", "");
    let file = tb.dir.path().join("book.csv");
    std::fs::write(&file, good_book()).unwrap();
    let out = smdrbox(&["phonebook", "import"], &tb.config);
    assert!(!out.status.success(), "FILE is required");
    let out = Command::new(BIN)
        .args(["phonebook", "import", "--config"])
        .arg(&tb.config)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("phonebook replaced with 2 numbers"));

    let out = smdrbox(&["phonebook", "export", "--sep", "semicolon"], &tb.config);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exported = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        exported,
        "\u{feff}number;name;tag;note\n\
         '+39 0364 538740;Студия Росси;vip;звонить первым\n\
         '+39 348 867 7149;Конкурент СПА;competitor;\n"
    );

    // The export read back is the same book.
    std::fs::write(&file, &exported).unwrap();
    let reimport = |path: &std::path::Path| {
        Command::new(BIN)
            .args(["phonebook", "import", "--config"])
            .arg(&tb.config)
            .arg(path)
            .output()
            .unwrap()
    };
    assert!(reimport(&file).status.success());
    let again = smdrbox(&["phonebook", "export", "--sep", "semicolon"], &tb.config);
    assert_eq!(String::from_utf8(again.stdout).unwrap(), exported);

    // A bad file: refused with its lines, the book unchanged.
    let bad = tb.dir.path().join("bad.csv");
    std::fs::write(&bad, "0441234567,Kyiv,competitor\n0441234568,,\n").unwrap();
    let out = reimport(&bad);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2: nothing said about 0441234568"),
        "{err}"
    );
    let after = smdrbox(&["phonebook", "export", "--sep", "semicolon"], &tb.config);
    assert_eq!(String::from_utf8(after.stdout).unwrap(), exported);
}
