//! `[alerts]` in the configuration (optional: without it the box sends nothing). Checked
//! while deserialising, like the rest of `config.rs`, so a refusal has file:line:column.

use crate::config::HostPort;
use crate::core::alerts::Quiet;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertsConfig {
    /// `http://host:port/path`: each event is POSTed there as JSON.
    #[serde(default)]
    pub webhook: Option<toml::Spanned<WebhookUrl>>,
    /// The SMTP relay, `host:port` (plain SMTP, no login).
    #[serde(default)]
    pub smtp: Option<toml::Spanned<HostPort>>,
    #[serde(default)]
    pub from: Option<toml::Spanned<MailAddress>>,
    #[serde(default)]
    pub to: Vec<MailAddress>,
    /// `"20:00-08:00"`: lost calls that begin in these hours are not alerted.
    #[serde(default)]
    pub quiet: Option<QuietHours>,
    #[serde(default)]
    pub per_number_per_hour: PerHour,
    #[serde(default)]
    pub link_down_minutes: LinkDownMinutes,
    /// How long a lost call must stay unanswered (no new line joined it) before it is alerted.
    #[serde(default)]
    pub settle_secs: SettleSecs,
    /// The box's name in alerts and keys; the host name when left out.
    #[serde(default)]
    pub name: Option<BoxName>,
}

impl AlertsConfig {
    /// Checks across keys: somewhere to send, and mail's addresses. `at` is the table's place.
    pub fn check(&self, at: usize) -> Result<(), (usize, String)> {
        if self.webhook.is_none() && self.smtp.is_none() {
            return Err((
                at,
                "[alerts] needs somewhere to send: webhook = \"http://host:port/path\" and/or \
                 smtp = \"relay.lan:25\" with from and to"
                    .to_string(),
            ));
        }
        match &self.smtp {
            Some(s) => {
                if self.from.is_none() {
                    return Err((
                        s.span().start,
                        "[alerts] smtp needs the sender: from = \"smdrbox@office.example\""
                            .to_string(),
                    ));
                }
                if self.to.is_empty() {
                    return Err((
                        s.span().start,
                        "[alerts] smtp needs the recipients: to = [\"manager@office.example\"]"
                            .to_string(),
                    ));
                }
            }
            None => {
                if let Some(f) = &self.from {
                    return Err((
                        f.span().start,
                        "[alerts] from is for mail: add smtp = \"relay.lan:25\" or remove from"
                            .to_string(),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// An `http://` address the sender can speak to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct WebhookUrl(pub String);

impl TryFrom<String> for WebhookUrl {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if s.starts_with("https://") {
            return Err(format!(
                "{s:?}: https is not spoken by the box; use http:// on the office network (or \
                 a local relay that forwards to https)"
            ));
        }
        match super::send::parse_http_url(&s) {
            Some(_) => Ok(WebhookUrl(s)),
            None => Err(format!(
                "{s:?} is not an address such as \"http://192.0.2.7:8080/smdr\""
            )),
        }
    }
}

/// `user@host`, printable ASCII without spaces or angle brackets (it goes into SMTP commands).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct MailAddress(pub String);

impl TryFrom<String> for MailAddress {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let ok = s
            .split_once('@')
            .is_some_and(|(u, h)| !u.is_empty() && !h.is_empty())
            && s.bytes()
                .all(|b| b.is_ascii_graphic() && !b"<>,;\"".contains(&b));
        if ok {
            Ok(MailAddress(s))
        } else {
            Err(format!(
                "{s:?} is not a mail address such as \"manager@office.example\""
            ))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct QuietHours(pub Quiet);

impl TryFrom<String> for QuietHours {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Quiet::parse(&s).map(QuietHours)
    }
}

/// A name for keys and subjects: letters, digits, `.`, `-`, `_`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct BoxName(pub String);

impl TryFrom<String> for BoxName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let ok = !s.is_empty()
            && s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        if ok {
            Ok(BoxName(s))
        } else {
            Err(format!(
                "{s:?}: a box name is 1 to 63 letters, digits, '.', '-' or '_', e.g. \"office-1\""
            ))
        }
    }
}

macro_rules! bounded {
    ($(#[$m:meta])* $name:ident, $default:expr, $lo:expr, $hi:expr, $unit:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
        #[serde(try_from = "i64")]
        pub struct $name(pub u32);
        impl Default for $name {
            fn default() -> Self {
                $name($default)
            }
        }
        impl TryFrom<i64> for $name {
            type Error = String;
            fn try_from(v: i64) -> Result<Self, String> {
                if ($lo..=$hi).contains(&v) {
                    Ok($name(v as u32))
                } else {
                    Err(format!("{v}{}: must be between {} and {}", $unit, $lo, $hi))
                }
            }
        }
    };
}

bounded!(
    /// Lost alerts per number per hour at most.
    PerHour, 3, 1, 60, ""
);
bounded!(
    /// Minutes the link must be down before an alert.
    LinkDownMinutes, 5, 1, 1440, " min"
);
bounded!(
    /// Seconds a lost call must stay unanswered before its alert.
    SettleSecs, 30, 0, 120, " s"
);

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    fn parse(alerts: &str) -> Result<Config, String> {
        Config::parse(
            Path::new("box.toml"),
            &format!("[source]\npath = \"/dev/x\"\n\n[alerts]\n{alerts}"),
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn refusals_point_at_the_line() {
        let ok = parse(
            "webhook = \"http://127.0.0.1:9/a\"\nsmtp = \"relay.lan:25\"\nfrom = \"a@b\"\n\
             to = [\"c@d\"]\nquiet = \"20:00-08:00\"\nper_number_per_hour = 2\n",
        )
        .unwrap();
        let a = ok.alerts.unwrap();
        assert_eq!(a.get_ref().per_number_per_hour.0, 2);
        assert_eq!(a.get_ref().link_down_minutes.0, 5);
        assert!(
            parse("").unwrap_err().starts_with("box.toml:4:"),
            "needs a sink"
        );
        let e = parse("webhook = \"https://x/\"\n").unwrap_err();
        assert!(e.starts_with("box.toml:5:") && e.contains("https"), "{e}");
        let e = parse("smtp = \"relay.lan:25\"\nto = [\"c@d\"]\n").unwrap_err();
        assert!(e.starts_with("box.toml:5:") && e.contains("from ="), "{e}");
        let e = parse("webhook = \"http://x/\"\nquiet = \"8-20\"\n").unwrap_err();
        assert!(e.starts_with("box.toml:6:"), "{e}");
        let e = parse("webhook = \"http://x/\"\nper_number_per_hour = 0\n").unwrap_err();
        assert!(e.contains("between 1 and 60"), "{e}");
        let e = parse("webhook = \"http://x/\"\nto = [\"nobody\"]\n").unwrap_err();
        assert!(e.contains("not a mail address"), "{e}");
        let e = parse("webhook = \"http://x/\"\nbogus = 1\n").unwrap_err();
        assert!(e.contains("bogus"), "{e}");
        assert!(
            Config::parse(Path::new("b"), "[source]\npath = \"/dev/x\"\n")
                .unwrap()
                .alerts
                .is_none()
        );
    }
}
