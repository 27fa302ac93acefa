//! The login at the edge: the gate every request passes before its route's handler
//! ([`App::gate`], the rule itself is [`login::decide`]), and the login, first-visit, logout
//! and account routes. State (sessions, the limiter, verified Basic headers) lives in memory
//! on the web thread; accounts in `users.json` ([`Users`]).

use std::net::{IpAddr, Ipv4Addr};

use chrono::Local;
use tiny_http::Method;

use super::auth::{self, BasicCache, Limiter, Role, Sessions};
use super::form::{self, Form};
use super::login::{self, AccountRow, Decision, Facts, Route, Who};
use super::pages::{Ctx, PageUser};
use super::request::Incoming;
use super::users::{Users, CONFIG_ADMIN};
use super::{query_param, App, Reply};
// `t_`: the catalog lookup; `t` names the form token in this file's closures.
use crate::i18n::{report_text, t as t_, tf};

/// The login's state: who may log in, who is logged in, who failed.
#[derive(Debug)]
pub struct Login {
    users: Users,
    sessions: Sessions,
    limiter: Limiter,
    basic: BasicCache,
    /// Mark cookies `Secure` (the page is served over HTTPS).
    secure: bool,
    /// An admin exists. Once true it stays true (the last admin cannot be removed), so
    /// `users.json` is not read on every request to know.
    set_up: bool,
}

impl Login {
    pub fn new(users: Users, secure: bool) -> Login {
        Login {
            users,
            sessions: Sessions::default(),
            limiter: Limiter::new(window_ms()),
            basic: BasicCache::default(),
            secure,
            set_up: false,
        }
    }

    /// Whether the first visit must still set the admin password (no admin exists). An
    /// unreadable accounts file is not "no admin": the login page then says why nobody can log
    /// in.
    fn setup_needed(&mut self) -> bool {
        if !self.set_up {
            self.set_up = self
                .users
                .list()
                .map_or(true, |l| l.iter().any(|u| u.role == Role::Admin));
        }
        !self.set_up
    }

    /// Who sent `header` (`Authorization: Basic`): the limiter first, so that even the right
    /// password is refused from an address locked out; then the cache, then argon2.
    fn basic(&mut self, header: &str, ip: IpAddr, now_ms: i64) -> (Who, Option<(String, Role)>) {
        if let Err(secs) = self.limiter.check(ip, now_ms) {
            return (Who::Locked(secs), None);
        }
        if let Some((name, role)) = self.basic.get(header, now_ms) {
            return (Who::User(role), Some((name, role)));
        }
        let Some((name, password)) = auth::parse_basic(header) else {
            self.limiter.failed(ip, now_ms);
            return (Who::WrongPassword, None);
        };
        match self.users.verify(&name, &password) {
            Ok(Some(u)) => {
                self.limiter.succeeded(ip);
                self.basic.put(header, &u.name, u.role, now_ms);
                (Who::User(u.role), Some((u.name, u.role)))
            }
            Ok(None) => {
                self.limiter.failed(ip, now_ms);
                (Who::WrongPassword, None)
            }
            Err(e) => {
                tracing::warn!("web: accounts: {e}");
                (Who::WrongPassword, None)
            }
        }
    }

    /// `user`'s account changed or went: their other sessions and cached Basic headers end.
    fn changed(&mut self, user: &str, keep_token: &str) {
        self.sessions.remove_user_except(user, keep_token);
        self.basic.forget_user(user);
    }
}

/// How long failed logins count: [`auth::FAILURE_WINDOW_MS`]; a debug build (tests) reads
/// `SMDRBOX_TEST_LOGIN_WINDOW_MS` so the lockout can be seen to end without waiting 15 minutes.
fn window_ms() -> i64 {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("SMDRBOX_TEST_LOGIN_WINDOW_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return ms;
    }
    auth::FAILURE_WINDOW_MS
}

fn client(rq: &Incoming) -> IpAddr {
    rq.remote.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// The session token in the request's cookie, if well formed.
fn token(rq: &Incoming) -> Option<&str> {
    rq.cookie(auth::COOKIE)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn redirect(to: &str) -> Reply {
    let mut r = Reply::text(303, format!("see {to}\n"));
    r.headers.push(("Location", to.to_string()));
    r
}

fn forbidden(reason: &str) -> Reply {
    Reply::text(403, format!("{reason}\n"))
}

fn locked(secs: u64) -> Reply {
    let mut r = Reply::text(
        429,
        format!("too many failed logins from this address: try again in {secs} s\n"),
    );
    r.headers.push(("Retry-After", secs.to_string()));
    r
}

fn challenge() -> Reply {
    let mut r = Reply::text(
        401,
        "log in first: open the page in a browser, or send HTTP Basic credentials (GET only)\n",
    );
    r.headers.push((
        "WWW-Authenticate",
        "Basic realm=\"smdrbox\", charset=\"UTF-8\"".into(),
    ));
    r
}

/// The CSRF token a POST carries: the `X-CSRF-Token` header, the `csrf` field of an
/// urlencoded body, or for an upload (multipart) the `csrf` query parameter of the form's
/// action. `Err`: an urlencoded body that is not well formed.
fn supplied_csrf(rq: &Incoming) -> Result<Option<String>, form::FormError> {
    if let Some(h) = rq.header("x-csrf-token") {
        return Ok(Some(h.trim().to_string()));
    }
    let ctype = rq.header("content-type");
    if form::is_multipart(ctype) {
        return Ok(query_param(rq.query(), "csrf").map(|c| c.into_owned()));
    }
    if form::is_urlencoded(ctype) || ctype.is_none() {
        return Ok(Form::parse(&rq.body)?.get("csrf").map(str::to_string));
    }
    Ok(None)
}

impl App {
    /// The gate, before routing: `Ok` lets the route's handler answer (with `ctx.user` filled
    /// when someone is logged in), `Err` is the answer instead. Without login state (library
    /// tests calling [`super::start`]) everything passes.
    pub(super) fn gate(
        &mut self,
        rq: &Incoming,
        route: &Route,
        ctx: &mut Ctx<Local>,
    ) -> Result<(), Reply> {
        let Some(login) = self.login.as_mut() else {
            return Ok(());
        };
        let now = ctx.now_ms;
        let post = rq.method == Method::Post;
        let setup_needed = !route.open || route.path == "/setup" || route.path == "/login";
        let setup_needed = setup_needed && login.setup_needed();
        let session = token(rq).and_then(|t| login.sessions.get(t, now)).cloned();
        let mut who = Who::Nobody;
        if let Some(s) = &session {
            who = Who::User(s.role);
            ctx.user = Some(PageUser {
                name: s.user.clone(),
                admin: s.role == Role::Admin,
                csrf: s.csrf.clone(),
            });
        } else if !post && !route.open && !setup_needed {
            // Basic credentials for scripts, on GET only: a form cannot be forged with them,
            // but nothing would stop a page elsewhere from making the browser POST with them.
            if let Some(h) = rq.header("authorization") {
                let (w, user) = login.basic(h, client(rq), now);
                who = w;
                ctx.user = user.map(|(name, role)| PageUser {
                    name,
                    admin: role == Role::Admin,
                    csrf: String::new(),
                });
            }
        }
        let mut csrf_ok = false;
        if post && !route.open {
            if let Some(s) = &session {
                match supplied_csrf(rq) {
                    Ok(c) => csrf_ok = c.is_some_and(|c| auth::same(&c, &s.csrf)),
                    Err(e) => return Err(Reply::text(400, format!("{e}\n"))),
                }
            }
        }
        let facts = Facts {
            route,
            post,
            setup_needed,
            who,
            csrf_ok,
        };
        match login::decide(&facts) {
            Decision::Serve => Ok(()),
            Decision::ToSetup => Err(redirect("/setup")),
            Decision::ToLogin => {
                let next = if route.get && !post {
                    rq.url.as_str()
                } else {
                    "/"
                };
                Err(redirect(&format!("/login?next={}", form::encode(next))))
            }
            Decision::Challenge => Err(challenge()),
            Decision::Locked(secs) => Err(locked(secs)),
            Decision::Forbidden(why) => Err(forbidden(why)),
        }
    }

    /// `/login`, `/setup`, `/logout`, `/account` and its forms.
    pub(super) fn account(&mut self, rq: &Incoming, ctx: &Ctx<Local>) -> Reply {
        let Some(login) = self.login.as_mut() else {
            return Reply::text(404, "this server has no logins\n");
        };
        let post = rq.method == Method::Post;
        let form = if post {
            match Form::parse(&rq.body) {
                Ok(f) => f,
                Err(e) => return Reply::text(400, format!("{e}\n")),
            }
        } else {
            Form::default()
        };
        match (rq.path(), post) {
            ("/login", false) => login.login_form(rq, ctx),
            ("/login", true) => login.log_in(rq, ctx, &form),
            ("/setup", false) => login.setup_form(ctx),
            ("/setup", true) => login.set_up(rq, ctx, &form),
            ("/logout", true) => login.log_out(rq),
            ("/account", false) => login.account_page(rq, ctx, None),
            ("/account/password", true) => login.change_password(rq, ctx, &form),
            ("/account/users", true) => login.save_user(rq, ctx, &form),
            ("/account/users/delete", true) => login.remove_user(rq, ctx, &form),
            _ => Reply::text(404, "not found\n"),
        }
    }
}

/// Messages the account page shows after a change (`/account?ok=...`, so a reload does not
/// send the form again).
const DONE: &[(&str, &str)] = &[
    ("password", "msg.password_changed"),
    ("saved", "msg.saved"),
    ("removed", "msg.removed"),
];

impl Login {
    /// A page with a fresh form token, set as a cookie too.
    fn with_form_token(&self, status: u16, page: impl FnOnce(&str) -> String) -> Reply {
        match auth::new_form_token() {
            Ok(t) => {
                let mut r = Reply::html(status, page(&t));
                r.headers
                    .push(("Set-Cookie", auth::set_form_cookie(&t, self.secure)));
                r
            }
            Err(e) => Reply::text(503, format!("{e}\n")),
        }
    }

    /// Whether a login or first-visit form came from this box's page: its `form` field
    /// equals the cookie set with the page.
    fn form_token_ok(rq: &Incoming, form: &Form) -> bool {
        let sent = form.value("form");
        !sent.is_empty()
            && rq
                .cookie(auth::FORM_COOKIE)
                .is_some_and(|c| auth::same(c, sent))
    }

    /// Log `user` in: a new session (a new id, whatever the browser had), its cookie, and the
    /// way on.
    fn start_session(
        &mut self,
        rq: &Incoming,
        user: &str,
        role: Role,
        now: i64,
        to: &str,
    ) -> Reply {
        if let Some(old) = token(rq) {
            self.sessions.remove(old);
        }
        match self.sessions.create(user, role, now) {
            Ok(t) => {
                let mut r = redirect(to);
                r.headers
                    .push(("Set-Cookie", auth::set_cookie(&t, self.secure)));
                r
            }
            Err(e) => Reply::text(503, format!("{e}\n")),
        }
    }

    fn login_form(&mut self, rq: &Incoming, ctx: &Ctx<Local>) -> Reply {
        let next = query_param(rq.query(), "next").unwrap_or_default();
        if ctx.user.is_some() {
            return redirect(login::safe_next(&next));
        }
        self.with_form_token(200, |t| login::login_page(ctx, &next, t, None))
    }

    fn log_in(&mut self, rq: &Incoming, ctx: &Ctx<Local>, form: &Form) -> Reply {
        let l = ctx.lang;
        let next = form.value("next");
        if !Self::form_token_ok(rq, form) {
            return self.with_form_token(403, |t| {
                login::login_page(ctx, next, t, Some(t_(l, "msg.expired_login")))
            });
        }
        let ip = client(rq);
        if let Err(secs) = self.limiter.check(ip, ctx.now_ms) {
            let msg = tf(l, "msg.too_many_logins", &[&secs]);
            let mut r = self.with_form_token(429, |t| login::login_page(ctx, next, t, Some(&msg)));
            r.headers.push(("Retry-After", secs.to_string()));
            return r;
        }
        match self
            .users
            .verify(form.value("user"), form.value("password"))
        {
            Ok(Some(u)) => {
                self.limiter.succeeded(ip);
                self.start_session(rq, &u.name, u.role, ctx.now_ms, login::safe_next(next))
            }
            Ok(None) => {
                self.limiter.failed(ip, ctx.now_ms);
                tracing::info!(
                    "web: failed login as {:?} from {ip}",
                    form.value("user").chars().take(40).collect::<String>()
                );
                self.with_form_token(403, |t| {
                    login::login_page(ctx, next, t, Some(t_(l, "msg.wrong_login")))
                })
            }
            Err(e) => {
                tracing::warn!("web: accounts: {e}");
                let msg = tf(l, "msg.accounts_unreadable", &[&report_text(l, &e)]);
                self.with_form_token(503, |t| login::login_page(ctx, next, t, Some(&msg)))
            }
        }
    }

    fn setup_form(&mut self, ctx: &Ctx<Local>) -> Reply {
        if !self.setup_needed() {
            return redirect("/login");
        }
        self.with_form_token(200, |t| login::setup_page(ctx, t, None))
    }

    fn set_up(&mut self, rq: &Incoming, ctx: &Ctx<Local>, form: &Form) -> Reply {
        let l = ctx.lang;
        if !self.setup_needed() {
            return forbidden("the admin password is already set: log in instead");
        }
        if !Self::form_token_ok(rq, form) {
            return self.with_form_token(403, |t| {
                login::setup_page(ctx, t, Some(t_(l, "msg.expired_setup")))
            });
        }
        let (pw, again) = (form.value("password"), form.value("again"));
        let refused = if pw != again {
            Some(t_(l, "msg.passwords_differ").to_string())
        } else {
            let set = self.users.set(CONFIG_ADMIN, Role::Admin, pw);
            set.err().map(|e| report_text(l, &e).into_owned())
        };
        if let Some(e) = refused {
            return self.with_form_token(400, |t| login::setup_page(ctx, t, Some(&e)));
        }
        self.set_up = true;
        tracing::info!("web: the admin password was set (first visit)");
        self.start_session(rq, CONFIG_ADMIN, Role::Admin, ctx.now_ms, "/")
    }

    fn log_out(&mut self, rq: &Incoming) -> Reply {
        if let Some(t) = token(rq) {
            self.sessions.remove(t);
        }
        let mut r = redirect("/login");
        r.headers
            .push(("Set-Cookie", auth::clear_cookie(self.secure)));
        r
    }

    /// The account page, with a message (`Some((ok, text))`) and its status.
    fn account_page(&mut self, rq: &Incoming, ctx: &Ctx<Local>, msg: Option<(u16, &str)>) -> Reply {
        let Some(user) = &ctx.user else {
            return redirect("/login?next=/account");
        };
        let role = if user.admin {
            Role::Admin
        } else {
            Role::Manager
        };
        let accounts = self.users.list().map(|l| {
            l.into_iter()
                .map(|u| AccountRow {
                    from_config: self.users.is_config_admin(&u.name),
                    name: u.name,
                    role: u.role,
                })
                .collect()
        });
        let done = query_param(rq.query(), "ok");
        let done = DONE
            .iter()
            .find(|(k, _)| done.as_deref() == Some(*k))
            .map(|(_, key)| (200, t_(ctx.lang, key)));
        let (status, shown) = match msg.or(done) {
            Some((code, text)) => (code, Some((code < 400, text))),
            None => (200, None),
        };
        let page = login::account_page(
            ctx,
            &user.name,
            role,
            self.users.is_config_admin(&user.name),
            &user.csrf,
            &accounts,
            shown,
        );
        Reply::html(status, page)
    }

    fn change_password(&mut self, rq: &Incoming, ctx: &Ctx<Local>, form: &Form) -> Reply {
        let l = ctx.lang;
        let Some(user) = &ctx.user else {
            return redirect("/login");
        };
        let name = user.name.clone();
        if self.users.is_config_admin(&name) {
            let msg = t_(l, "msg.config_password");
            return self.account_page(rq, ctx, Some((400, msg)));
        }
        let ip = client(rq);
        if let Err(secs) = self.limiter.check(ip, ctx.now_ms) {
            let msg = tf(l, "msg.too_many_passwords", &[&secs]);
            let mut r = self.account_page(rq, ctx, Some((429, &msg)));
            r.headers.push(("Retry-After", secs.to_string()));
            return r;
        }
        let role = match self.users.verify(&name, form.value("current")) {
            Ok(Some(u)) => u.role,
            Ok(None) => {
                self.limiter.failed(ip, ctx.now_ms);
                return self.account_page(rq, ctx, Some((403, t_(l, "msg.current_wrong"))));
            }
            Err(e) => return self.account_page(rq, ctx, Some((503, &report_text(l, &e)))),
        };
        let (pw, again) = (form.value("password"), form.value("again"));
        if pw != again {
            return self.account_page(rq, ctx, Some((400, t_(l, "msg.new_passwords_differ"))));
        }
        if let Err(e) = self.users.set(&name, role, pw) {
            return self.account_page(rq, ctx, Some((400, &report_text(l, &e))));
        }
        self.changed(&name, token(rq).unwrap_or_default());
        redirect("/account?ok=password")
    }

    fn save_user(&mut self, rq: &Incoming, ctx: &Ctx<Local>, form: &Form) -> Reply {
        let l = ctx.lang;
        let Some(role) = Role::parse(form.value("role")) else {
            return self.account_page(rq, ctx, Some((400, t_(l, "msg.role"))));
        };
        let name = form.value("user");
        if let Err(e) = self.users.set(name, role, form.value("password")) {
            return self.account_page(rq, ctx, Some((400, &report_text(l, &e))));
        }
        tracing::info!("web: account {name:?} saved ({})", role.as_str());
        // A replaced account's sessions were opened with the old password (and maybe role).
        self.changed(name, token(rq).unwrap_or_default());
        redirect("/account?ok=saved")
    }

    fn remove_user(&mut self, rq: &Incoming, ctx: &Ctx<Local>, form: &Form) -> Reply {
        let l = ctx.lang;
        let name = form.value("user");
        if let Err(e) = self.users.remove(name) {
            return self.account_page(rq, ctx, Some((400, &report_text(l, &e))));
        }
        tracing::info!("web: account {name:?} removed");
        self.changed(name, "");
        redirect("/account?ok=removed")
    }
}
