//! The login, first-visit and account pages (pure HTML renderers), and which requests need
//! which role ([`decide`], the gate's rule over [`Route`]s).

use super::auth::Role;
use super::fmt::escape;
use super::pages::{shell, Ctx};
use crate::i18n::{t, tf, Lang};
use chrono::TimeZone;
use std::fmt::Write;

macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = write!($dst, $($arg)*);
    }};
}

/// One route of the server, as the gate and the security tests see it. The list is
/// [`super::ROUTES`]; a route missing from it is answered 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The path; `{name}` stands for a report's name (letters, digits, `-`, `_`).
    pub path: &'static str,
    pub get: bool,
    pub post: bool,
    /// Open without a login: the health check and the login pages.
    pub open: bool,
    /// Read by programs (JSON, CSV, workbooks, plain text): without a login it answers 401
    /// with a Basic challenge instead of redirecting to the login page.
    pub machine: bool,
    /// The query parameters and form fields it reads (the security tests fill each one with
    /// hostile values).
    pub params: &'static [&'static str],
}

impl Route {
    /// A page (HTML) read with GET.
    pub const fn page(path: &'static str, params: &'static [&'static str]) -> Route {
        Route {
            path,
            get: true,
            post: false,
            open: false,
            machine: false,
            params,
        }
    }

    /// A download or an answer for programs, read with GET.
    pub const fn data(path: &'static str, params: &'static [&'static str]) -> Route {
        Route {
            machine: true,
            ..Route::page(path, params)
        }
    }

    /// A form's target: POST only.
    pub const fn form(path: &'static str, params: &'static [&'static str]) -> Route {
        Route {
            get: false,
            post: true,
            ..Route::page(path, params)
        }
    }

    /// ... that also takes POST.
    pub const fn and_post(self) -> Route {
        Route { post: true, ..self }
    }

    /// ... open without a login.
    pub const fn open(self) -> Route {
        Route { open: true, ..self }
    }

    /// Whether `path` is this route's.
    pub fn matches(&self, path: &str) -> bool {
        match self.path.split_once("{name}") {
            None => self.path == path,
            Some((before, after)) => path
                .strip_prefix(before)
                .and_then(|rest| rest.strip_suffix(after))
                .is_some_and(|name| {
                    !name.is_empty()
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                }),
        }
    }

    /// The `Allow:` header's value.
    pub fn allow(&self) -> &'static str {
        match (self.get, self.post) {
            (true, true) => "GET, HEAD, POST",
            (true, false) => "GET, HEAD",
            _ => "POST",
        }
    }
}

/// The route `path` belongs to, if any.
pub fn find<'r>(routes: &'r [Route], path: &str) -> Option<&'r Route> {
    routes.iter().find(|r| r.matches(path))
}

/// The only POSTs a manager (read-only) may make: log out, change their own password.
pub const MANAGER_POSTS: &[&str] = &["/logout", "/account/password"];

/// Who sent a request, as far as the gate could tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// No session and no Basic credentials.
    Nobody,
    /// A live session, or Basic credentials that verified (GET only).
    User(Role),
    /// Basic credentials that did not verify.
    WrongPassword,
    /// Basic credentials from an address locked out by the limiter: refused unread, for
    /// this many seconds more.
    Locked(u64),
}

/// What the gate knows of a request.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub route: &'a Route,
    pub post: bool,
    /// No admin exists yet: the first visit must set the admin password.
    pub setup_needed: bool,
    pub who: Who,
    /// For a POST: whether it carried the session's CSRF token.
    pub csrf_ok: bool,
}

/// The gate's verdict on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go on to the handler.
    Serve,
    /// 303 to `/setup`: the box has no account yet.
    ToSetup,
    /// 303 to `/login?next=...`: a page, no login.
    ToLogin,
    /// 401 with a Basic challenge: a machine route without a login, or wrong credentials.
    Challenge,
    /// 429 with Retry-After: too many failed logins from this address.
    Locked(u64),
    /// 403 with the reason.
    Forbidden(&'static str),
}

pub const CSRF_REFUSAL: &str =
    "this form has expired or did not come from this box's page (CSRF token missing or wrong): reload the page and try again";
pub const READ_ONLY_REFUSAL: &str = "this account is read-only: ask an admin to make this change";

/// The access rule, decided before any route's handler runs (pure, so it is tested by table).
/// `/healthz` is open; until an admin exists everything else leads to `/setup`; then every
/// route needs a login but the login page itself; a POST needs the session's CSRF token and,
/// from a manager, one of [`MANAGER_POSTS`].
pub fn decide(f: &Facts) -> Decision {
    let path = f.route.path;
    let login_page = matches!(path, "/login" | "/setup");
    if f.route.open && !login_page {
        return Decision::Serve;
    }
    if f.setup_needed {
        return if path == "/setup" {
            Decision::Serve
        } else if f.route.machine {
            Decision::Challenge
        } else {
            Decision::ToSetup
        };
    }
    if login_page {
        // `/setup` once an admin exists: its handler sends the visitor to log in.
        return Decision::Serve;
    }
    match f.who {
        Who::Locked(s) => Decision::Locked(s),
        Who::WrongPassword => Decision::Challenge,
        Who::Nobody if f.route.machine => Decision::Challenge,
        Who::Nobody => Decision::ToLogin,
        Who::User(role) => {
            if f.post && !f.csrf_ok {
                Decision::Forbidden(CSRF_REFUSAL)
            } else if f.post && role != Role::Admin && !MANAGER_POSTS.contains(&path) {
                Decision::Forbidden(READ_ONLY_REFUSAL)
            } else {
                Decision::Serve
            }
        }
    }
}

/// Where to go after logging in: a local path only (never `//host` or `http:`), else `/`.
pub fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 512
        && !next.chars().any(|c| c.is_control());
    if local {
        next
    } else {
        "/"
    }
}

fn message(h: &mut String, msg: Option<(bool, &str)>) {
    if let Some((ok, text)) = msg {
        w!(
            h,
            "<p class=\"{}\">{}</p>",
            if ok { "ok" } else { "fault" },
            escape(text)
        );
    }
}

/// A role as the account page shows it.
fn role_word(l: Lang, role: Role) -> &'static str {
    match role {
        Role::Admin => t(l, "role.admin"),
        Role::Manager => t(l, "role.manager"),
    }
}

/// The login form. `form_token` is the anti-forgery value also set as a cookie.
pub fn login_page<Tz: TimeZone>(
    ctx: &Ctx<Tz>,
    next: &str,
    form_token: &str,
    error: Option<&str>,
) -> String {
    let l = ctx.lang;
    let mut h = format!("<h1>{}</h1>", t(l, "login.h1"));
    message(&mut h, error.map(|e| (false, e)));
    w!(
        h,
        "<form method=\"post\" action=\"/login\">\
         <input type=\"hidden\" name=\"form\" value=\"{}\">\
         <input type=\"hidden\" name=\"next\" value=\"{}\">\
         <p><label>{} <input name=\"user\" autocomplete=\"username\" required autofocus></label></p>\
         <p><label>{} <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label></p>\
         <p><button type=\"submit\">{}</button></p></form><p>{}</p>",
        escape(form_token),
        escape(safe_next(next)),
        t(l, "login.user"),
        t(l, "login.password"),
        t(l, "login.button"),
        t(l, "login.notice")
    );
    shell(ctx, t(l, "login.title"), "", &h, false)
}

/// The first visit: no account exists yet, so whoever installs the box sets the admin's
/// password (user `admin`).
pub fn setup_page<Tz: TimeZone>(ctx: &Ctx<Tz>, form_token: &str, error: Option<&str>) -> String {
    let l = ctx.lang;
    let mut h = format!(
        "<h1>{}</h1><p>{}</p>",
        t(l, "setup.h1"),
        t(l, "setup.notice")
    );
    message(&mut h, error.map(|e| (false, e)));
    w!(
        h,
        "<form method=\"post\" action=\"/setup\">\
         <input type=\"hidden\" name=\"form\" value=\"{}\">\
         <p><label>{} <input name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required autofocus></label></p>\
         <p><label>{} <input name=\"again\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required></label></p>\
         <p><button type=\"submit\">{}</button></p></form>",
        escape(form_token),
        t(l, "login.password"),
        t(l, "setup.again"),
        t(l, "setup.button")
    );
    shell(ctx, t(l, "setup.title"), "", &h, false)
}

/// One account as the account page lists it.
pub struct AccountRow {
    pub name: String,
    pub role: Role,
    pub from_config: bool,
}

/// The account page: who is logged in, log out, change one's password; for an admin, the
/// accounts and forms to add, replace and remove them. Every form carries `csrf`.
pub fn account_page<Tz: TimeZone>(
    ctx: &Ctx<Tz>,
    user: &str,
    role: Role,
    own_from_config: bool,
    csrf: &str,
    accounts: &Result<Vec<AccountRow>, String>,
    msg: Option<(bool, &str)>,
) -> String {
    let l = ctx.lang;
    let title = t(l, "account.title");
    let csrf = escape(csrf);
    let mut h = format!(
        "<h1>{}</h1><p>{}</p>",
        t(l, "nav.account"),
        tf(l, "account.as", &[&escape(user), &role_word(l, role)])
    );
    message(&mut h, msg);
    w!(
        h,
        "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <button type=\"submit\">{}</button></form>",
        t(l, "nav.logout")
    );
    if own_from_config {
        w!(
            h,
            "<h2>{}</h2><p>{}</p>",
            t(l, "login.password"),
            t(l, "account.from_config")
        );
    } else {
        w!(
            h,
            "<h2>{}</h2><form method=\"post\" action=\"/account/password\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <p><label>{} <input name=\"current\" type=\"password\" autocomplete=\"current-password\" required></label></p>\
             <p><label>{} <input name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required></label></p>\
             <p><label>{} <input name=\"again\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required></label></p>\
             <p><button type=\"submit\">{}</button></p></form>",
            t(l, "account.change_h"),
            t(l, "account.current"),
            t(l, "account.new"),
            t(l, "setup.again"),
            t(l, "account.change")
        );
    }
    if role != Role::Admin {
        return shell(ctx, title, "/account", &h, false);
    }
    w!(h, "<h2>{}</h2>", t(l, "account.accounts"));
    match accounts {
        Err(e) => w!(h, "<p class=\"fault\">{}</p>", escape(e)),
        Ok(rows) => {
            w!(
                h,
                "<table><tr><th>{}</th><th>{}</th><th></th></tr>",
                t(l, "login.user"),
                t(l, "account.role")
            );
            for r in rows {
                w!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>",
                    escape(&r.name),
                    role_word(l, r.role)
                );
                if r.from_config {
                    h.push_str(t(l, "account.in_config"));
                } else if r.name != user {
                    w!(
                        h,
                        "<form method=\"post\" action=\"/account/users/delete\">\
                         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
                         <input type=\"hidden\" name=\"user\" value=\"{}\">\
                         <button type=\"submit\">{}</button></form>",
                        escape(&r.name),
                        t(l, "account.remove")
                    );
                }
                h.push_str("</td></tr>");
            }
            h.push_str("</table>");
        }
    }
    w!(
        h,
        "<h2>{}</h2><form method=\"post\" action=\"/account/users\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <p><label>{} <input name=\"user\" required maxlength=\"32\"></label></p>\
         <p><label>{} <select name=\"role\"><option value=\"manager\">{}</option>\
         <option value=\"admin\">{}</option></select></label></p>\
         <p><label>{} <input name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required></label></p>\
         <p><button type=\"submit\">{}</button></p></form>",
        t(l, "account.add_h"),
        t(l, "login.user"),
        t(l, "account.role"),
        t(l, "account.manager_ro"),
        t(l, "role.admin"),
        t(l, "login.password"),
        t(l, "account.save")
    );
    shell(ctx, title, "/account", &h, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTES: &[Route] = &[
        Route::page("/", &[]),
        Route::data("/api/status", &[]),
        Route::data("/healthz", &[]).open(),
        Route::page("/login", &[]).and_post().open(),
        Route::page("/setup", &[]).and_post().open(),
        Route::form("/logout", &[]),
        Route::form("/account/password", &[]),
        Route::form("/account/users", &[]),
        Route::page("/settings", &[]).and_post(),
        Route::page("/reports/{name}", &[]),
        Route::data("/reports/{name}.csv", &[]),
    ];

    fn decision(path: &str, post: bool, setup: bool, who: Who, csrf_ok: bool) -> Decision {
        let route = find(ROUTES, path).unwrap_or_else(|| panic!("no route {path}"));
        decide(&Facts {
            route,
            post,
            setup_needed: setup,
            who,
            csrf_ok,
        })
    }

    #[test]
    fn routes_match_by_pattern() {
        assert_eq!(
            find(ROUTES, "/reports/lost").unwrap().path,
            "/reports/{name}"
        );
        assert_eq!(
            find(ROUTES, "/reports/lost.csv").unwrap().path,
            "/reports/{name}.csv"
        );
        for none in [
            "/reports/",
            "/reports/.csv",
            "/reports/a/b",
            "/reports/x.pdf",
            "/nope",
            "",
        ] {
            assert!(find(ROUTES, none).is_none(), "{none}");
        }
        assert_eq!(Route::form("/x", &[]).allow(), "POST");
        assert_eq!(Route::page("/x", &[]).and_post().allow(), "GET, HEAD, POST");
    }

    #[test]
    fn the_gate_by_table() {
        use Decision::*;
        let admin = Who::User(Role::Admin);
        let manager = Who::User(Role::Manager);
        let cases: &[(&str, bool, bool, Who, bool, Decision)] = &[
            // path, post, setup needed, who, csrf ok => decision
            ("/healthz", false, true, Who::Nobody, false, Serve),
            ("/healthz", false, false, Who::WrongPassword, false, Serve),
            ("/", false, true, Who::Nobody, false, ToSetup),
            ("/", false, true, admin, true, ToSetup),
            ("/api/status", false, true, Who::Nobody, false, Challenge),
            ("/login", false, true, Who::Nobody, false, ToSetup),
            ("/setup", true, true, Who::Nobody, false, Serve),
            ("/setup", false, false, Who::Nobody, false, Serve),
            ("/login", true, false, Who::Nobody, false, Serve),
            ("/", false, false, Who::Nobody, false, ToLogin),
            ("/reports/lost", false, false, Who::Nobody, false, ToLogin),
            (
                "/reports/lost.csv",
                false,
                false,
                Who::Nobody,
                false,
                Challenge,
            ),
            ("/api/status", false, false, Who::Nobody, false, Challenge),
            (
                "/api/status",
                false,
                false,
                Who::WrongPassword,
                false,
                Challenge,
            ),
            ("/", false, false, Who::WrongPassword, false, Challenge),
            (
                "/api/status",
                false,
                false,
                Who::Locked(7),
                false,
                Locked(7),
            ),
            ("/", false, false, manager, false, Serve),
            ("/api/status", false, false, manager, false, Serve),
            ("/settings", false, false, manager, false, Serve),
            ("/logout", true, false, Who::Nobody, false, ToLogin),
            ("/logout", true, false, manager, true, Serve),
            (
                "/logout",
                true,
                false,
                manager,
                false,
                Forbidden(CSRF_REFUSAL),
            ),
            ("/account/password", true, false, manager, true, Serve),
            (
                "/account/users",
                true,
                false,
                manager,
                true,
                Forbidden(READ_ONLY_REFUSAL),
            ),
            (
                "/account/users",
                true,
                false,
                manager,
                false,
                Forbidden(CSRF_REFUSAL),
            ),
            (
                "/settings",
                true,
                false,
                manager,
                true,
                Forbidden(READ_ONLY_REFUSAL),
            ),
            ("/settings", true, false, admin, true, Serve),
            (
                "/settings",
                true,
                false,
                admin,
                false,
                Forbidden(CSRF_REFUSAL),
            ),
            ("/account/users", true, false, admin, true, Serve),
        ];
        for &(path, post, setup, who, csrf, want) in cases {
            assert_eq!(
                decision(path, post, setup, who, csrf),
                want,
                "{path} post={post} setup={setup} {who:?} csrf={csrf}"
            );
        }
    }

    #[test]
    fn next_stays_on_the_box() {
        assert_eq!(
            safe_next("/reports/lost?from=2026-01-01"),
            "/reports/lost?from=2026-01-01"
        );
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil",
            "",
            "x",
            "/a\nb",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn forms_carry_their_tokens_escaped() {
        let ctx = Ctx::new(0, chrono::Utc);
        let p = login_page(&ctx, "/calls\"><script>", "tok&", Some("wrong <user>"));
        assert!(p.contains("value=\"tok&amp;\""));
        assert!(!p.contains("<script>"));
        assert!(p.contains("wrong &lt;user&gt;"));
        let rows = Ok(vec![
            AccountRow {
                name: "admin".into(),
                role: Role::Admin,
                from_config: true,
            },
            AccountRow {
                name: "anna".into(),
                role: Role::Manager,
                from_config: false,
            },
        ]);
        let a = account_page(&ctx, "admin", Role::Admin, true, "c5rf", &rows, None);
        assert_eq!(
            a.matches("name=\"csrf\" value=\"c5rf\"").count(),
            3,
            "logout, remove anna, add"
        );
        let m = account_page(&ctx, "anna", Role::Manager, false, "c5rf", &rows, None);
        assert!(
            !m.contains("/account/users"),
            "a manager manages no accounts"
        );
        assert!(m.contains("/account/password"));
    }
}
