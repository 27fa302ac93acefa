//! The status page's "Alerts" section (the page calls [`section`]; text in English, gathered
//! here for translation).

use crate::core::alerts::QueueView;
use crate::web::fmt::escape;
use std::fmt::Write;

const TITLE: &str = "Alerts";
const NONE: &str = "Off: no [alerts] in the configuration.";
const SENDS_TO: &str = "Sends to";
const WAITING: &str = "Waiting to be sent";
const SENT: &str = "Sent since start";
const LAST_SENT: &str = "Last sent";
const LAST_ERROR: &str = "Last error";

/// Appends the section: where alerts go, how many wait, the last error. `time` formats a
/// Unix ms moment as the page does.
pub fn section(h: &mut String, view: Option<&QueueView>, time: &dyn Fn(i64) -> String) {
    let _ = write!(h, "<h2>{TITLE}</h2>");
    let Some(v) = view else {
        let _ = write!(h, "<p><small>{NONE}</small></p>");
        return;
    };
    let _ = write!(
        h,
        "<table id=\"alerts\"><tr><th>{SENDS_TO}</th><td>{}</td></tr>\
         <tr><th>{WAITING}</th><td{}>{}</td></tr><tr><th>{SENT}</th><td>{}</td></tr>",
        escape(&v.sinks.join(", ")),
        if v.queued > 0 { " class=\"bad\"" } else { "" },
        v.queued,
        v.sent
    );
    if let Some(t) = v.last_sent_ms {
        let _ = write!(h, "<tr><th>{LAST_SENT}</th><td>{}</td></tr>", time(t));
    }
    if let Some(e) = &v.last_error {
        let _ = write!(
            h,
            "<tr><th>{LAST_ERROR}</th><td><span class=\"bad\">{}</span>{}</td></tr>",
            escape(e),
            v.last_error_ms
                .map(|t| format!(" <small>({})</small>", time(t)))
                .unwrap_or_default()
        );
    }
    h.push_str("</table>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_queue_and_escapes_the_error() {
        let mut h = String::new();
        section(&mut h, None, &|_| String::new());
        assert!(h.contains("Off: no [alerts]"));
        let v = QueueView {
            sinks: vec!["webhook".into(), "smtp".into()],
            queued: 2,
            sent: 5,
            last_sent_ms: Some(1),
            last_error: Some("webhook: <refused>".into()),
            last_error_ms: Some(2),
        };
        let mut h = String::new();
        section(&mut h, Some(&v), &|ms| format!("T{ms}"));
        assert!(h.contains("<td>webhook, smtp</td>"), "{h}");
        assert!(h.contains("<td class=\"bad\">2</td>"), "{h}");
        assert!(
            h.contains("webhook: &lt;refused&gt;</span> <small>(T2)</small>"),
            "{h}"
        );
        assert!(h.contains("<td>T1</td>"), "{h}");
    }
}
