//! The wallboard in a real headless Chromium against the real daemon: logged in, `/wallboard`
//! at 1920x1080 shows today's incoming calls; a new SMDR line for today written to the pty
//! shows up on the open page, which reloads itself (no script, no navigation by the test).
//! Screenshots are kept (`target/test-artefacts/screenshots/wallboard-*.png`); a phone-sized
//! window must not scroll sideways.
//! Fails (does not skip) without chromium and chromedriver: `make deps` installs them.

mod common;
#[path = "common/webdriver.rs"]
mod webdriver;

use common::{relink, wait_until, Pty, TestBox, ADMIN_PASSWORD};
use std::time::Duration;
use webdriver::Browser;

fn must<T>(r: webdriver::Result<T>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// A Panasonic (Pattern B) incoming call answered at 401, printed now (today's date).
fn incoming_line(number: &str) -> Vec<u8> {
    let now = chrono::Local::now().format("%d/%m/%y %H:%M").to_string();
    format!("{now}    401 05 <I>{number:<16}    00:01'20 EU00000.00               \r\n")
        .into_bytes()
}

fn incoming_figure(b: &Browser) -> webdriver::Result<Option<i64>> {
    let tile = b.find("#incoming b")?;
    Ok(b.text(&tile)?.trim().parse().ok())
}

#[test]
fn the_wallboard_updates_by_itself_when_a_call_arrives() {
    let tb = TestBox::new("commit_interval_ms = 200", "");
    let mut pty = Pty::new();
    relink(&tb.link, &pty.path);
    let daemon = tb.start();
    let base = format!("http://{}", daemon.addr);
    // A few calls first, so the dialect is known and today has figures.
    for n in ["0364111111", "0364222222", "0364333333"] {
        pty.write(&incoming_line(n));
    }
    wait_until(Duration::from_secs(20), "three calls stored", || {
        tb.count("SELECT COUNT(*) FROM records") >= 3
    });

    let b = Browser::start("wallboard");
    must(b.window_size(1920, 1080));
    must(b.login(&base, "/wallboard", "admin", ADMIN_PASSWORD));
    must(b.wait_path("/wallboard"));
    let before = must(b.wait(
        Duration::from_secs(10),
        "the incoming figure",
        incoming_figure,
    ));
    assert!(before >= 3, "incoming today: {before}");
    let scripts = must(b.script("return document.querySelectorAll('script').length;", vec![]));
    assert_eq!(scripts, 0, "the page must reload itself without scripts");

    pty.write(&incoming_line("0364999999"));
    // The page reloads itself every 10 s; the test only watches.
    let after = must(b.wait(
        Duration::from_secs(30),
        "the page to show the new call",
        |b| Ok(incoming_figure(b).unwrap_or(None).filter(|n| *n > before)),
    ));
    assert_eq!(after, before + 1);
    must(b.screenshot("tv"));

    must(b.window_size(390, 844));
    must(b.goto(&format!("{base}/wallboard")));
    must(b.screenshot("phone"));
    let overflow = must(b.horizontal_overflow());
    assert!(
        overflow.is_none(),
        "the wallboard scrolls sideways on a phone: {overflow:?}"
    );
    drop(b);
    daemon.stop();
}
