//! Who may see the box's pages: passwords, sessions, CSRF tokens and the login rate limit.
//!
//! Call records are personal data (customers' and staff's numbers), so everything but
//! `/healthz` needs a login. Two roles: **admin** (everything, including settings and users)
//! and **manager** (read only: status, reports, downloads).
//!
//! - Passwords are kept as salted argon2id hashes in PHC form (`$argon2id$v=19$m=19456,t=2,p=1$...`,
//!   the OWASP minimum), never in clear. Verifying costs about 0.1 s on a PC and well under a
//!   second on a Pi: slow for a guesser, fine for a person.
//! - A session is a random 256-bit token in a cookie (`HttpOnly`, `SameSite=Strict`, `Secure`
//!   over HTTPS), kept in memory: a restart logs everyone out, which on an appliance is fine.
//!   Sessions expire after [`IDLE_MS`] without a request and [`MAX_AGE_MS`] in all.
//! - Every form carries the session's CSRF token; a POST without the right one is refused
//!   (SameSite=Strict already keeps other sites' forms from sending the cookie; the token also
//!   covers browsers that ignore it).
//! - Failed logins are limited per client address: [`MAX_FAILURES`] within [`FAILURE_WINDOW_MS`],
//!   then refused with a Retry-After until the oldest failure leaves the window.
//!
//! Time comes in as a parameter (Unix ms), randomness from the OS; no I/O otherwise.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::{Deserialize, Serialize};

/// A session ends after this long without a request.
pub const IDLE_MS: i64 = 8 * 3600 * 1000;
/// ... and after this long in all.
pub const MAX_AGE_MS: i64 = 7 * 24 * 3600 * 1000;
/// Failed logins allowed per address within [`FAILURE_WINDOW_MS`].
pub const MAX_FAILURES: usize = 5;
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Sessions kept at most (the oldest is dropped): a bound on memory whatever clients do.
pub const MAX_SESSIONS: usize = 256;
/// Addresses tracked by the limiter at most.
const MAX_TRACKED: usize = 4096;
/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 8;
/// The session cookie's name.
pub const COOKIE: &str = "smdrbox_session";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including settings and users.
    Admin,
    /// Read only: status, reports, downloads.
    Manager,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "manager" => Some(Role::Manager),
            _ => None,
        }
    }
}

/// Why a password was not accepted as a new one.
pub fn check_new_password(pw: &str) -> Result<(), String> {
    if pw.chars().count() < MIN_PASSWORD {
        return Err(format!("a password has at least {MIN_PASSWORD} characters"));
    }
    if pw.len() > 256 {
        return Err("a password has at most 256 bytes".into());
    }
    if pw.chars().any(char::is_control) {
        return Err("a password has no control characters".into());
    }
    Ok(())
}

/// `n` random bytes from the operating system.
fn random<const N: usize>() -> Result<[u8; N], String> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| format!("no randomness from the OS: {e}"))?;
    Ok(b)
}

/// The PHC string of a new salted argon2id hash of `pw`.
pub fn hash_password(pw: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&random::<16>()?).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(pw.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("hashing the password: {e}"))
}

/// Whether `pw` matches the PHC string `hash` (false for a malformed hash).
pub fn verify_password(hash: &str, pw: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Whether `hash` is a PHC string this box can verify (a config's `password_hash`).
pub fn is_password_hash(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| h.algorithm.as_str().starts_with("argon2"))
}

/// Compare without an early exit, so the time taken does not tell how much of a token matched.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: String,
    pub role: Role,
    /// Sent in every form; a POST must carry it back.
    pub csrf: String,
    pub created_ms: i64,
    pub last_ms: i64,
}

/// The logged-in sessions, by token.
#[derive(Debug, Default)]
pub struct Sessions {
    map: HashMap<String, Session>,
}

impl Sessions {
    /// A new session for `user`; returns its token (the cookie's value).
    pub fn create(&mut self, user: &str, role: Role, now_ms: i64) -> Result<String, String> {
        self.expire(now_ms);
        if self.map.len() >= MAX_SESSIONS {
            if let Some(oldest) = self
                .map
                .iter()
                .min_by_key(|(_, s)| s.last_ms)
                .map(|(t, _)| t.clone())
            {
                self.map.remove(&oldest);
            }
        }
        let token = hex(&random::<32>()?);
        let csrf = hex(&random::<16>()?);
        self.map.insert(
            token.clone(),
            Session {
                user: user.to_string(),
                role,
                csrf,
                created_ms: now_ms,
                last_ms: now_ms,
            },
        );
        Ok(token)
    }

    /// The live session of `token`, touched (its idle time restarts).
    pub fn get(&mut self, token: &str, now_ms: i64) -> Option<&Session> {
        let live = self
            .map
            .get(token)
            .is_some_and(|s| now_ms - s.last_ms < IDLE_MS && now_ms - s.created_ms < MAX_AGE_MS);
        if !live {
            self.map.remove(token);
            return None;
        }
        let s = self.map.get_mut(token)?;
        s.last_ms = now_ms;
        Some(s)
    }

    pub fn remove(&mut self, token: &str) {
        self.map.remove(token);
    }

    /// Ends every session of `user` (a changed password or a deleted user).
    pub fn remove_user(&mut self, user: &str) {
        self.map.retain(|_, s| s.user != user);
    }

    /// Ends every session of `user` but `keep` (the one that changed the password).
    pub fn remove_user_except(&mut self, user: &str, keep: &str) {
        self.map.retain(|t, s| s.user != user || t == keep);
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    fn expire(&mut self, now_ms: i64) {
        self.map
            .retain(|_, s| now_ms - s.last_ms < IDLE_MS && now_ms - s.created_ms < MAX_AGE_MS);
    }
}

/// The session token in a `Cookie:` header, if any.
pub fn token_from_cookie(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie:` value that logs a browser in (`secure` over HTTPS).
pub fn set_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        MAX_AGE_MS / 1000,
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie:` value that logs a browser out.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The cookie carrying the login and first-visit forms' anti-forgery value: the form's hidden
/// `form` field must equal it (no session exists yet to hold a token). `SameSite=Strict` keeps
/// another site's form from sending it.
pub const FORM_COOKIE: &str = "smdrbox_form";

/// A new random value for [`FORM_COOKIE`] and the form.
pub fn new_form_token() -> Result<String, String> {
    Ok(hex(&random::<16>()?))
}

/// The `Set-Cookie:` value of a form token (a browser session cookie: no Max-Age).
pub fn set_form_cookie(token: &str, secure: bool) -> String {
    format!(
        "{FORM_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// User and password of an `Authorization: Basic` header, if it is one and well formed.
pub fn parse_basic(header: &str) -> Option<(String, String)> {
    let (scheme, b64) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let text = String::from_utf8(base64_decode(b64.trim())?).ok()?;
    let (user, pw) = text.split_once(':')?;
    Some((user.to_string(), pw.to_string()))
}

/// Standard base64 with padding (RFC 4648 §4), as Basic auth sends it; None if malformed.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) || b.len() > 4096 {
        return None;
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    for (i, chunk) in b.chunks(4).enumerate() {
        let last = i + 1 == b.len() / 4;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            n = n << 6 | val(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// Basic-auth headers already verified, so that a script polling `/api/status` does not cost
/// an argon2 run per request. Keyed by a keyed 128-bit digest of the header (two SipHash runs
/// with random keys): the cleartext password is not kept. Bounded, and each entry expires.
#[derive(Debug, Default)]
pub struct BasicCache {
    keys: (
        std::collections::hash_map::RandomState,
        std::collections::hash_map::RandomState,
    ),
    map: HashMap<(u64, u64), (String, Role, i64)>,
}

/// Entries kept at most, and how long one is trusted.
const BASIC_CACHE_MAX: usize = 64;
const BASIC_CACHE_MS: i64 = 5 * 60 * 1000;

impl BasicCache {
    fn digest(&self, header: &str) -> (u64, u64) {
        use std::hash::BuildHasher;
        (self.keys.0.hash_one(header), self.keys.1.hash_one(header))
    }

    /// The user and role a header was verified as, if it was, recently.
    pub fn get(&mut self, header: &str, now_ms: i64) -> Option<(String, Role)> {
        let key = self.digest(header);
        match self.map.get(&key) {
            Some((u, r, at)) if now_ms - at < BASIC_CACHE_MS && now_ms >= *at => {
                Some((u.clone(), *r))
            }
            Some(_) => {
                self.map.remove(&key);
                None
            }
            None => None,
        }
    }

    pub fn put(&mut self, header: &str, user: &str, role: Role, now_ms: i64) {
        if self.map.len() >= BASIC_CACHE_MAX {
            if let Some(oldest) = self.map.iter().min_by_key(|(_, v)| v.2).map(|(k, _)| *k) {
                self.map.remove(&oldest);
            }
        }
        let key = self.digest(header);
        self.map.insert(key, (user.to_string(), role, now_ms));
    }

    /// A changed or removed account: its cached headers are no longer proof.
    pub fn forget_user(&mut self, user: &str) {
        self.map.retain(|_, v| v.0 != user);
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Failed logins per client address.
#[derive(Debug)]
pub struct Limiter {
    failures: HashMap<IpAddr, VecDeque<i64>>,
    /// [`FAILURE_WINDOW_MS`] but in tests, which shorten it rather than wait 15 minutes.
    window_ms: i64,
}

impl Default for Limiter {
    fn default() -> Limiter {
        Limiter::new(FAILURE_WINDOW_MS)
    }
}

impl Limiter {
    pub fn new(window_ms: i64) -> Limiter {
        Limiter {
            failures: HashMap::new(),
            window_ms: window_ms.max(1),
        }
    }

    /// `Err(seconds)`: refuse, the client may try again after that long.
    pub fn check(&mut self, ip: IpAddr, now_ms: i64) -> Result<(), u64> {
        let Some(q) = self.failures.get_mut(&ip) else {
            return Ok(());
        };
        while q.front().is_some_and(|&t| now_ms - t >= self.window_ms) {
            q.pop_front();
        }
        match q.front() {
            Some(&oldest) if q.len() >= MAX_FAILURES => {
                let wait_ms = self.window_ms - (now_ms - oldest);
                Err(((wait_ms + 999) / 1000).max(1) as u64)
            }
            _ => Ok(()),
        }
    }

    pub fn failed(&mut self, ip: IpAddr, now_ms: i64) {
        if self.failures.len() >= MAX_TRACKED && !self.failures.contains_key(&ip) {
            // Forget addresses whose failures all left the window, then the stalest one.
            let window = self.window_ms;
            self.failures
                .retain(|_, q| q.back().is_some_and(|&t| now_ms - t < window));
            if self.failures.len() >= MAX_TRACKED {
                if let Some(stale) = self
                    .failures
                    .iter()
                    .min_by_key(|(_, q)| q.back().copied().unwrap_or(i64::MIN))
                    .map(|(ip, _)| *ip)
                {
                    self.failures.remove(&stale);
                }
            }
        }
        let q = self.failures.entry(ip).or_default();
        q.push_back(now_ms);
        while q.len() > MAX_FAILURES {
            q.pop_front();
        }
    }

    /// A successful login forgets the address's failures.
    pub fn succeeded(&mut self, ip: IpAddr) {
        self.failures.remove(&ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_salted_slow_hashes() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "a salt per hash");
        assert!(verify_password(&a, "correct horse"));
        assert!(!verify_password(&a, "correct horsE"));
        assert!(!verify_password("not a hash", "correct horse"));
        assert!(is_password_hash(&a));
        assert!(!is_password_hash("$2b$10$abcdefghijklmnopqrstuv"));
        assert!(!a.contains("correct"));
    }

    #[test]
    fn new_passwords_are_checked() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough").is_ok());
        assert!(check_new_password("tab\there!").is_err());
        assert!(check_new_password("пароль-довгий").is_ok());
    }

    #[test]
    fn sessions_expire_when_idle_and_when_old() {
        let mut s = Sessions::default();
        let t = s.create("admin", Role::Admin, 0).unwrap();
        assert_eq!(t.len(), 64);
        assert_eq!(s.get(&t, 1000).map(|x| x.role), Some(Role::Admin));
        // Touched at 1000: idle until 1000 + IDLE_MS.
        assert!(s.get(&t, IDLE_MS).is_some());
        assert!(s.get(&t, 2 * IDLE_MS + 1).is_none());
        assert!(s.get(&t, 0).is_none(), "gone once expired");
        let t = s.create("m", Role::Manager, 0).unwrap();
        let mut now = 0;
        while now < MAX_AGE_MS - IDLE_MS {
            now += IDLE_MS / 2;
            assert!(s.get(&t, now).is_some());
        }
        assert!(s.get(&t, MAX_AGE_MS).is_none());
    }

    #[test]
    fn sessions_are_bounded_and_tokens_unique() {
        let mut s = Sessions::default();
        let first = s.create("a", Role::Manager, 0).unwrap();
        let mut tokens = std::collections::HashSet::new();
        for i in 1..=MAX_SESSIONS as i64 + 10 {
            assert!(tokens.insert(s.create("a", Role::Manager, i).unwrap()));
        }
        assert_eq!(s.len(), MAX_SESSIONS);
        assert!(s.get(&first, 400).is_none(), "the oldest went first");
        s.remove_user("a");
        assert!(s.is_empty());
    }

    #[test]
    fn cookies() {
        let tok = "ab".repeat(32);
        assert_eq!(
            token_from_cookie(&format!("x=1; {COOKIE}={tok}; y=2")),
            Some(tok.as_str())
        );
        assert_eq!(token_from_cookie(&format!("{COOKIE}=short")), None);
        assert_eq!(
            token_from_cookie(&format!("{COOKIE}={}", "zz".repeat(32))),
            None
        );
        assert_eq!(token_from_cookie("other=1"), None);
        let c = set_cookie(&tok, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.ends_with("Secure"));
        assert!(!set_cookie(&tok, false).contains("Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn failed_logins_are_limited_per_address() {
        let mut l = Limiter::default();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for i in 0..MAX_FAILURES as i64 {
            assert_eq!(l.check(a, i * 1000), Ok(()));
            l.failed(a, i * 1000);
        }
        let now = MAX_FAILURES as i64 * 1000;
        assert_eq!(
            l.check(a, now),
            Err(((FAILURE_WINDOW_MS - now) / 1000) as u64)
        );
        assert_eq!(l.check(b, now), Ok(()), "another address is not limited");
        assert_eq!(
            l.check(a, FAILURE_WINDOW_MS),
            Ok(()),
            "the oldest failure left"
        );
        l.succeeded(a);
        assert_eq!(l.check(a, FAILURE_WINDOW_MS), Ok(()));
    }

    #[test]
    fn the_limiter_is_bounded() {
        let mut l = Limiter::default();
        for i in 0..(MAX_TRACKED as u32 + 100) {
            l.failed(IpAddr::from(i.to_be_bytes()), i64::from(i));
        }
        assert!(l.failures.len() <= MAX_TRACKED);
    }

    #[test]
    fn basic_headers() {
        // "admin:pass word" and RFC 7617's example.
        assert_eq!(
            parse_basic("Basic YWRtaW46cGFzcyB3b3Jk"),
            Some(("admin".into(), "pass word".into()))
        );
        assert_eq!(
            parse_basic("basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
            Some(("Aladdin".into(), "open sesame".into()))
        );
        assert_eq!(base64_decode("YQ==").unwrap(), b"a");
        assert_eq!(base64_decode("YWI=").unwrap(), b"ab");
        for bad in [
            "Bearer abc",
            "Basic",
            "Basic YWRtaW4",
            "Basic YQ==YQ==",
            "Basic Y*==",
            "Basic YWRtaW4=",
        ] {
            assert_eq!(parse_basic(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_basic_cache_is_bounded_expires_and_forgets() {
        let mut c = BasicCache::default();
        c.put("Basic x", "anna", Role::Manager, 0);
        assert_eq!(c.get("Basic x", 1000), Some(("anna".into(), Role::Manager)));
        assert_eq!(c.get("Basic y", 1000), None);
        assert_eq!(c.get("Basic x", BASIC_CACHE_MS), None, "expired");
        c.put("Basic x", "anna", Role::Manager, 0);
        c.forget_user("anna");
        assert!(c.is_empty());
        for i in 0..BASIC_CACHE_MAX as i64 + 10 {
            c.put(&format!("Basic {i}"), "a", Role::Admin, i);
        }
        assert_eq!(c.len(), BASIC_CACHE_MAX);
        assert_eq!(c.get("Basic 0", 100), None, "the oldest went first");
    }

    #[test]
    fn a_password_change_keeps_only_its_own_session() {
        let mut s = Sessions::default();
        let a = s.create("anna", Role::Admin, 0).unwrap();
        let b = s.create("anna", Role::Admin, 0).unwrap();
        let c = s.create("boss", Role::Manager, 0).unwrap();
        s.remove_user_except("anna", &a);
        assert!(s.get(&a, 1).is_some());
        assert!(s.get(&b, 1).is_none());
        assert!(s.get(&c, 1).is_some());
    }

    #[test]
    fn a_short_window_for_tests() {
        let mut l = Limiter::new(2000);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..MAX_FAILURES {
            l.failed(a, 0);
        }
        assert_eq!(l.check(a, 1000), Err(1));
        assert_eq!(l.check(a, 2000), Ok(()));
    }

    #[test]
    fn constant_time_compare() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
