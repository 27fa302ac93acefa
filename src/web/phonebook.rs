//! `/phonebook`: the book of named and tagged outside numbers (`crate::phonebook`).
//!
//! - `GET /phonebook?q=`: the entries (searched by number, name or note), counts per tag, and
//!   for an admin the upload form (multipart; its action carries the CSRF token in the query,
//!   where the gate reads it for uploads);
//! - `GET /phonebook.csv?sep=`: the book as the CSV the upload reads;
//! - `POST /phonebook`: a CSV file replaces the whole book, or nothing changes and the answer
//!   lists every bad line (400). The gate has checked the role and the CSRF token already;
//!   a manager is refused here too, in case a route table ever forgets it.

use super::fmt::escape;
use super::multipart;
use super::pages::{shell, Ctx};
use super::request::Incoming;
use super::{query_param, Answer, App, Reply};
use crate::export::Delimiter;
use crate::i18n::{report_text, t, tf, Lang};
use crate::phonebook::{self as book, Entry, Refused, Tag};
use chrono::Local;
use std::fmt::Write as _;
use tiny_http::Method;

/// The form field the file comes in.
pub const FILE_FIELD: &str = "file";
/// Entries listed at most; a search narrows the rest.
const MAX_LISTED: usize = 500;

impl App {
    /// `/phonebook` (GET, POST) and `/phonebook.csv`.
    pub(super) fn phonebook(&mut self, ctx: &Ctx<Local>, rq: &Incoming) -> Answer {
        let query = rq.query();
        match (rq.path(), &rq.method) {
            ("/phonebook.csv", _) => self.phonebook_csv(ctx, query),
            (_, Method::Post) => self.phonebook_upload(ctx, rq),
            _ => {
                let q = query_param(query, "q").unwrap_or_default();
                let saved = query_param(query, "saved").and_then(|s| s.parse::<usize>().ok());
                match self.with_reader(|r| r.phonebook()) {
                    Ok(entries) => Reply::html(
                        200,
                        page(
                            ctx,
                            &entries,
                            &q,
                            saved.map(|n| saved_text(ctx.lang, n)).as_deref(),
                            None,
                        ),
                    ),
                    Err(e) => Reply::text(503, format!("database unavailable: {e}\n")),
                }
            }
        }
        .into()
    }

    fn phonebook_csv(&mut self, ctx: &Ctx<Local>, query: &str) -> Reply {
        // As every CSV download: `?sep=`, else `[web] csv_delimiter`, else the language's.
        let sep = match Delimiter::choose(
            query_param(query, "sep").as_deref(),
            crate::export::delimiter_for(self.csv_delimiter, ctx.lang),
        ) {
            Ok(s) => s,
            Err(e) => return Reply::text(400, format!("{e}\n")),
        };
        let entries = match self.with_reader(|r| r.phonebook()) {
            Ok(e) => e,
            Err(e) => return Reply::text(503, format!("database unavailable: {e}\n")),
        };
        let mut body = Vec::new();
        if let Err(e) = book::write_csv(&entries, &mut body, sep) {
            return Reply::text(500, format!("{e:#}\n"));
        }
        let mut r = Reply::new(200, "text/csv; charset=utf-8", body);
        r.headers.push((
            "Content-Disposition",
            "attachment; filename=\"smdrbox-phonebook.csv\"".into(),
        ));
        r
    }

    fn phonebook_upload(&mut self, ctx: &Ctx<Local>, rq: &Incoming) -> Reply {
        let l = ctx.lang;
        if ctx.user.as_ref().is_some_and(|u| !u.admin) {
            return Reply::text(403, format!("{}\n", t(l, "phonebook.admin_only")));
        }
        // What the page shows beside an error: the book as it still is.
        let current = |app: &mut App| app.with_reader(|r| r.phonebook()).unwrap_or_default();
        let content_type = rq.header("content-type").unwrap_or("");
        let parts = match multipart::parse(content_type, &rq.body) {
            Ok(p) => p,
            Err(e) => return Reply::text(400, format!("{e}\n")),
        };
        let file = match multipart::field(&parts, FILE_FIELD) {
            Some(f) if !(f.data.is_empty() && f.filename.as_deref() == Some("")) => f,
            _ => {
                let entries = current(self);
                return Reply::html(
                    400,
                    page(ctx, &entries, "", Some(t(l, "phonebook.no_file")), None),
                );
            }
        };
        let parsed = match book::parse(&file.data) {
            Ok(p) => p,
            Err(refused) => {
                let entries = current(self);
                return Reply::html(400, page(ctx, &entries, "", None, Some(&refused)));
            }
        };
        // The store thread owns the database file's creation and checks: wait for it.
        if !(self.snapshot)().store_open {
            return Reply::text(
                503,
                "database unavailable: the box is still checking it; try again in a moment\n",
            );
        }
        match crate::store::Store::replace_phonebook(&self.db_path, &parsed) {
            Ok(n) => {
                tracing::info!(
                    "web: phonebook replaced with {n} numbers by {}",
                    ctx.user.as_ref().map_or("?", |u| u.name.as_str())
                );
                let mut r = Reply::text(303, format!("{}\n", saved_text(l, n)));
                r.headers
                    .push(("Location", format!("/phonebook?saved={n}")));
                r
            }
            Err(e) => Reply::text(503, format!("the phonebook was not saved: {e:#}\n")),
        }
    }
}

fn saved_text(l: Lang, n: usize) -> String {
    tf(l, "phonebook.saved", &[&n])
}

/// Does `e` match the search `q` (any case; digits of a number by its digits)?
fn matches(e: &Entry, q: &str) -> bool {
    let q = q.trim();
    if q.is_empty() {
        return true;
    }
    let lower = q.to_lowercase();
    let d = book::digits(q);
    (!d.is_empty()
        && d.len() == q.chars().filter(|c| !" +-()./".contains(*c)).count()
        && e.digits().contains(&d))
        || e.name.to_lowercase().contains(&lower)
        || e.note.to_lowercase().contains(&lower)
        || e.number.contains(q)
}

/// A tag as the pages show it, in the page's language.
pub(super) fn tag_label(l: Lang, tag: Option<Tag>) -> &'static str {
    t(
        l,
        match tag {
            None => "tag.none",
            Some(Tag::Customer) => "tag.customer",
            Some(Tag::Vip) => "tag.vip",
            Some(Tag::StaffFamily) => "tag.staff_family",
            Some(Tag::Competitor) => "tag.competitor",
        },
    )
}

/// The page: counts per tag, search, the list, the upload form for admins, and either a
/// message or the refused upload's errors.
fn page(
    ctx: &Ctx<Local>,
    entries: &[Entry],
    q: &str,
    message: Option<&str>,
    refused: Option<&Refused>,
) -> String {
    let l = ctx.lang;
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>{}</h1><p class=\"muted\">{}</p>",
        t(l, "phonebook.title"),
        t(l, "phonebook.about")
    );
    if let Some(m) = message {
        let _ = write!(h, "<p class=\"good\">{}</p>", escape(m));
    }
    if let Some(r) = refused {
        let _ = write!(
            h,
            "<div id=\"errors\"><p class=\"bad\">{}</p><ul>",
            t(l, "phonebook.refused")
        );
        for e in &r.errors {
            // The parser writes English; the catalog translates the reasons it knows.
            let _ = write!(h, "<li>{}</li>", escape(&report_text(l, &e.to_string())));
        }
        if r.more > 0 {
            let _ = write!(h, "<li>… +{}</li>", r.more);
        }
        h.push_str("</ul></div>");
    }
    let b = book::Book::new(entries.to_vec());
    let (per, none) = b.counts();
    h.push_str("<div class=\"figs\">");
    let _ = write!(
        h,
        "<div class=\"fig\"><b>{}</b>{}</div>",
        b.len(),
        t(l, "phonebook.numbers")
    );
    for (tag, n) in per {
        let _ = write!(
            h,
            "<div class=\"fig\" data-tag=\"{}\"><b>{n}</b>{}</div>",
            tag.key(),
            tag_label(l, Some(tag))
        );
    }
    let _ = write!(
        h,
        "<div class=\"fig\"><b>{none}</b>{}</div></div>",
        t(l, "tag.none")
    );
    let _ = write!(
        h,
        "<form class=\"period\" method=\"get\" action=\"/phonebook\">\
         <input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"{}\">\
         <button type=\"submit\">{}</button> <a href=\"/phonebook.csv\">{}</a></form>",
        escape(q),
        t(l, "phonebook.search"),
        t(l, "phonebook.find"),
        t(l, "phonebook.download")
    );
    if entries.is_empty() {
        let _ = write!(h, "<p>{}</p>", t(l, "phonebook.empty"));
    } else {
        let found: Vec<&Entry> = entries.iter().filter(|e| matches(e, q)).collect();
        let _ = write!(
            h,
            "<div class=\"scroll\"><table id=\"phonebook\"><tr><th>{}</th><th>{}</th>\
             <th>{}</th><th>{}</th></tr>",
            t(l, "phonebook.number"),
            t(l, "phonebook.name"),
            t(l, "phonebook.tag"),
            t(l, "phonebook.note")
        );
        for e in found.iter().take(MAX_LISTED) {
            let _ = write!(
                h,
                "<tr><td class=\"nw\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&e.number),
                escape(&e.name),
                tag_label(l, e.tag),
                escape(&e.note)
            );
        }
        h.push_str("</table></div>");
        let _ = write!(
            h,
            "<p class=\"muted\">{} / {}</p>",
            found.len(),
            entries.len()
        );
    }
    // Admins upload; before logins exist (no user) the gate decides alone.
    if ctx.user.as_ref().is_none_or(|u| u.admin) {
        let csrf = ctx.user.as_ref().map_or("", |u| u.csrf.as_str());
        let _ = write!(
            h,
            "<h2>{}</h2><p class=\"muted\">{}</p>\
             <form method=\"post\" enctype=\"multipart/form-data\" action=\"/phonebook?csrf={}\">\
             <input type=\"file\" name=\"{FILE_FIELD}\" accept=\".csv,text/csv\" required> \
             <button type=\"submit\">{}</button></form>",
            t(l, "phonebook.upload_h"),
            escape(t(l, "phonebook.upload_help")),
            escape(&super::form::encode(csrf)),
            t(l, "phonebook.upload")
        );
    }
    shell(ctx, t(l, "phonebook.title"), "/phonebook", &h, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_by_digits_name_or_note() {
        let e = Entry {
            number: "+7 (495) 123-45-67".into(),
            name: "Иванов Иван".into(),
            tag: Some(Tag::Vip),
            note: "boss".into(),
        };
        for q in ["", "4951234", "123-45", "иванов", "BOSS", "+7 (495"] {
            assert!(matches(&e, q), "{q}");
        }
        for q in ["4999", "петров", "12a"] {
            assert!(!matches(&e, q), "{q}");
        }
    }
}
