//! Exports that open right in Excel: the calls CSV as the page serves it goes through a real
//! LibreOffice (`soffice --headless --convert-to xlsx`, standing in for Excel) and must come
//! out with the right columns, Cyrillic names intact, date-times as dates and numbers as
//! numbers, with either delimiter; the XLSX downloads (a report, the calls, last month's
//! workbook) are read back with calamine and checked against the JSON of the same report and
//! against the CLI's files. The daemon is the real binary, configured for `;`, on a database
//! filled by `smdrbox import` from a capture the test writes.

mod common;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use common::*;
use smdrbox::core::analytics::REPORTS;
use smdrbox::export::COLUMNS;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const FROM: &str = "2026-10-01";
const TO: &str = "2026-10-31";
/// Excel's serial day of 2026-10-05 (days since 1899-12-30).
const OCT_5: f64 = 46300.0;

/// A Panasonic Pattern B record line (80 columns, DD/MM/YY) from date, time, extension, CO,
/// dial field (20 characters, counted as the dialect counts them), duration, cost and
/// condition code.
fn pattern_b([date, time, ext, co, dial, dur, cost, cd]: [&str; 8]) -> String {
    let line =
        format!("{date} {time}    {ext:>3} {co} {dial:<20} {dur} EU{cost}            {cd:<2} ");
    assert_eq!(line.chars().count(), 80, "{line:?}");
    line
}

/// October's calls (and one in September that no October file may show), with callers' names
/// in Ukrainian and Russian as the PBX prints them after `<I>`.
fn capture(dir: &Path) -> PathBuf {
    #[rustfmt::skip]
    let lines = [
        ["30/09/26", "16:00", "101", "01", "0555000111", "00:00'30", "00000.10", ""],
        ["05/10/26", "09:15", "101", "01", "<I>Сергей0441234", "00:01'05", "00000.00", ""],
        ["05/10/26", "10:20", "102", "02", "<I>Іван Петренко1234", "00:00'00", "00000.00", "NA"],
        ["06/10/26", "11:00", "101", "01", "0376689064", "00:02'05", "00001.20", ""],
        ["07/10/26", "15:30", "103", "03", "0612345678", "01:02'05", "00003.40", ""],
        ["31/10/26", "23:50", "101", "01", "<I>0987654321", "00:00'42", "00000.00", ""],
    ];
    let mut text = String::from("# written by tests/exports.rs, not a real PBX\n");
    for l in lines {
        text.push_str(&pattern_b(l));
        text.push_str("\r\n");
    }
    let path = dir.join("october.log");
    std::fs::write(&path, text).unwrap();
    path
}

/// GET `path` over HTTP/1.0: status, head, body as bytes (workbooks are binary).
fn get(addr: &str, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    // As the test boxes' admin (HTTP Basic): the daemon's downloads need a login.
    let auth = common::basic_auth("admin", common::ADMIN_PASSWORD);
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: box\r\nAuthorization: {auth}\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of header");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, head, raw[end + 4..].to_vec())
}

fn get_ok(addr: &str, path: &str) -> Vec<u8> {
    let (code, _, body) = get(addr, path);
    assert_eq!(code, 200, "{path}: {}", String::from_utf8_lossy(&body));
    body
}

fn cli(args: &[&str]) -> Vec<u8> {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "smdrbox {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A workbook's sheets by name, each as rows of cells.
struct Book {
    names: Vec<String>,
    sheets: Vec<Vec<Vec<Data>>>,
}

impl Book {
    fn read(bytes: &[u8]) -> Book {
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx");
        let names = wb.sheet_names();
        let sheets = names
            .iter()
            .map(|n| {
                let r = wb.worksheet_range(n).unwrap();
                // Rows and columns from A1, whatever the first used cell is.
                let (r0, c0) = r.start().unwrap_or((0, 0));
                let mut rows = vec![Vec::new(); r0 as usize];
                for row in r.rows() {
                    let mut cells = vec![Data::Empty; c0 as usize];
                    cells.extend(row.iter().cloned());
                    rows.push(cells);
                }
                rows
            })
            .collect();
        Book { names, sheets }
    }

    fn sheet(&self, name: &str) -> &Vec<Vec<Data>> {
        let i = self.names.iter().position(|n| n == name);
        &self.sheets[i.unwrap_or_else(|| panic!("no sheet {name}: {:?}", self.names))]
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        other => panic!("not text: {other:?}"),
    }
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(n) => *n as f64,
        other => panic!("not a number: {other:?}"),
    }
}

/// A date, time or duration cell (a number with a date format): its serial value.
fn date_value(d: &Data) -> f64 {
    match d {
        Data::DateTime(t) => t.as_f64(),
        other => panic!("not a date cell: {other:?}"),
    }
}

fn header(rows: &[Vec<Data>]) -> Vec<String> {
    rows[0].iter().map(text).collect()
}

fn column(rows: &[Vec<Data>], name: &str) -> usize {
    header(rows)
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn cell(row: &[Data], i: usize) -> &Data {
    row.get(i).unwrap_or(&Data::Empty)
}

/// The row whose `caller_name` is `name`.
fn row_of<'a>(rows: &'a [Vec<Data>], name: &str) -> &'a Vec<Data> {
    let c = column(rows, "caller_name");
    rows.iter()
        .find(|r| matches!(cell(r, c), Data::String(s) if s == name))
        .unwrap_or_else(|| panic!("no row for {name}"))
}

fn soffice() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("soffice"))
            .find(|f| f.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "soffice (LibreOffice) is not installed: this test opens the CSV in it as Excel \
             would; `make deps` installs it (Debian's libreoffice-calc-nogui)"
        )
    })
}

/// Convert `csv` to a workbook the way a spreadsheet opens it: split on `sep`, UTF-8 (76),
/// English locale, special numbers (dates, times) detected as Excel does.
fn libreoffice(csv: &Path, sep: u8, profile: &Path, out: &Path) -> Vec<u8> {
    // Separator, quote ("), charset, first line, column formats (none), language, quoted
    // fields as text (no), detect special numbers (yes).
    let filter = format!("--infilter=CSV:{sep},34,76,1,,1033,false,true");
    let run = Command::new(soffice())
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore", &filter])
        .args(["--convert-to", "xlsx", "--outdir"])
        .arg(out)
        .arg(csv)
        .output()
        .unwrap();
    let made = out.join(csv.with_extension("xlsx").file_name().unwrap());
    assert!(
        run.status.success() && made.is_file(),
        "soffice: {}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::read(made).unwrap()
}

/// What LibreOffice made of the calls CSV: the columns in order, text as text, numbers as
/// numbers, dates, times and durations as date cells.
fn check_opened_calls(book: &Book) {
    let rows = &book.sheets[0];
    let want: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    assert_eq!(
        header(rows),
        want,
        "columns, in order, and no BOM in the first"
    );
    assert_eq!(rows.len(), 1 + 5, "October's five calls");

    let sergei = row_of(rows, "Сергей");
    assert_eq!(
        number(cell(sergei, column(rows, "seq"))),
        2.0,
        "the second line"
    );
    assert_eq!(date_value(cell(sergei, column(rows, "date"))), OCT_5);
    let t = date_value(cell(sergei, column(rows, "time")));
    assert!(
        (t - (9.0 * 60.0 + 15.0) / 1440.0).abs() < 1e-9,
        "09:15 as a time: {t}"
    );
    assert_eq!(number(cell(sergei, column(rows, "duration_secs"))), 65.0);
    let d = date_value(cell(sergei, column(rows, "duration")));
    assert!((d * 86_400.0 - 65.0).abs() < 1e-6, "0:01:05 as a time: {d}");
    assert_eq!(text(cell(sergei, column(rows, "direction"))), "incoming");
    // Received when the test imported it: today, as a date-time cell.
    let received = date_value(cell(sergei, column(rows, "received_at")));
    let today = chrono::Local::now().date_naive();
    let serial_today = (today - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days();
    assert!(
        (received - serial_today as f64).abs() < 2.0 && received.fract() != 0.0,
        "received_at as a date-time: {received}"
    );

    let ivan = row_of(rows, "Іван Петренко");
    assert_eq!(text(cell(ivan, column(rows, "condition"))), "NA");
    assert_eq!(number(cell(ivan, column(rows, "unanswered"))), 1.0);

    let c = column(rows, "cost");
    let long = rows
        .iter()
        .find(|r| number_or_nan(cell(r, c)) == 3.4)
        .expect("the 3.40 call");
    let d = date_value(cell(long, column(rows, "duration")));
    assert!((d * 86_400.0 - 3725.0).abs() < 1e-6, "1:02:05: {d}");
}

fn number_or_nan(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(n) => *n as f64,
        _ => f64::NAN,
    }
}

/// The table of a report's workbook against the report's JSON: labels, row count, each cell's
/// type and value.
fn check_table(name: &str, table: &[Vec<Data>], json: &serde_json::Value) {
    let labels: Vec<String> = json["table"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap().to_string())
        .collect();
    let rows = json["table"]["rows"].as_array().unwrap();
    if labels.is_empty() {
        return;
    }
    assert_eq!(header(table), labels, "{name}: header");
    assert_eq!(table.len(), rows.len() + 1, "{name}: rows");
    for (i, row) in rows.iter().enumerate() {
        for (j, c) in row.as_array().unwrap().iter().enumerate() {
            let got = cell(&table[i + 1], j);
            let v = &c["v"];
            let at = format!("{name} row {i} column {}", labels[j]);
            match c["t"].as_str().unwrap() {
                "text" => assert_eq!(text(got), v.as_str().unwrap(), "{at}"),
                "int" => assert_eq!(number(got), v.as_f64().unwrap(), "{at}"),
                "num" | "pct" => {
                    let want = if c["t"] == "num" { &v[0] } else { v };
                    assert!(
                        (number(got) - want.as_f64().unwrap()).abs() < 1e-9,
                        "{at}: {got:?}"
                    );
                }
                "secs" => {
                    let secs = date_value(got) * 86_400.0;
                    assert!((secs - v.as_f64().unwrap()).abs() < 1e-3, "{at}: {got:?}");
                }
                "time" => {
                    let t = chrono::NaiveDateTime::parse_from_str(
                        v.as_str().unwrap(),
                        "%Y-%m-%dT%H:%M:%S",
                    )
                    .unwrap();
                    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                        .unwrap()
                        .and_hms_opt(0, 0, 0)
                        .unwrap();
                    let want = (t - base).num_seconds() as f64 / 86_400.0;
                    assert!((date_value(got) - want).abs() < 1e-6, "{at}: {got:?}");
                }
                "empty" => assert_eq!(got, &Data::Empty, "{at}"),
                t => panic!("{at}: unknown cell type {t}"),
            }
        }
    }
}

/// Every value of two workbooks, sheet by sheet.
fn same_book(a: &Book, b: &Book, what: &str) {
    assert_eq!(a.names, b.names, "{what}: sheets");
    assert!(a.sheets == b.sheets, "{what}: cells differ");
}

#[test]
fn csv_opens_in_libreoffice_and_workbooks_match_the_reports() {
    // Before anything else: without LibreOffice the test says how to get it.
    soffice();
    let tb = TestBox::new("", "csv_delimiter = \";\"\n");
    std::fs::create_dir_all(tb.db.parent().unwrap()).unwrap();
    let db = tb.db.to_str().unwrap().to_string();
    let out = cli(&[
        "import",
        "--db",
        &db,
        capture(tb.dir.path()).to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&out);
    assert!(
        out.contains("6 records") && out.contains(" 0 rejects"),
        "{out}"
    );
    let daemon = tb.start();
    let addr = daemon.addr.clone();
    let work = tb.dir.path();
    let period = format!("from={FROM}&to={TO}");

    // The configured `;`, and `,` asked for: both with a BOM, same rows.
    let semi = get_ok(&addr, &format!("/export.csv?{period}"));
    let comma = get_ok(&addr, &format!("/export.csv?{period}&sep=comma"));
    assert!(
        semi.starts_with(b"\xEF\xBB\xBFseq;date;time;"),
        "{:?}",
        &semi[..20]
    );
    assert!(
        comma.starts_with(b"\xEF\xBB\xBFseq,date,time,"),
        "{:?}",
        &comma[..20]
    );
    assert_eq!(
        get_ok(&addr, &format!("/export.csv?{period}&sep=semicolon")),
        semi
    );
    let (code, _, body) = get(&addr, &format!("/export.csv?{period}&sep=tab"));
    assert_eq!(code, 400);
    assert!(String::from_utf8_lossy(&body).contains("use comma or semicolon"));
    // The CLI writes the same file, with the configuration's default or --sep.
    let config = tb.config.to_str().unwrap();
    assert_eq!(
        cli(&["export", "--config", config, "--from", FROM, "--to", TO]),
        semi
    );
    assert_eq!(
        cli(&["export", "--db", &db, "--from", FROM, "--to", TO, "--sep", "comma"]),
        comma
    );

    // The text itself in the form Excel reads as a date-time (LibreOffice would also take the
    // ISO `T` form, Excel would not: that is checked here, not by the conversion).
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&semi[3..]);
    let names: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let at = |n: &str| names.iter().position(|h| h == n).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let sergei = rows
        .iter()
        .find(|r| &r[at("caller_name")] == "Сергей")
        .unwrap();
    let received = &sergei[at("received_at")];
    assert!(
        chrono::NaiveDateTime::parse_from_str(received, "%Y-%m-%d %H:%M:%S").is_ok(),
        "{received}"
    );
    assert_eq!(&sergei[at("duration")], "0:01:05");
    assert_eq!(&sergei[at("number")], "0441234");

    // LibreOffice opens both as a spreadsheet would.
    let profile = work.join("lo-profile");
    for (bytes, sep, file) in [(&semi, b';', "semi.csv"), (&comma, b',', "comma.csv")] {
        let path = work.join(file);
        std::fs::write(&path, bytes).unwrap();
        let book = Book::read(&libreoffice(&path, sep, &profile, &work.join("lo-out")));
        check_opened_calls(&book);
    }

    // In Russian: Russian headers over the same columns and rows (`;` is also the language's
    // default), the CLI's `--lang ru` the same file, and LibreOffice keeps the Cyrillic heads.
    use smdrbox::i18n::{calls_column, Lang};
    let ru = get_ok(&addr, &format!("/export.csv?{period}&lang=ru"));
    let ru_names: Vec<String> = COLUMNS
        .iter()
        .map(|c| calls_column(Lang::Ru, c.0))
        .collect();
    let rest = |b: &[u8]| b.splitn(2, |c| *c == b'\n').nth(1).unwrap().to_vec();
    assert!(
        ru.starts_with(format!("\u{feff}{}\n", ru_names.join(";")).as_bytes()),
        "{}",
        String::from_utf8_lossy(&ru[..80])
    );
    assert_eq!(rest(&ru), rest(&semi), "the same rows");
    let ru_cli = [
        "export", "--config", config, "--from", FROM, "--to", TO, "--lang", "ru",
    ];
    assert_eq!(cli(&ru_cli), ru);
    let path = work.join("ru.csv");
    std::fs::write(&path, &ru).unwrap();
    let mut book = Book::read(&libreoffice(&path, b';', &profile, &work.join("lo-out")));
    assert_eq!(header(&book.sheets[0]), ru_names);
    book.sheets[0][0] = COLUMNS.iter().map(|c| Data::String(c.0.into())).collect();
    check_opened_calls(&book);

    // Each report as a workbook: figures and table against its JSON, and the CLI's the same.
    for (name, title, _) in REPORTS {
        let json: serde_json::Value =
            serde_json::from_slice(&get_ok(&addr, &format!("/reports/{name}.json?{period}")))
                .unwrap();
        let (code, head, bytes) = get(&addr, &format!("/reports/{name}.xlsx?{period}"));
        assert_eq!(code, 200, "{name}");
        assert!(
            head.contains("spreadsheetml.sheet")
                && head.contains(&format!("smdrbox-{name}-{FROM}-{TO}.xlsx")),
            "{head}"
        );
        let book = Book::read(&bytes);
        assert_eq!(book.names, ["Figures", "Table"], "{name}");
        let figs = book.sheet("Figures");
        assert_eq!(header(figs), ["Figure", "Value", "Note"]);
        assert_eq!(text(&figs[1][0]), *title);
        assert_eq!(date_value(&figs[2][1]), OCT_5 - 4.0, "{name}: from");
        for (i, f) in json["figures"].as_array().unwrap().iter().enumerate() {
            assert_eq!(
                text(&figs[4 + i][0]),
                f["label"].as_str().unwrap(),
                "{name}"
            );
        }
        check_table(name, book.sheet("Table"), &json);
        let path = work.join(format!("{name}.xlsx"));
        cli(&[
            "report",
            name,
            "--db",
            &db,
            "--from",
            FROM,
            "--to",
            TO,
            "--format",
            "xlsx",
            "-o",
            path.to_str().unwrap(),
        ]);
        same_book(&Book::read(&std::fs::read(&path).unwrap()), &book, name);
        // The page links to it.
        let (_, _, page) = get(&addr, &format!("/reports/{name}?{period}"));
        let page = String::from_utf8_lossy(&page);
        assert!(
            page.contains(&format!("/reports/{name}.xlsx?from={FROM}&amp;to={TO}")),
            "{name}"
        );
        assert!(page.contains("sep=semicolon"), "{name}");
    }

    // Last month in one click: the link on the index names the month before today's.
    let (_, _, index) = get(&addr, "/reports");
    let index = String::from_utf8_lossy(&index);
    let today = chrono::Local::now().date_naive();
    let (first, _) = smdrbox::export::previous_month(today);
    assert!(
        index.contains(&format!(
            "/reports/month.xlsx?month={}\">Download last month ({}) for Excel",
            first.format("%Y-%m"),
            first.format("%B %Y")
        )),
        "{index}"
    );
    let (code, head, bytes) = get(&addr, "/reports/month.xlsx?month=2026-10");
    assert_eq!(code, 200);
    assert!(head.contains("smdrbox-2026-10.xlsx"), "{head}");
    let month = Book::read(&bytes);
    let mut want = vec!["Figures".to_string()];
    want.extend(REPORTS.iter().map(|(n, _, _)| n.to_string()));
    want.push("Calls".into());
    assert_eq!(month.names, want);
    for (name, _, _) in REPORTS {
        let json: serde_json::Value =
            serde_json::from_slice(&get_ok(&addr, &format!("/reports/{name}.json?{period}")))
                .unwrap();
        check_table(name, month.sheet(name), &json);
    }
    let calls = month.sheet("Calls");
    let want: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    assert_eq!(header(calls), want);
    assert_eq!(calls.len(), 1 + 5, "October's calls, not September's");
    let sergei = row_of(calls, "Сергей");
    assert_eq!(
        text(cell(sergei, column(calls, "number"))),
        "0441234",
        "leading zero kept"
    );
    assert_eq!(text(cell(sergei, column(calls, "extension"))), "101");
    assert_eq!(date_value(cell(sergei, column(calls, "date"))), OCT_5);
    assert!(date_value(cell(sergei, column(calls, "received_at"))).fract() != 0.0);
    let d = date_value(cell(sergei, column(calls, "duration")));
    assert!((d * 86_400.0 - 65.0).abs() < 1e-6, "{d}");
    // Pattern B prints no ring time: an empty cell, not a zero.
    assert_eq!(cell(sergei, column(calls, "ring_secs")), &Data::Empty);
    let ivan = row_of(calls, "Іван Петренко");
    assert_eq!(number(cell(ivan, column(calls, "unanswered"))), 1.0);
    let c = column(calls, "cost");
    assert!(
        calls.iter().any(|r| number_or_nan(cell(r, c)) == 1.2),
        "cost as a number"
    );

    // The calls alone, and the CLI's month: the same cells.
    let alone = Book::read(&get_ok(&addr, &format!("/export.xlsx?{period}")));
    assert_eq!(alone.names, ["Calls"]);
    assert!(
        alone.sheet("Calls") == calls,
        "/export.xlsx is the month's calls sheet"
    );
    let path = work.join("month.xlsx");
    cli(&[
        "report",
        "month",
        "--db",
        &db,
        "--month",
        "2026-10",
        "-o",
        path.to_str().unwrap(),
    ]);
    same_book(
        &Book::read(&std::fs::read(&path).unwrap()),
        &month,
        "CLI month",
    );

    let (code, _, body) = get(&addr, "/reports/month.xlsx?month=2026-13");
    assert_eq!(code, 400, "{}", String::from_utf8_lossy(&body));
    daemon.stop();
}
