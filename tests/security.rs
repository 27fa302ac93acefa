//! The login against the real daemon over real HTTP: nothing without a login (every route of
//! `web::ROUTES`), the first visit, CSRF, the login rate limit, the session cookie, logout,
//! roles, and hostile values in every parameter of every route.

mod common;

use common::*;
use smdrbox::web::ROUTES;
use std::time::Duration;

/// A route's path with its `{name}` filled with a real report's name.
fn concrete(path: &str) -> String {
    path.replace("{name}", "summary")
}

fn start() -> (TestBox, Daemon) {
    let tb = TestBox::new("", "");
    let d = tb.start();
    (tb, d)
}

/// What `users.json` holds now ("" when there is none).
fn users_file(tb: &TestBox) -> String {
    std::fs::read_to_string(tb.db.parent().unwrap().join("users.json")).unwrap_or_default()
}

#[test]
fn nothing_but_health_and_login_without_a_login() {
    let (_tb, d) = start();
    let mut seen = 0;
    for route in ROUTES {
        let path = concrete(route.path);
        if route.get {
            let r = http_raw(&d.addr, &format!("GET {path} HTTP/1.0"), b"");
            match route.path {
                "/healthz" => assert!(matches!(r.code, 200 | 503), "{path}: {}", r.code),
                "/login" => assert_eq!(r.code, 200, "{path}"),
                "/setup" => {
                    assert_eq!(r.code, 303, "{path}: the admin is set in the config");
                    assert_eq!(r.header("Location"), Some("/login"));
                }
                _ if route.machine => {
                    assert_eq!(r.code, 401, "{path}: {}", r.text());
                    assert_eq!(
                        r.header("WWW-Authenticate"),
                        Some("Basic realm=\"smdrbox\", charset=\"UTF-8\""),
                        "{path}"
                    );
                }
                _ => {
                    assert_eq!(r.code, 303, "{path}: {}", r.text());
                    let to = r.header("Location").unwrap_or_default();
                    assert!(to.starts_with("/login?next=/"), "{path} -> {to}");
                }
            }
            // Wrong credentials are no better than none (a few only: five lock the address out).
            if !route.open && seen < 3 {
                let bad = http_get_as(&d.addr, &path, &basic_auth("admin", "wrong password"));
                assert_eq!(bad.code, 401, "{path} with a wrong password");
            }
            seen += 1;
        } else {
            let r = http_get_anon(&d.addr, &path);
            assert_eq!(r.0, 405, "GET {path}");
        }
        if route.post {
            // Not even with the admin's Basic credentials: they count for GET only.
            let r = http_raw(
                &d.addr,
                &format!(
                    "POST {path} HTTP/1.0\r\nAuthorization: {}\r\nContent-Type: application/x-www-form-urlencoded",
                    basic_auth("admin", ADMIN_PASSWORD)
                ),
                b"user=eve&role=admin&password=eve+password&csrf=x",
            );
            match route.path {
                // The login forms want their form token.
                "/login" | "/setup" => assert_eq!(r.code, 403, "POST {path}: {}", r.text()),
                _ => {
                    assert_eq!(r.code, 303, "POST {path}: {}", r.text());
                    assert!(r.header("Location").unwrap().starts_with("/login?next="));
                }
            }
        } else {
            let r = http_post(&d.addr, &path, "", "");
            assert_eq!(r.code, 405, "POST {path}");
            assert!(r.header("Allow").unwrap().starts_with("GET"), "{path}");
        }
    }
    assert!(seen >= 12, "only {seen} GET routes");
    // A path not in the list is not found, logged in or not.
    assert_eq!(http_get_anon(&d.addr, "/secret").0, 404);
    // And with the right credentials the data is there.
    let (code, body) = http_get(&d.addr, "/api/status");
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("\"verdict\""));
    d.stop();
}

#[test]
fn the_first_visit_sets_the_admin_password() {
    let tb = TestBox::new("", "");
    // A box without `[web] admin_password_hash`: nobody can log in yet.
    let text = std::fs::read_to_string(&tb.config).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("admin_password_hash"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&tb.config, text).unwrap();
    let d = Daemon::start_without_db(&tb.config, &[]);
    for page in ["/", "/calls", "/login", "/account", "/reports"] {
        let r = http_raw(&d.addr, &format!("GET {page} HTTP/1.0"), b"");
        assert_eq!(r.code, 303, "{page}");
        assert_eq!(r.header("Location"), Some("/setup"), "{page}");
    }
    for data in ["/api/status", "/export.csv", "/capture.log"] {
        assert_eq!(http_get_anon(&d.addr, data).0, 401, "{data}");
        // No account yet, so no credentials work either.
        assert_eq!(http_get(&d.addr, data).0, 401, "{data}");
    }

    let mut b = Browser::new(&d.addr);
    let page = b.get("/setup");
    assert_eq!(page.code, 200);
    assert!(page.text().contains("Set the admin password"));
    let form = hidden(&page.text(), "form").unwrap();
    // A forged form (another site cannot read or send the form cookie) is refused.
    let forged = http_post(
        &d.addr,
        "/setup",
        "form=x&password=attacker+pw&again=attacker+pw",
        "smdrbox_form=y",
    );
    assert_eq!(forged.code, 403, "{}", forged.text());
    let r = b.post(
        "/setup",
        &format!("form={form}&password=first+password&again=other+password"),
    );
    assert_eq!(r.code, 400);
    assert!(
        r.text().contains("The two passwords differ."),
        "{}",
        r.text()
    );
    let form = hidden(&r.text(), "form").unwrap();
    let r = b.post("/setup", &format!("form={form}&password=short&again=short"));
    assert_eq!(r.code, 400);
    assert!(r.text().contains("at least 8 characters"), "{}", r.text());
    assert_eq!(users_file(&tb), "", "nothing saved yet");

    let form = hidden(&r.text(), "form").unwrap();
    let r = b.post(
        "/setup",
        &format!("form={form}&password=first+password&again=first+password"),
    );
    assert_eq!(r.code, 303, "{}", r.text());
    assert_eq!(r.header("Location"), Some("/"));
    assert!(b.cookie("smdrbox_session").is_some());
    assert_eq!(b.get("/").code, 200, "logged in at once");
    let saved = users_file(&tb);
    assert!(
        saved.contains("\"admin\"") && saved.contains("$argon2id$"),
        "{saved}"
    );
    assert!(!saved.contains("first password"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(tb.db.parent().unwrap().join("users.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    // Now set: the setup page is gone, the login page is back, Basic works with the password.
    let again = http_raw(&d.addr, "GET /setup HTTP/1.0", b"");
    assert_eq!(
        (again.code, again.header("Location")),
        (303, Some("/login"))
    );
    let late = http_post(
        &d.addr,
        "/setup",
        "form=x&password=attacker+pw&again=attacker+pw",
        "smdrbox_form=x",
    );
    assert_eq!(late.code, 403);
    assert_eq!(http_get_anon(&d.addr, "/login").0, 200);
    let r = http_get_as(
        &d.addr,
        "/api/status",
        &basic_auth("admin", "first password"),
    );
    assert_eq!(r.code, 200, "{}", r.text());
    d.stop();
}

#[test]
fn every_post_needs_the_csrf_token() {
    let (tb, d) = start();
    let mut b = Browser::logged_in(&d.addr, "admin", ADMIN_PASSWORD);
    let csrf = b.csrf();
    assert_eq!(csrf.len(), 32);
    let cookie = b.cookie_header();
    let add = "user=eve&role=admin&password=eve+password";
    for (what, body) in [
        ("missing", add.to_string()),
        ("wrong", format!("{add}&csrf={}", "0".repeat(32))),
        ("empty", format!("{add}&csrf=")),
        ("another session's", {
            let mut other = Browser::logged_in(&d.addr, "admin", ADMIN_PASSWORD);
            format!("{add}&csrf={}", other.csrf())
        }),
    ] {
        let r = http_post(&d.addr, "/account/users", &body, &cookie);
        assert_eq!(r.code, 403, "{what}: {}", r.text());
        assert!(
            r.text().contains("CSRF token missing or wrong"),
            "{}",
            r.text()
        );
        assert!(!users_file(&tb).contains("eve"), "{what}: eve was added");
    }
    // Logout without the token does not log out.
    assert_eq!(http_post(&d.addr, "/logout", "", &cookie).code, 403);
    assert_eq!(b.get("/").code, 200, "still logged in");
    // An upload's token rides in the action URL; a wrong one is refused before the body is read.
    let r = http_raw(
        &d.addr,
        &format!(
            "POST /account/users?csrf=nope HTTP/1.0\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=x"
        ),
        b"--x--\r\n",
    );
    assert_eq!(r.code, 403, "{}", r.text());
    // A malformed form is told so.
    let r = http_post(&d.addr, "/account/users", "csrf=%zz", &cookie);
    assert_eq!(r.code, 400);
    assert!(r.text().starts_with("malformed form"), "{}", r.text());

    // The right token, in the form or in the X-CSRF-Token header, goes through.
    let r = http_post(
        &d.addr,
        "/account/users",
        &format!("{add}&csrf={csrf}"),
        &cookie,
    );
    assert_eq!(r.code, 303, "{}", r.text());
    assert!(users_file(&tb).contains("\"eve\""));
    let r = http_raw(
        &d.addr,
        &format!(
            "POST /account/users/delete HTTP/1.0\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\nContent-Type: application/x-www-form-urlencoded"
        ),
        b"user=eve",
    );
    assert_eq!(r.code, 303, "{}", r.text());
    assert!(!users_file(&tb).contains("\"eve\""));
    d.stop();
}

#[test]
fn failed_logins_are_limited_per_address() {
    let tb = TestBox::new("", "");
    // A debug-build hook: failures count for 3 s instead of 15 minutes.
    let d = Daemon::start_with_env(&tb.config, &[("SMDRBOX_TEST_LOGIN_WINDOW_MS", "3000")]);
    let mut b = Browser::new(&d.addr);
    for i in 1..=5 {
        let r = b.log_in("admin", "wrong password");
        assert_eq!(r.code, 403, "failure {i}: {}", r.text());
        assert!(r.text().contains("Wrong user name or password."));
    }
    let r = b.log_in("admin", "wrong password");
    assert_eq!(r.code, 429, "the 6th: {}", r.text());
    let wait: u64 = r.header("Retry-After").unwrap().parse().unwrap();
    assert!((1..=3).contains(&wait), "Retry-After {wait}");
    // Locked out: the right password is refused too, by form and by Basic auth.
    let r = b.log_in("admin", ADMIN_PASSWORD);
    assert_eq!(r.code, 429, "{}", r.text());
    assert!(b.cookie("smdrbox_session").is_none());
    let r = http_get_as(&d.addr, "/api/status", &basic_auth("admin", ADMIN_PASSWORD));
    assert_eq!(r.code, 429);
    assert!(r.header("Retry-After").is_some());
    // Until the window has passed.
    wait_until(Duration::from_secs(10), "the lockout to end", || {
        b.log_in("admin", ADMIN_PASSWORD).code == 303
    });
    assert_eq!(b.get("/").code, 200);

    // Wrong Basic credentials count as failures too.
    for _ in 0..5 {
        let r = http_get_as(&d.addr, "/api/status", &basic_auth("admin", "guess"));
        assert_eq!(r.code, 401);
    }
    let r = http_get_as(&d.addr, "/api/status", &basic_auth("admin", ADMIN_PASSWORD));
    assert_eq!(r.code, 429, "{}", r.text());
    // A session already open is not locked out: the limiter guards passwords.
    assert_eq!(b.get("/").code, 200);
    d.stop();
}

#[test]
fn the_session_cookie_and_logout() {
    let (_tb, d) = start();
    let mut b = Browser::new(&d.addr);
    let page = b.get("/login?next=/calls");
    let form_cookie = page.header("Set-Cookie").unwrap().to_string();
    assert!(
        form_cookie.starts_with("smdrbox_form=")
            && form_cookie.contains("HttpOnly")
            && form_cookie.contains("SameSite=Strict"),
        "{form_cookie}"
    );
    let form = hidden(&page.text(), "form").unwrap();
    let r = b.post(
        "/login",
        &format!(
            "form={form}&next=%2Fcalls&user=admin&password={}",
            urlencode(ADMIN_PASSWORD)
        ),
    );
    assert_eq!(r.code, 303, "{}", r.text());
    assert_eq!(
        r.header("Location"),
        Some("/calls"),
        "back where the user was going"
    );
    let set = r
        .headers("Set-Cookie")
        .find(|c| c.starts_with("smdrbox_session="))
        .unwrap()
        .to_string();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
        assert!(set.contains(flag), "{flag} missing: {set}");
    }
    assert!(!set.contains("Secure"), "plain HTTP: {set}");
    let first = b.cookie("smdrbox_session").unwrap().to_string();
    assert_eq!(first.len(), 64);

    // Logging in again from a browser with a live session gives a new session id; the old
    // one is gone.
    b.cookies.retain(|(k, _)| k != "smdrbox_session");
    let page = b.get("/login");
    let form = hidden(&page.text(), "form").unwrap();
    b.cookies.push(("smdrbox_session".into(), first.clone()));
    let r = b.post(
        "/login",
        &format!(
            "form={form}&next=%2F&user=admin&password={}",
            urlencode(ADMIN_PASSWORD)
        ),
    );
    assert_eq!(r.code, 303, "{}", r.text());
    let second = b.cookie("smdrbox_session").unwrap().to_string();
    assert_ne!(first, second);
    let old = format!("smdrbox_session={first}");
    let r = http_raw(&d.addr, &format!("GET / HTTP/1.0\r\nCookie: {old}"), b"");
    assert_eq!(r.code, 303, "the old session id still works");
    // An open redirect is not followed.
    let mut c = Browser::new(&d.addr);
    let page = c.get("/login?next=//evil.example/");
    let form = hidden(&page.text(), "form").unwrap();
    let r = c.post(
        "/login",
        &format!(
            "form={form}&next=%2F%2Fevil.example%2F&user=admin&password={}",
            urlencode(ADMIN_PASSWORD)
        ),
    );
    assert_eq!(r.header("Location"), Some("/"));

    // Logout ends the session on the server: the cookie, replayed, opens nothing.
    let csrf = b.csrf();
    let kept = b.cookie_header();
    let r = b.post("/logout", &format!("csrf={csrf}"));
    assert_eq!(r.code, 303);
    assert_eq!(r.header("Location"), Some("/login"));
    assert!(r
        .headers("Set-Cookie")
        .any(|c| c.starts_with("smdrbox_session=;") && c.contains("Max-Age=0")));
    let r = http_raw(
        &d.addr,
        &format!("GET /calls HTTP/1.0\r\nCookie: {kept}"),
        b"",
    );
    assert_eq!(r.code, 303, "{}", r.text());
    let r = http_raw(
        &d.addr,
        &format!("GET /api/status HTTP/1.0\r\nCookie: {kept}"),
        b"",
    );
    assert_eq!(r.code, 401);
    d.stop();
}

#[test]
fn a_manager_reads_and_changes_only_their_password() {
    let (tb, d) = start();
    let mut admin = Browser::logged_in(&d.addr, "admin", ADMIN_PASSWORD);
    let csrf = admin.csrf();
    let r = admin.post(
        "/account/users",
        &format!("csrf={csrf}&user=boss&role=manager&password=manager+one"),
    );
    assert_eq!(r.code, 303, "{}", r.text());
    let page = admin.get("/account?ok=saved").text();
    assert!(page.contains("The account is saved.") && page.contains("<td>boss</td>"));

    let mut boss = Browser::logged_in(&d.addr, "boss", "manager one");
    for page in ["/", "/calls", "/reports", "/reports/summary", "/account"] {
        assert_eq!(boss.get(page).code, 200, "{page}");
    }
    let r = http_get_as(&d.addr, "/api/status", &basic_auth("boss", "manager one"));
    assert_eq!(r.code, 200);
    let account = boss.get("/account").text();
    assert!(
        !account.contains("/account/users"),
        "no account forms for a manager"
    );
    let bcsrf = boss.csrf();
    let before = users_file(&tb);
    for (path, body) in [
        (
            "/account/users",
            format!("csrf={bcsrf}&user=boss&role=admin&password=now+an+admin"),
        ),
        ("/account/users/delete", format!("csrf={bcsrf}&user=boss")),
    ] {
        let r = boss.post(path, &body);
        assert_eq!(r.code, 403, "{path}: {}", r.text());
        assert!(r.text().contains("read-only"), "{}", r.text());
    }
    assert_eq!(users_file(&tb), before, "nothing changed");

    // Their own password: the current one is required; other sessions end, this one stays.
    let mut boss_phone = Browser::logged_in(&d.addr, "boss", "manager one");
    let r = boss.post(
        "/account/password",
        &format!("csrf={bcsrf}&current=guess+guess&password=manager+two&again=manager+two"),
    );
    assert_eq!(r.code, 403);
    assert!(r.text().contains("The current password is wrong."));
    let r = boss.post(
        "/account/password",
        &format!("csrf={bcsrf}&current=manager+one&password=manager+two&again=manager+twp"),
    );
    assert_eq!(r.code, 400);
    let r = boss.post(
        "/account/password",
        &format!("csrf={bcsrf}&current=manager+one&password=manager+two&again=manager+two"),
    );
    assert_eq!(r.code, 303, "{}", r.text());
    assert_eq!(boss.get("/").code, 200, "this session stays");
    assert_eq!(boss_phone.get("/").code, 303, "the other session ended");
    let old = http_get_as(&d.addr, "/api/status", &basic_auth("boss", "manager one"));
    assert_eq!(
        old.code, 401,
        "the old password (cached before) no longer works"
    );
    let new = http_get_as(&d.addr, "/api/status", &basic_auth("boss", "manager two"));
    assert_eq!(new.code, 200);

    // The configuration's admin cannot be removed, nor have its password changed here.
    let r = admin.post("/account/users/delete", &format!("csrf={csrf}&user=admin"));
    assert_eq!(r.code, 400);
    assert!(
        r.text().contains("set in the configuration"),
        "{}",
        r.text()
    );
    let r = admin.post(
        "/account/password",
        &format!(
            "csrf={csrf}&current={}&password=new+admin+pw&again=new+admin+pw",
            urlencode(ADMIN_PASSWORD)
        ),
    );
    assert_eq!(r.code, 400);
    // Removing the manager ends their sessions.
    let r = admin.post("/account/users/delete", &format!("csrf={csrf}&user=boss"));
    assert_eq!(r.code, 303, "{}", r.text());
    assert_eq!(boss.get("/").code, 303);
    d.stop();
}

/// Hostile values, percent-encoded as they go on the wire: very long, NUL and control bytes,
/// markup, percent garbage, bytes that are not UTF-8, path tricks, huge numbers.
fn hostile() -> Vec<String> {
    vec![
        "A".repeat(3000),
        "%00".into(),
        "%01%1B%7F%0D%0Ax".into(),
        urlencode("<script>alert(1)</script>"),
        urlencode("\"><script>alert(1)</script>"),
        "%zz%".into(),
        "%".into(),
        "%FF%FE%C0%AF".into(),
        urlencode("../../etc/passwd"),
        "-99999999999999999999".into(),
        urlencode("2026-13-45"),
        urlencode("'; DROP TABLE records; --"),
    ]
}

/// No answer is a server error, and no HTML answer carries the hostile markup unescaped.
fn check_answer(what: &str, r: &HttpReply) {
    // `/healthz` says 503 when the box is unwell (here: no serial port), whatever is asked.
    let health = what.contains("/healthz") && r.code == 503;
    assert!(
        r.code != 0 && (r.code < 500 || health),
        "{what}: {} {}",
        r.code,
        r.text()
    );
    let ctype = r.header("Content-Type").unwrap_or_default();
    let body = r.text();
    if ctype.starts_with("text/html") {
        assert!(
            !body.contains("<script"),
            "{what}: markup reflected: {body}"
        );
    }
    // A redirect stays on the box, whatever `next` said.
    if let Some(to) = r.header("Location") {
        assert!(
            to.starts_with('/') && !to.starts_with("//"),
            "{what}: to {to}"
        );
    }
    if r.code >= 400 {
        assert!(
            ctype.starts_with("text/plain") || ctype.starts_with("text/html"),
            "{what}: {ctype}"
        );
        assert!(!body.trim().is_empty(), "{what}: an error without words");
    }
}

#[test]
fn hostile_values_in_every_parameter_of_every_route() {
    let (tb, d) = start();
    let mut admin = Browser::logged_in(&d.addr, "admin", ADMIN_PASSWORD);
    // A second admin from the accounts file, so that the password form runs to its checks
    // (the configuration's admin cannot change its password here).
    let csrf = admin.csrf();
    let r = admin.post(
        "/account/users",
        &format!("csrf={csrf}&user=root2&role=admin&password=root2+password"),
    );
    assert_eq!(r.code, 303);
    let mut b = Browser::logged_in(&d.addr, "root2", "root2 password");
    let csrf = b.csrf();
    let benign = |param: &str| -> String {
        match param {
            "csrf" => csrf.clone(),
            "current" => urlencode("root2 password"),
            "password" | "again" => urlencode("another password"),
            "role" => "manager".into(),
            "user" => "victim".into(),
            "from" | "to" => "2026-01-01".into(),
            "month" => "2026-01".into(),
            "sep" => "%3B".into(),
            "last" => "10".into(),
            "next" => "%2F".into(),
            _ => String::new(),
        }
    };
    let mut requests = 0;
    // The login form last: its failures lock the address out, which is fine (429) but would
    // spoil nothing else since this browser's session is not a password.
    let mut routes: Vec<_> = ROUTES.iter().collect();
    routes.sort_by_key(|r| r.path == "/login");
    for route in routes {
        let path = concrete(route.path);
        for param in route.params {
            for value in hostile() {
                if route.get {
                    let r = b.get(&format!("{path}?{param}={value}"));
                    check_answer(&format!("GET {path}?{param}={:.60}", value), &r);
                    requests += 1;
                }
                if route.post {
                    let mut body: Vec<String> = route
                        .params
                        .iter()
                        .filter(|p| *p != param)
                        .map(|p| format!("{p}={}", benign(p)))
                        .collect();
                    body.push(format!("{param}={value}"));
                    if route.path == "/login" || route.path == "/setup" {
                        let page = b.get(&path);
                        if let Some(form) = hidden(&page.text(), "form") {
                            if *param != "form" {
                                body.push(format!("form={form}"));
                            }
                        }
                    }
                    let r = b.post(&path, &body.join("&"));
                    check_answer(&format!("POST {path} {param}={:.60}", value), &r);
                    requests += 1;
                }
            }
        }
        // Invalid UTF-8 and NUL as raw bytes in a form body, and an unknown parameter.
        if route.post {
            let r = http_raw(
                &d.addr,
                &format!(
                    "POST {path} HTTP/1.0\r\nCookie: {}\r\nX-CSRF-Token: {csrf}\r\nContent-Type: application/x-www-form-urlencoded",
                    b.cookie_header()
                ),
                b"user=\xff\xfe\x00&password=\x00",
            );
            check_answer(&format!("POST {path} raw bytes"), &r);
        }
        if route.get {
            check_answer(&path, &b.get(&format!("{path}?nonsense=%3Cscript%3E")));
        }
    }
    assert!(requests > 300, "only {requests} requests");
    // Still alive, still logged in, and the accounts file is intact.
    assert_eq!(admin.get("/api/status").code, 200);
    assert!(users_file(&tb).contains("\"root2\""));
    d.stop();
}

#[test]
fn password_hash_makes_a_hash_the_configuration_takes() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let run = |input: &str| {
        let mut child = Command::new(BIN)
            .arg("password-hash")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run("correct horse battery\n");
    assert!(out.status.success(), "{out:?}");
    let hash = String::from_utf8(out.stdout).unwrap();
    let hash = hash.trim_end();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(smdrbox::web::auth::verify_password(
        hash,
        "correct horse battery"
    ));
    // The configuration takes it.
    let tb = TestBox::new("", "");
    let text = std::fs::read_to_string(&tb.config)
        .unwrap()
        .replace(ADMIN_HASH, hash);
    std::fs::write(&tb.config, text).unwrap();
    let check = Command::new(BIN)
        .arg("check-config")
        .arg(&tb.config)
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    // A password too short is refused, saying why.
    let out = run("short\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 8 characters"));
}
