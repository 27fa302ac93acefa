//! Page latency (`make bench-pages`, part of `make bench`): every page of the web server on an
//! office's year, the "every page answers within 100 ms on a year-sized database".
//!
//! The office: 2 departments of 6 operators, 15 staff and 8 trunks at `officeday`'s
//! calls_scale 1.25, merged into one Pattern C printout: about 450 incoming, 260 outgoing and 100
//! internal calls on a weekday (transfers, forwards and lost calls as officeday makes them),
//! 365 days ending the day before it was generated. It is built once by the busy year's
//! generator (real Panasonic lines through the dialect into `Store::commit`, a day per commit,
//! then `Store::build_call_days` as the store thread does) and cached under the target
//! directory; [`VERSION`] is part of its name, so changing the generation rebuilds it.
//!
//! The server is the library's (`web::start_configured`, default options: no login), on
//! loopback, `store_open: true`. Each page is asked for with HTTP/1.0 and timed from connect
//! to its last byte. Cold: the first request to a freshly started server, the database's pages
//! first dropped from the page cache (as after a boot). Warm: then [`WARM_RUNS`] more (fewer
//! for a page that takes seconds). A second pass pins the server's threads to one core with
//! `taskset` (the client on the other), as a rough stand-in for a Raspberry Pi; see
//! [`PI_FACTOR`] for what that does not capture.

use super::{
    count, data_root, evict_from_page_cache, generate_big_year, median_max, ms, num, BigDb, Office,
    Section, Table,
};
use chrono::NaiveDate;
use smdrbox::core::analytics::ReportOptions;
use smdrbox::core::health::{LinkState, Snapshot};
use smdrbox::web;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The office whose year the pages are measured on (see the module's doc).
const OFFICE: Office = Office {
    departments: 2,
    operators: 6,
    staff: 15,
    trunks: 8,
    scale: 1.25,
    layout: smdrbox::core::officeday::Layout::C,
};
/// Part of the cached database's name: bump it whenever the generation changes.
const VERSION: u32 = 1;
/// Warm requests per page after the cold one.
const WARM_RUNS: usize = 20;
/// A page slower than this stops repeating once it has [`MIN_WARM_RUNS`] warm runs and has
/// spent this much in total.
const PAGE_BUDGET: Duration = Duration::from_secs(6);
const MIN_WARM_RUNS: usize = 3;
/// The goal for every page.
const GOAL_MS: f64 = 100.0;
/// Assumed: a Raspberry Pi 4 (Cortex-A72, 1.5 GHz) runs this code 2 to 3 times slower per
/// core than this machine's core; not measured here (no Pi on the bench), and its SD card is
/// far slower than this disk for a cold read.
const PI_FACTOR: &str = "2-3x";
/// Patience for one request (a year's report on one core may take long).
const REQUEST_LIMIT: Duration = Duration::from_secs(300);

/// One page as asked for, and what it took.
struct Page {
    /// What the table shows.
    label: String,
    path: String,
}

#[derive(Default)]
struct Timing {
    cold_ms: f64,
    warm_ms: Vec<f64>,
    /// CPU time of this process (server and client) per warm request, ms: what the page costs
    /// whatever else the machine is doing, where the wall time also counts waiting for a core.
    cpu_ms: f64,
    bytes: usize,
}

impl Timing {
    /// Median, 95th percentile (nearest rank) and maximum of the warm runs.
    fn stats(&self) -> (f64, f64, f64) {
        let mut v = self.warm_ms.clone();
        v.sort_by(f64::total_cmp);
        let p95 = v[((v.len() as f64 * 0.95).ceil() as usize).clamp(1, v.len()) - 1];
        let (median, max) = median_max(v);
        (median, p95, max)
    }
}

pub(super) fn page_latency(t: &mut Table) {
    let db = year_db(t);
    let first = db.date("first");
    let last = db.date("last");
    // "Last month" as the page offers it on the day after the year's last day.
    let (m_from, m_to) = smdrbox::export::previous_month(last + chrono::Days::new(1));
    let day = m_to;
    let pages = pages(first, last, m_from, m_to, day);
    let trunks = OFFICE.departments * u32::from(OFFICE.trunks);

    eprintln!("bench: pages: {} pages, all cores", pages.len());
    let free: Vec<Timing> = pages
        .iter()
        .map(|p| measure(&db.path, p, None, trunks))
        .collect();
    // The client on another core where there is one, so that it does not take the server's.
    let client_cpu = usize::from(std::thread::available_parallelism().map_or(1, |n| n.get()) > 1);
    let pinned: Option<Vec<Timing>> = if on_path("taskset") {
        eprintln!("bench: pages: the same, the server pinned to one core");
        Some(
            pages
                .iter()
                .map(|p| measure(&db.path, p, Some((0, client_cpu)), trunks))
                .collect(),
        )
    } else {
        eprintln!("bench: NOTE: taskset missing: no one-core figures");
        None
    };

    let mut over = Vec::new();
    for (i, (p, f)) in pages.iter().zip(&free).enumerate() {
        let (median, p95, max) = f.stats();
        let one_core = pinned.as_ref().map(|v| &v[i]);
        let one = one_core.map_or_else(
            || "one core: not measured".to_string(),
            |c| {
                let (m1, p1, _) = c.stats();
                format!(
                    "one core: cold {}, median {}, p95 {}",
                    num(c.cold_ms),
                    num(m1),
                    num(p1)
                )
            },
        );
        if median > GOAL_MS {
            over.push(p.label.clone());
        }
        t.add(
            Section::Pages,
            &format!("page {}", p.label),
            num(median),
            "ms",
            format!(
                "{}warm median of {} (p95 {}, max {}), cold {}, CPU {} per request; {one}; {} \
                 kB; GET {}",
                if median > GOAL_MS {
                    "OVER 100 ms: "
                } else {
                    ""
                },
                f.warm_ms.len(),
                num(p95),
                num(max),
                num(f.cold_ms),
                num(f.cpu_ms),
                num(f.bytes as f64 / 1e3),
                p.path
            ),
        );
    }
    t.add(
        Section::Pages,
        "pages over 100 ms (warm median, all cores)",
        over.len(),
        "pages",
        if over.is_empty() {
            "none".to_string()
        } else {
            over.join(", ")
        },
    );
    t.add(
        Section::Pages,
        "pages: how measured",
        "",
        "",
        format!(
            "library web server (web::start_configured, no login) on loopback, HTTP/1.0 GET, \
             connect to last byte; cold = first request after start with the database evicted \
             from the page cache; warm = up to {WARM_RUNS} more; CPU = this process's user + \
             system time over the warm requests / their number (load-independent); one core = the server's \
             threads pinned with taskset to CPU 0, the client on CPU 1: a Pi 4 core is assumed \
             {PI_FACTOR} slower than this one (not measured); month = {m_from} to {m_to}, \
             year = {first} to {last}; {} requests answered 503 (download slots still taken \
             by the previous request) were sent again, untimed",
            BUSY_RETRIES.load(std::sync::atomic::Ordering::Relaxed)
        ),
    );
    print_table(&pages, &free, pinned.as_deref());
}

/// Every page, each report (from the code's list) for the month and for the year, and the
/// downloads.
fn pages(
    first: NaiveDate,
    last: NaiveDate,
    m_from: NaiveDate,
    m_to: NaiveDate,
    day: NaiveDate,
) -> Vec<Page> {
    let page = |label: String, path: String| Page { label, path };
    let mut v = vec![
        page("/".into(), "/".into()),
        page("/calls".into(), "/calls".into()),
        page("/api/status".into(), "/api/status".into()),
        page("/healthz".into(), "/healthz".into()),
        page("/reports".into(), "/reports".into()),
    ];
    for (name, _, _) in smdrbox::core::analytics::REPORTS {
        v.push(page(
            format!("/reports/{name} (month)"),
            format!("/reports/{name}?from={m_from}&to={m_to}"),
        ));
    }
    for (name, _, _) in smdrbox::core::analytics::REPORTS {
        v.push(page(
            format!("/reports/{name} (year)"),
            format!("/reports/{name}?from={first}&to={last}"),
        ));
    }
    v.extend([
        page(
            "/export.csv (month)".into(),
            format!("/export.csv?from={m_from}&to={m_to}"),
        ),
        page(
            "/export.xlsx (month)".into(),
            format!("/export.xlsx?from={m_from}&to={m_to}"),
        ),
        page(
            "/reports/month.xlsx".into(),
            format!("/reports/month.xlsx?month={}", m_from.format("%Y-%m")),
        ),
        page(
            "/capture.log (day)".into(),
            format!("/capture.log?from={day}&to={day}"),
        ),
    ]);
    v
}

/// The office's year, generated if it is not cached.
fn year_db(t: &mut Table) -> BigDb {
    let root = data_root();
    std::fs::create_dir_all(&root).expect("CARGO_TARGET_TMPDIR");
    let o = &OFFICE;
    let name = format!(
        "pages-year-v{VERSION}-{}x{}op{}st{}tr-scale{}.db",
        o.departments, o.operators, o.staff, o.trunks, o.scale
    );
    let path = root.join(&name);
    let meta_path = root.join(format!("{name}.json"));
    let cached = path.exists() && meta_path.exists();
    let meta = if cached {
        eprintln!("bench: pages: reusing {}", path.display());
        let text = std::fs::read_to_string(&meta_path).expect("reading the meta file");
        serde_json::from_str(&text).expect("meta JSON")
    } else {
        let meta = generate_big_year(&path, o);
        std::fs::write(&meta_path, meta.to_string()).expect("writing the meta file");
        meta
    };
    let db = BigDb { path, meta };
    let size = std::fs::metadata(&db.path).map_or(0, |m| m.len());
    t.add(
        Section::Pages,
        "pages: the office's year",
        count(db.n("calls")),
        "calls",
        format!(
            "{} days {} to {}; {} calls on an average weekday, {} on a Saturday, {} on a \
             Sunday; {} lines, {} records; {} MiB; {} departments of {} operators, {} staff, \
             {} trunks at officeday calls_scale {}, Pattern C; {} ({})",
            db.n("days"),
            db.date("first"),
            db.date("last"),
            count(db.n("weekday_calls")),
            count(db.n("saturday_calls")),
            count(db.n("sunday_calls")),
            count(db.n("lines")),
            count(db.n("records")),
            num(size as f64 / (1024.0 * 1024.0)),
            o.departments,
            o.operators,
            o.staff,
            o.trunks,
            o.scale,
            db.path.display(),
            if cached {
                "cached"
            } else {
                "built by this run"
            },
        ),
    );
    db
}

/// The server as the daemon runs it, minus capture: a snapshot that says the store is open.
fn snapshot() -> Snapshot {
    let now = chrono::Local::now().timestamp_millis();
    Snapshot {
        version: env!("CARGO_PKG_VERSION").into(),
        started_ms: now - 3_600_000,
        port: "/dev/smdr0".into(),
        settings: "9600 8N1".into(),
        dialect: "panasonic".into(),
        link: LinkState::Up,
        link_reason: "open".into(),
        link_since_ms: now - 3_600_000,
        last_line_ms: Some(now - 60_000),
        store_open: true,
        ..Snapshot::default()
    }
}

fn start(db: &Path, trunks: u32) -> web::Web {
    let snap = snapshot();
    let options: web::ReportOptionsFn = Arc::new(move |from, to| {
        let mut o = ReportOptions::new(from, to);
        o.trunk_count = Some(trunks);
        o
    });
    web::start_configured(
        "127.0.0.1:0".parse().expect("loopback"),
        db.to_path_buf(),
        Arc::new(move || snap.clone()),
        options,
        web::WebOptions::default(),
    )
    .expect("start the web server")
}

/// Cold and warm timings of one page on a server of its own. `pin`: (server CPU, client CPU).
fn measure(db: &Path, page: &Page, pin: Option<(usize, usize)>, trunks: u32) -> Timing {
    let _ = evict_from_page_cache(db);
    let db = db.to_path_buf();
    // The server's threads inherit the affinity of the thread that starts them.
    let web = std::thread::spawn(move || {
        if let Some((cpu, _)) = pin {
            pin_this_thread(cpu);
        }
        start(&db, trunks)
    })
    .join()
    .expect("starting thread");
    let addr = web.addr();
    let path = page.path.clone();
    let client = std::thread::spawn(move || {
        if let Some((_, cpu)) = pin {
            pin_this_thread(cpu);
        }
        eprintln!("bench: pages: GET {path}");
        let mut t = Timing::default();
        let (cold, bytes) = get(addr, &path);
        t.cold_ms = ms(cold);
        t.bytes = bytes;
        let start = Instant::now();
        let cpu0 = process_cpu_ms();
        while t.warm_ms.len() < WARM_RUNS
            && (t.warm_ms.len() < MIN_WARM_RUNS || start.elapsed() < PAGE_BUDGET)
        {
            t.warm_ms.push(ms(get(addr, &path).0));
        }
        t.cpu_ms = (process_cpu_ms() - cpu0) / t.warm_ms.len() as f64;
        t
    });
    let timing = client.join().expect("client thread");
    web.stop();
    timing
}

/// User + system time of this process, all its threads (those ended too), ms: `/proc/self/stat`
/// fields 14 and 15, in the kernel's USER_HZ ticks (100 a second on Linux), so a figure per
/// request is only good averaged over many.
fn process_cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) may hold spaces; the fields after its ')' are plain.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // After ')': state is field 3, so utime (14) and stime (15) are at 11 and 12.
    (tick(11) + tick(12)) * 10.0
}

/// `taskset -p -c CPU TID`: Linux affinity is per thread, so this pins the calling thread
/// only (and the threads it starts from now on).
fn pin_this_thread(cpu: usize) {
    let tid = nix::unistd::gettid();
    let ok = std::process::Command::new("taskset")
        .args(["-p", "-c", &cpu.to_string(), &tid.to_string()])
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "taskset -p -c {cpu} {tid} failed");
}

fn on_path(cmd: &str) -> bool {
    super::on_path(cmd)
}

/// GET `path` with HTTP/1.0, read to the last byte: (time, body bytes). Anything but 200 is a
/// failure of the bench. Requests go through here alone, so that a login header can be added
/// in one place.
fn get(addr: SocketAddr, path: &str) -> (Duration, usize) {
    // A download's slot is freed just after its last byte is sent, so a request sent the
    // moment the previous one ended may find both slots still taken: that answer (503) is
    // not timed; the request is sent again.
    for _ in 0..100 {
        match get_once(addr, path) {
            Some(r) => return r,
            None => {
                BUSY_RETRIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
    panic!("GET {path}: the server stayed busy");
}

/// How many requests were answered "busy" (503) and sent again.
static BUSY_RETRIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// One GET: None when the server answered that its download or report slots are busy.
fn get_once(addr: SocketAddr, path: &str) -> Option<(Duration, usize)> {
    let start = Instant::now();
    let mut s = std::net::TcpStream::connect(addr).expect("connect to web");
    s.set_read_timeout(Some(REQUEST_LIMIT)).expect("timeout");
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").expect("send request");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let took = start.elapsed();
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let code = head.split_whitespace().nth(1).unwrap_or("");
    if code == "503" && String::from_utf8_lossy(&raw[head_end..]).contains("try again") {
        return None;
    }
    assert_eq!(
        code,
        "200",
        "GET {path}: {}",
        String::from_utf8_lossy(&raw[head_end..raw.len().min(head_end + 500)])
    );
    Some((took, raw.len() - head_end))
}

/// The pages as one Markdown table of their own: what the README shows.
fn print_table(pages: &[Page], free: &[Timing], pinned: Option<&[Timing]>) {
    println!();
    println!(
        "| page | cold ms | warm median ms | p95 ms | max ms | CPU ms | one core: median ms | \
         p95 ms | over 100 ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for (i, (p, f)) in pages.iter().zip(free).enumerate() {
        let (median, p95, max) = f.stats();
        let (m1, p1) = pinned.map_or((String::from("-"), String::from("-")), |v| {
            let (m, p, _) = v[i].stats();
            (num(m), num(p))
        });
        let one_over = pinned.is_some_and(|v| v[i].stats().0 > GOAL_MS);
        let mark = if median > GOAL_MS {
            "OVER"
        } else if p95 > GOAL_MS {
            "p95 over"
        } else if one_over {
            "one core: over"
        } else {
            ""
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {m1} | {p1} | {mark} |",
            p.label,
            num(f.cold_ms),
            num(median),
            num(p95),
            num(max),
            num(f.cpu_ms)
        );
    }
    println!();
}
