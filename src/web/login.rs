//! The login, first-visit and account pages (pure HTML renderers), and which requests need
//! which role ([`access`]).

use super::auth::Role;
use super::fmt::escape;
use super::pages::page_with;
use std::fmt::Write;

macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = write!($dst, $($arg)*);
    }};
}

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone: the health check for monitoring, and the pages that log in.
    Nobody,
    /// A logged-in user of any role.
    Login,
    /// An admin.
    Admin,
}

/// Which role a path needs. Everything with call data, downloads or status detail needs a
/// login; only `/healthz` (a one-word verdict, no data) and the login pages are open.
pub fn access(path: &str) -> Need {
    match path {
        "/healthz" | "/login" | "/setup" => Need::Nobody,
        "/account/users" | "/account/users/delete" => Need::Admin,
        _ => Need::Login,
    }
}

/// Whether `role` satisfies `need`.
pub fn allowed(role: Role, need: Need) -> bool {
    match need {
        Need::Nobody | Need::Login => true,
        Need::Admin => role == Role::Admin,
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

/// The login form. `form_token` is the anti-forgery value also set as a cookie.
pub fn login_page(next: &str, form_token: &str, error: Option<&str>) -> String {
    let mut h = String::from("<h1>Log in</h1>");
    message(&mut h, error.map(|e| (false, e)));
    w!(
        h,
        "<form method=\"post\" action=\"/login\">\
         <input type=\"hidden\" name=\"form\" value=\"{}\">\
         <input type=\"hidden\" name=\"next\" value=\"{}\">\
         <p><label>User <input name=\"user\" autocomplete=\"username\" required autofocus></label></p>\
         <p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label></p>\
         <p><button type=\"submit\">Log in</button></p></form>\
         <p>Call records hold customers' and staff's phone numbers: this page needs a login. \
         Forgotten the admin password? Set <code>[web] admin_password_hash</code> in the \
         configuration (<code>smdrbox password-hash</code> makes one) and restart.</p>",
        escape(form_token),
        escape(safe_next(next))
    );
    page_with("smdrbox: log in", "", &h, false)
}

/// The first visit: no account exists yet, so whoever installs the box sets the admin's
/// password (user `admin`).
pub fn setup_page(form_token: &str, error: Option<&str>) -> String {
    let mut h = String::from(
        "<h1>Set the admin password</h1><p>This box has no account yet. Choose the password of \
         user <b>admin</b>, who can see everything and add read-only accounts for managers. \
         Do it now: until then, anyone on this network who opens the page first can set it.</p>",
    );
    message(&mut h, error.map(|e| (false, e)));
    w!(
        h,
        "<form method=\"post\" action=\"/setup\">\
         <input type=\"hidden\" name=\"form\" value=\"{}\">\
         <p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required autofocus></label></p>\
         <p><label>Again <input name=\"again\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required></label></p>\
         <p><button type=\"submit\">Set and log in</button></p></form>",
        escape(form_token)
    );
    page_with("smdrbox: first visit", "", &h, false)
}

/// One account as the account page lists it.
pub struct AccountRow {
    pub name: String,
    pub role: Role,
    pub from_config: bool,
}

/// The account page: who is logged in, log out, change one's password; for an admin, the
/// accounts and forms to add, replace and remove them. Every form carries `csrf`.
pub fn account_page(
    user: &str,
    role: Role,
    own_from_config: bool,
    csrf: &str,
    accounts: &Result<Vec<AccountRow>, String>,
    msg: Option<(bool, &str)>,
) -> String {
    let csrf = escape(csrf);
    let mut h = format!(
        "<h1>Account</h1><p>Logged in as <b>{}</b> ({}).</p>",
        escape(user),
        role.as_str()
    );
    message(&mut h, msg);
    w!(
        h,
        "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <button type=\"submit\">Log out</button></form>"
    );
    if own_from_config {
        h.push_str(
            "<h2>Password</h2><p>This account's password is set in the configuration \
             (<code>[web] admin_password_hash</code>).</p>",
        );
    } else {
        w!(
            h,
            "<h2>Change my password</h2><form method=\"post\" action=\"/account/password\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <p><label>Current <input name=\"current\" type=\"password\" autocomplete=\"current-password\" required></label></p>\
             <p><label>New <input name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required></label></p>\
             <p><label>Again <input name=\"again\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required></label></p>\
             <p><button type=\"submit\">Change</button></p></form>"
        );
    }
    if role != Role::Admin {
        return page_with("smdrbox: account", "/account", &h, false);
    }
    h.push_str("<h2>Accounts</h2>");
    match accounts {
        Err(e) => w!(h, "<p class=\"fault\">{}</p>", escape(e)),
        Ok(rows) => {
            h.push_str("<table><tr><th>User</th><th>Role</th><th></th></tr>");
            for r in rows {
                w!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>",
                    escape(&r.name),
                    r.role.as_str()
                );
                if r.from_config {
                    h.push_str("set in the configuration");
                } else if r.name != user {
                    w!(
                        h,
                        "<form method=\"post\" action=\"/account/users/delete\">\
                         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
                         <input type=\"hidden\" name=\"user\" value=\"{}\">\
                         <button type=\"submit\">Remove</button></form>",
                        escape(&r.name)
                    );
                }
                h.push_str("</td></tr>");
            }
            h.push_str("</table>");
        }
    }
    w!(
        h,
        "<h2>Add or replace an account</h2><form method=\"post\" action=\"/account/users\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <p><label>User <input name=\"user\" required maxlength=\"32\"></label></p>\
         <p><label>Role <select name=\"role\"><option value=\"manager\">manager (read only)</option>\
         <option value=\"admin\">admin</option></select></label></p>\
         <p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required></label></p>\
         <p><button type=\"submit\">Save</button></p></form>"
    );
    page_with("smdrbox: account", "/account", &h, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_but_health_and_login_needs_a_login() {
        for p in [
            "/",
            "/calls",
            "/export.csv",
            "/api/status",
            "/reports/lost.csv",
            "/capture.log",
        ] {
            assert_eq!(access(p), Need::Login, "{p}");
        }
        for p in ["/healthz", "/login", "/setup"] {
            assert_eq!(access(p), Need::Nobody, "{p}");
        }
        assert_eq!(access("/account/users"), Need::Admin);
        assert!(!allowed(Role::Manager, Need::Admin));
        assert!(allowed(Role::Manager, Need::Login));
        assert!(allowed(Role::Admin, Need::Admin));
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
        let p = login_page("/calls\"><script>", "tok&", Some("wrong <user>"));
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
        let a = account_page("admin", Role::Admin, true, "c5rf", &rows, None);
        assert_eq!(
            a.matches("name=\"csrf\" value=\"c5rf\"").count(),
            3,
            "logout, remove anna, add"
        );
        let m = account_page("anna", Role::Manager, false, "c5rf", &rows, None);
        assert!(
            !m.contains("/account/users"),
            "a manager manages no accounts"
        );
        assert!(m.contains("/account/password"));
    }
}
