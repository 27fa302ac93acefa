//! `/settings`: the admin edits names, working hours, the service-level threshold and the
//! tariff table; a manager sees them read-only. The login gate has already checked the role
//! and the CSRF token of a POST; this file reads and writes the settings file
//! (`settings.toml` beside the database, laid over the main configuration: see
//! [`crate::settings::overlay`]) and swaps the running configuration, from which the reports
//! take their options, so a change applies at once without a restart. The main configuration
//! file is never written: on the packaged service and the SD-card image it is read-only.
//!
//! A save: the form → [`crate::settings::edit`] (checks per field, the settings file's text
//! edited in place, the result laid over the main configuration and checked) → written
//! atomically (a temp file in the same directory, fsync, the original mode and owner, rename,
//! fsync of the directory) → the shared configuration replaced. A refusal at any step leaves
//! the file as it was and shows the reason beside its field.

use super::fmt::escape;
use super::pages::{shell, Ctx};
use super::request::Incoming;
use super::{App, Reply};
use crate::config::Config;
use crate::core::analytics::hours::DAY_KEYS;
use crate::i18n::{report_text, t, Lang};
use crate::settings::{self, FieldErrors, Form, Settings, GENERAL};
use chrono::Local;
use std::fmt::Write as _;
use std::io::Write as _;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use tiny_http::Method;

/// The query parameters and form fields the page reads (the gate's route list).
pub const PARAMS: &[&str] = &[
    "saved",
    "csrf",
    "extensions",
    "lines",
    "dids",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "holidays",
    "service_level_secs",
    "currency",
    "tariffs",
];

/// The running configuration, shared by the daemon with the report options it hands out.
pub type SharedConfig = Arc<RwLock<Config>>;

/// The files behind the page and the running configuration it replaces after a save.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// The main configuration file (shown, never written).
    pub path: PathBuf,
    /// The main configuration as loaded at the start, without the settings file: what a
    /// saved settings file is laid over.
    pub main: Arc<Config>,
    /// The settings file the page writes (`settings.toml` beside the database).
    pub settings: PathBuf,
    pub shared: SharedConfig,
}

/// Why the file at `path` (which may not exist yet) cannot be written, in words; `None` when
/// it can (as far as the system says before trying).
pub fn unwritable(path: &Path) -> Option<String> {
    use nix::unistd::{access, AccessFlags};
    let dir = dir_of(path);
    let why = |e: nix::Error| match e {
        nix::Error::EROFS => "it is on a read-only file system".to_string(),
        nix::Error::EACCES | nix::Error::EPERM => {
            "the smdrbox service has no permission to write it".to_string()
        }
        e => e.desc().to_string(),
    };
    match access(path, AccessFlags::W_OK) {
        Ok(()) | Err(nix::Error::ENOENT) => {}
        Err(e) => return Some(why(e)),
    }
    // A new file is written beside it and renamed over it: the directory must be writable.
    if let Err(e) = access(&dir, AccessFlags::W_OK | AccessFlags::X_OK) {
        return Some(format!("{} (its directory {})", why(e), dir.display()));
    }
    None
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Replace the file at `path` (a symlink is followed) with `text` so that a crash leaves the
/// old file or the new one, never a mix: a temp file in the same directory with the original
/// mode and owner, fsync, rename, fsync of the directory. A file not there yet is made with
/// mode 0644 and the service's owner.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let path = match std::fs::canonicalize(path) {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let name = path.file_name().ok_or(e)?;
            std::fs::canonicalize(dir_of(path))?.join(name)
        }
        Err(e) => return Err(e),
    };
    let (mode, owner) = match std::fs::metadata(&path) {
        Ok(m) => (m.mode() & 0o7777, Some((m.uid(), m.gid()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (0o644, None),
        Err(e) => return Err(e),
    };
    let dir = dir_of(&path);
    let name = path
        .file_name()
        .map_or_else(|| "config".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        // The umask may have narrowed the mode; the owner is kept when we may (root).
        f.set_permissions(std::fs::Permissions::from_mode(mode))?;
        if let Some((uid, gid)) = owner {
            let _ = std::os::unix::fs::fchown(&f, Some(uid), Some(gid));
        }
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        std::fs::File::open(&dir)?.sync_all()
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

impl App {
    /// `GET /settings` and `POST /settings`.
    pub(super) fn settings(&mut self, rq: &Incoming, ctx: &Ctx<Local>) -> Reply {
        let l = ctx.lang;
        let Some(file) = self.config_file.clone() else {
            return Reply::html(
                200,
                page(ctx, &format!("<p>{}</p>", t(l, "settings.no_config"))),
            );
        };
        let admin = ctx.user.as_ref().is_some_and(|u| u.admin);
        let csrf = ctx.user.as_ref().map_or("", |u| u.csrf.as_str());
        let path_text = file.settings.display().to_string();
        let main_text = file.path.display().to_string();
        let blocked = unwritable(&file.settings);
        // What the settings file says now (it may have been edited by hand since the start),
        // laid over the main configuration. A file that is refused is shown as such and
        // replaced by the next save (which starts from the page's values).
        let on_disk = match std::fs::read_to_string(&file.settings) {
            Ok(text) => settings::overlay(&file.main, &file.settings, &text)
                .map(|(c, _)| (text, c))
                .map_err(|e| format!("{}: {e}", t(l, "settings.refused_file"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok((String::new(), (*file.main).clone()))
            }
            Err(e) => Err(format!(
                "{}: {path_text}: cannot read: {e}",
                t(l, "settings.refused_file")
            )),
        };
        if rq.method != Method::Post {
            let (settings, mut errors) = match &on_disk {
                Ok((_, c)) => (Settings::from_config(c), FieldErrors::new()),
                Err(e) => (
                    Settings::from_config(&file.main),
                    FieldErrors::from([(GENERAL.to_string(), e.clone())]),
                ),
            };
            let saved = rq.query().split('&').any(|p| p == "saved=1");
            if let (true, Some(why)) = (admin, &blocked) {
                errors.insert(GENERAL.into(), cannot_write(l, &path_text, why));
            }
            let editable = admin && blocked.is_none();
            let body = render(&View {
                lang: l,
                path: &path_text,
                main: &main_text,
                form: &settings.to_form(),
                errors: &errors,
                editable,
                csrf,
                saved,
                note: (!admin).then_some(t(l, "settings.read_only")),
            });
            return Reply::html(200, page(ctx, &body));
        }

        // POST. The gate lets only an admin with the session's CSRF token here; without a
        // login (library tests) nobody may change the file.
        if !admin {
            return Reply::text(403, "only an admin can change the settings\n");
        }
        let form = settings::decode_form(&rq.body);
        let refuse = |code: u16, errors: FieldErrors, form: &Form| {
            let body = render(&View {
                lang: l,
                path: &path_text,
                main: &main_text,
                form,
                errors: &errors,
                editable: true,
                csrf,
                saved: false,
                note: None,
            });
            Reply::html(code, page(ctx, &body))
        };
        if let Some(why) = &blocked {
            let errors =
                FieldErrors::from([(GENERAL.to_string(), cannot_write(l, &path_text, why))]);
            return refuse(409, errors, &form);
        }
        // A refused file is replaced whole: the page showed the main configuration's values.
        let current = on_disk.map(|(t, _)| t).unwrap_or_default();
        let edited = match settings::edit(&file.main, &file.settings, &current, &form) {
            Ok(e) => e,
            Err(errors) => return refuse(400, errors, &form),
        };
        if !edited.unchanged {
            if let Err(e) = write_atomic(&file.settings, &edited.text) {
                let errors = FieldErrors::from([(
                    GENERAL.to_string(),
                    cannot_write(l, &path_text, &e.to_string()),
                )]);
                return refuse(409, errors, &form);
            }
            let who = ctx.user.as_ref().map_or("", |u| u.name.as_str());
            tracing::info!("settings: {path_text} saved by {who} (over {main_text})");
        }
        *file.shared.write().unwrap_or_else(PoisonError::into_inner) = edited.config;
        let mut r = Reply::text(303, "see /settings?saved=1\n");
        r.headers.push(("Location", "/settings?saved=1".into()));
        r
    }
}

fn cannot_write(l: Lang, path: &str, why: &str) -> String {
    format!(
        "{path} {}: {why}. {}",
        t(l, "settings.cannot_write"),
        t(l, "settings.cannot_write_help")
    )
}

/// A weekday's name by its key in the form (`mon`).
fn day_name(l: Lang, k: &str) -> &'static str {
    t(
        l,
        match k {
            "mon" => "day.mon",
            "tue" => "day.tue",
            "wed" => "day.wed",
            "thu" => "day.thu",
            "fri" => "day.fri",
            "sat" => "day.sat",
            _ => "day.sun",
        },
    )
}

fn page(ctx: &Ctx<Local>, body: &str) -> String {
    let l = ctx.lang;
    shell(ctx, t(l, "settings.title"), "/settings", body, false)
}

struct View<'a> {
    lang: Lang,
    /// The settings file.
    path: &'a str,
    /// The main configuration file it overrides.
    main: &'a str,
    form: &'a Form,
    errors: &'a FieldErrors,
    editable: bool,
    csrf: &'a str,
    saved: bool,
    note: Option<&'a str>,
}

/// `write!` into a String cannot fail.
macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = write!($dst, $($arg)*);
    }};
}

/// The page body: the form for an admin who may save, the same settings read-only otherwise;
/// each error beside its field (`id="err-FIELD"`).
fn render(v: &View) -> String {
    let l = v.lang;
    let mut h = String::new();
    let value = |k: &str| v.form.get(k).map_or("", String::as_str);
    let err = |h: &mut String, k: &str| {
        if let Some(e) = v.errors.get(k) {
            // The checks write English; the catalog translates the messages it knows.
            w!(
                h,
                "<p class=\"bad\" id=\"err-{k}\">{}</p>",
                escape(&report_text(l, e))
            );
        }
    };
    w!(h, "<h1>{}</h1>", t(l, "settings.title"));
    if v.saved && v.errors.is_empty() {
        w!(
            h,
            "<p class=\"v ok\" id=\"saved\">{} {} <code>{}</code>; {} (<code>{}</code>).</p>",
            t(l, "settings.saved"),
            t(l, "settings.saved_to"),
            escape(v.path),
            t(l, "settings.overrides"),
            escape(v.main)
        );
    }
    if let Some(e) = v.errors.get(GENERAL) {
        w!(
            h,
            "<p class=\"v fault\" id=\"err-general\">{}</p>",
            escape(&report_text(l, e))
        );
    } else if v.editable && !v.errors.is_empty() {
        w!(h, "<p class=\"v fault\">{}</p>", t(l, "settings.not_saved"));
    }
    if let Some(n) = v.note {
        w!(h, "<p class=\"muted\">{n}</p>");
    }
    w!(
        h,
        "<p class=\"muted\" id=\"file\">{}: <code>{}</code>; {} (<code>{}</code>).</p>",
        t(l, "settings.file_is"),
        escape(v.path),
        t(l, "settings.overrides"),
        escape(v.main)
    );
    if v.editable {
        w!(
            h,
            "<form method=\"post\" action=\"/settings\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">",
            escape(v.csrf)
        );
    }
    let area = |h: &mut String, k: &str, label: &str, help: &str, rows: usize| {
        w!(h, "<h3><label for=\"{k}\">{label}</label></h3>");
        if v.editable {
            w!(
                h,
                "<textarea id=\"{k}\" name=\"{k}\" rows=\"{rows}\" cols=\"60\" \
                 style=\"width:100%\">{}</textarea><br><small>{help}</small>",
                escape(value(k))
            );
        } else {
            let shown = value(k);
            if shown.trim().is_empty() {
                w!(
                    h,
                    "<p class=\"muted\" id=\"{k}\">{}</p>",
                    t(l, "settings.none")
                );
            } else {
                w!(h, "<pre id=\"{k}\">{}</pre>", escape(shown));
            }
        }
        err(h, k);
    };
    w!(h, "<h2>{}</h2>", t(l, "settings.names"));
    area(
        &mut h,
        "extensions",
        t(l, "settings.extensions"),
        t(l, "settings.extensions_help"),
        6,
    );
    area(
        &mut h,
        "lines",
        t(l, "settings.lines"),
        t(l, "settings.lines_help"),
        4,
    );
    area(
        &mut h,
        "dids",
        t(l, "settings.dids"),
        t(l, "settings.dids_help"),
        4,
    );

    w!(
        h,
        "<h2>{}</h2><p><small>{}</small></p>",
        t(l, "settings.hours"),
        t(l, "settings.hours_help")
    );
    let no_hours = DAY_KEYS.iter().all(|k| value(k).trim().is_empty());
    if !v.editable && no_hours {
        w!(h, "<p id=\"hours\">{}</p>", t(l, "settings.not_set"));
    }
    w!(h, "<table class=\"kv\">");
    for k in DAY_KEYS {
        let name = day_name(l, k);
        w!(h, "<tr><th><label for=\"{k}\">{name}</label></th><td>");
        if v.editable {
            w!(
                h,
                "<input id=\"{k}\" name=\"{k}\" value=\"{}\" placeholder=\"{}\" size=\"28\">",
                escape(value(k)),
                t(l, "settings.closed")
            );
        } else if value(k).trim().is_empty() {
            w!(
                h,
                "<span id=\"{k}\" class=\"muted\">{}</span>",
                t(l, "settings.closed")
            );
        } else {
            w!(h, "<span id=\"{k}\">{}</span>", escape(value(k)));
        }
        err(&mut h, k);
        w!(h, "</td></tr>");
    }
    w!(h, "</table>");
    area(
        &mut h,
        "holidays",
        t(l, "settings.holidays"),
        t(l, "settings.holidays_help"),
        3,
    );

    w!(h, "<h2>{}</h2>", t(l, "settings.service_level"));
    w!(
        h,
        "<p><label for=\"service_level_secs\">{}</label> ",
        t(l, "settings.sl_label")
    );
    if v.editable {
        w!(
            h,
            "<input id=\"service_level_secs\" name=\"service_level_secs\" value=\"{}\" \
             inputmode=\"numeric\" size=\"6\">",
            escape(value("service_level_secs"))
        );
    } else {
        w!(
            h,
            "<b id=\"service_level_secs\">{}</b>",
            escape(value("service_level_secs"))
        );
    }
    w!(h, "<br><small>{}</small></p>", t(l, "settings.sl_help"));
    err(&mut h, "service_level_secs");

    w!(h, "<h2>{}</h2>", t(l, "settings.tariffs"));
    w!(
        h,
        "<p><label for=\"currency\">{}</label> ",
        t(l, "settings.currency")
    );
    if v.editable {
        w!(
            h,
            "<input id=\"currency\" name=\"currency\" value=\"{}\" size=\"8\">",
            escape(value("currency"))
        );
    } else {
        w!(h, "<b id=\"currency\">{}</b>", escape(value("currency")));
    }
    w!(
        h,
        "<br><small>{}</small></p>",
        t(l, "settings.currency_help")
    );
    err(&mut h, "currency");
    area(
        &mut h,
        "tariffs",
        t(l, "settings.tariff_table"),
        t(l, "settings.tariff_help"),
        6,
    );

    if v.editable {
        w!(
            h,
            "<p><button type=\"submit\">{}</button></p></form>",
            t(l, "settings.save")
        );
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view<'a>(form: &'a Form, errors: &'a FieldErrors, editable: bool) -> View<'a> {
        View {
            lang: Lang::En,
            path: "/var/lib/smdrbox/settings.toml",
            main: "/etc/smdrbox/smdrbox.toml",
            form,
            errors,
            editable,
            csrf: "tok\"en",
            saved: false,
            note: None,
        }
    }

    #[test]
    fn the_form_carries_csrf_values_and_errors_beside_fields() {
        let mut form = Form::new();
        form.insert("extensions".into(), "101 = <Anna>".into());
        form.insert("mon".into(), "9-18".into());
        let errors = FieldErrors::from([("mon".to_string(), "\"9-18\" is not".to_string())]);
        let h = render(&view(&form, &errors, true));
        assert!(h.contains("<input type=\"hidden\" name=\"csrf\" value=\"tok&quot;en\">"));
        assert!(h.contains("101 = &lt;Anna&gt;</textarea>"), "{h}");
        assert!(h.contains("<p class=\"bad\" id=\"err-mon\">&quot;9-18&quot; is not</p>"));
        assert!(h.contains("name=\"tariffs\""));
        // Read-only: the values, no input, no form.
        let h = render(&view(&form, &FieldErrors::new(), false));
        assert!(!h.contains("<input") && !h.contains("<textarea") && !h.contains("<form"));
        assert!(
            h.contains("<pre id=\"extensions\">101 = &lt;Anna&gt;</pre>"),
            "{h}"
        );
        assert!(h.contains("<span id=\"tue\" class=\"muted\">closed</span>"));
    }

    #[test]
    fn atomic_write_keeps_mode_and_follows_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.toml");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("smdrbox.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        let mode = std::fs::metadata(&real).unwrap().mode() & 0o7777;
        assert_eq!(mode, 0o640);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "no temp file left");
        assert_eq!(unwritable(&real), None);
    }

    #[test]
    fn a_new_file_is_made_and_an_unwritable_directory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("settings.toml");
        assert_eq!(unwritable(&new), None);
        write_atomic(&new, "[hours]\n").unwrap();
        assert_eq!(std::fs::read_to_string(&new).unwrap(), "[hours]\n");
        assert_eq!(std::fs::metadata(&new).unwrap().mode() & 0o7777, 0o644);
        // A directory the service may not write (root ignores modes: nothing to see then).
        let ro = dir.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        if !nix::unistd::geteuid().is_root() {
            let why = unwritable(&ro.join("settings.toml")).expect("unwritable");
            assert!(
                why.contains("no permission") && why.contains("its directory"),
                "{why}"
            );
            assert!(write_atomic(&ro.join("settings.toml"), "x").is_err());
        }
    }
}
