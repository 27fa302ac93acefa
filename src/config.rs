//! The TOML configuration: what port to read, how to read it, where to store, where to serve.
//!
//! Validation happens while deserializing (each checked value is a type with `TryFrom`), so
//! toml reports the span of the offending value and every refusal carries file, line and reason.

use crate::core::analytics::hours::{self, Span, WorkingHours};
use crate::core::analytics::tariff::{parse_price, Tariff};
use crate::core::analytics::{ReportOptions, SlVariant};
use crate::core::dialect::{new_reader, DateOrder, Dialect, DialectChoice};
use crate::core::leds::Led;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Most ring slots the box will reserve; each slot holds one line of up to
/// [`crate::core::framer::MAX_LINE`] bytes.
pub const RING_MAX: usize = 4096;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub source: SourceConfig,
    #[serde(default)]
    pub pbx: PbxConfig,
    #[serde(default)]
    pub store: StoreConfig,
    #[serde(default)]
    pub web: WebConfig,
    #[serde(default)]
    pub ring: RingConfig,
    #[serde(default)]
    pub report: ReportConfig,
    #[serde(default)]
    pub names: NamesConfig,
    #[serde(default)]
    pub lines: LinesConfig,
    /// `[hours]`: working hours; without the table every hour counts as working.
    #[serde(default)]
    pub hours: Option<toml::Spanned<HoursConfig>>,
    /// `[[tariff]]`: prices by number prefix, for calls the PBX printed no charge for.
    #[serde(default)]
    pub tariff: Vec<TariffConfig>,
    #[serde(default)]
    pub leds: LedsConfig,
    /// `[alerts]`: lost calls, callbacks and box health sent out (`src/alerts/`); none without.
    #[serde(default)]
    pub alerts: Option<toml::Spanned<crate::alerts::config::AlertsConfig>>,
}

/// `[leds]`: how the three status LEDs are driven. Each key is kept with its place in the file,
/// to point at it when keys disagree; the accessors give the defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LedsConfig {
    /// `none` (default), `sysfs` (Linux LED class) or `gpio` (GPIO character device).
    pub backend: Option<toml::Spanned<LedBackend>>,
    /// sysfs: LED class names under `sysfs_root`; `""` for an LED that is not fitted.
    pub green: Option<toml::Spanned<LedName>>,
    pub amber: Option<toml::Spanned<LedName>>,
    pub red: Option<toml::Spanned<LedName>>,
    /// sysfs: where the LED class lives (tests point it at a directory of their own).
    pub sysfs_root: Option<PathBuf>,
    /// gpio: the chip and the line offset of each LED fitted.
    pub chip: Option<PathBuf>,
    pub green_line: Option<toml::Spanned<GpioLine>>,
    pub amber_line: Option<toml::Spanned<GpioLine>>,
    pub red_line: Option<toml::Spanned<GpioLine>>,
    /// gpio: the LEDs light when the line is low.
    pub active_low: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LedBackend {
    #[default]
    None,
    Sysfs,
    Gpio,
}

impl LedBackend {
    pub fn as_str(self) -> &'static str {
        match self {
            LedBackend::None => "none",
            LedBackend::Sysfs => "sysfs",
            LedBackend::Gpio => "gpio",
        }
    }
}

/// The names the board's device-tree overlay gives the LEDs (devicename:colour:function).
pub const DEFAULT_LED_NAMES: [&str; 3] = [
    "smdrbox:green:status",
    "smdrbox:amber:link",
    "smdrbox:red:fault",
];

impl LedsConfig {
    pub fn backend(&self) -> LedBackend {
        self.backend
            .as_ref()
            .map(|b| *b.get_ref())
            .unwrap_or_default()
    }

    fn name_key(&self, led: Led) -> Option<&toml::Spanned<LedName>> {
        match led {
            Led::Green => self.green.as_ref(),
            Led::Amber => self.amber.as_ref(),
            Led::Red => self.red.as_ref(),
        }
    }

    fn line_key(&self, led: Led) -> Option<&toml::Spanned<GpioLine>> {
        match led {
            Led::Green => self.green_line.as_ref(),
            Led::Amber => self.amber_line.as_ref(),
            Led::Red => self.red_line.as_ref(),
        }
    }

    /// The LED class name of `led`; `None` when it is not fitted (`""`).
    pub fn sysfs_name(&self, led: Led) -> Option<&str> {
        let name = self
            .name_key(led)
            .map_or(DEFAULT_LED_NAMES[led.index()], |n| n.get_ref().0.as_str());
        (!name.is_empty()).then_some(name)
    }

    pub fn sysfs_root(&self) -> &Path {
        self.sysfs_root
            .as_deref()
            .unwrap_or(Path::new("/sys/class/leds"))
    }

    pub fn chip(&self) -> &Path {
        self.chip.as_deref().unwrap_or(Path::new("/dev/gpiochip0"))
    }

    /// The GPIO line of `led`; `None` when it is not fitted.
    pub fn gpio_line(&self, led: Led) -> Option<u32> {
        self.line_key(led).map(|l| l.get_ref().0)
    }

    /// Checks across keys: the keys of the other backend are a mistake worth a refusal (the
    /// LEDs would stay dark without a word), and no two LEDs share a name or a line. Returns
    /// the byte offset to point at and the reason.
    fn check(&self) -> Result<(), (usize, String)> {
        let backend = self.backend();
        let at_backend = self.backend.as_ref().map_or(0, |b| b.span().start);
        match backend {
            LedBackend::None => {}
            LedBackend::Sysfs => {
                if let Some((led, l)) = Led::ALL
                    .iter()
                    .find_map(|&led| self.line_key(led).map(|l| (led, l)))
                {
                    return Err((
                        l.span().start,
                        format!(
                            "{}_line is for backend = \"gpio\"; with backend = \"sysfs\" name the \
                             LED class: {} = \"{}\"",
                            led.as_str(),
                            led.as_str(),
                            DEFAULT_LED_NAMES[led.index()]
                        ),
                    ));
                }
                let mut seen: Vec<(&str, Led)> = Vec::new();
                for led in Led::ALL {
                    let Some(name) = self.sysfs_name(led) else {
                        continue;
                    };
                    if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                        let at = self
                            .name_key(led)
                            .or(self.name_key(*first))
                            .map_or(at_backend, |n| n.span().start);
                        return Err((
                            at,
                            format!(
                                "{name:?} is already the {} LED: each LED its own",
                                first.as_str()
                            ),
                        ));
                    }
                    seen.push((name, led));
                }
                if seen.is_empty() {
                    return Err((
                        at_backend,
                        "backend = \"sysfs\" with every LED name empty: \
                        name at least one LED, or set backend = \"none\""
                            .to_string(),
                    ));
                }
            }
            LedBackend::Gpio => {
                if let Some((led, n)) = Led::ALL
                    .iter()
                    .find_map(|&led| self.name_key(led).map(|n| (led, n)))
                {
                    return Err((
                        n.span().start,
                        format!(
                            "{} names an LED class, for backend = \"sysfs\"; with backend = \
                             \"gpio\" give its line: {}_line = 17",
                            led.as_str(),
                            led.as_str()
                        ),
                    ));
                }
                let mut seen: Vec<(u32, Led)> = Vec::new();
                for led in Led::ALL {
                    let Some(l) = self.line_key(led) else {
                        continue;
                    };
                    let line = l.get_ref().0;
                    if let Some((_, first)) = seen.iter().find(|(n, _)| *n == line) {
                        return Err((
                            l.span().start,
                            format!(
                                "line {line} is already the {} LED's: each LED its own line",
                                first.as_str()
                            ),
                        ));
                    }
                    seen.push((line, led));
                }
                if seen.is_empty() {
                    return Err((
                        at_backend,
                        "backend = \"gpio\" needs the line of each LED fitted: green_line, \
                         amber_line, red_line (offsets on the chip, as gpioinfo lists them)"
                            .to_string(),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// An LED class name: a directory under `/sys/class/leds`, or `""` for an LED not fitted.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct LedName(pub String);

impl TryFrom<String> for LedName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let ok = s.len() <= 100
            && s != "."
            && s != ".."
            && !s
                .chars()
                .any(|c| c == '/' || c.is_control() || c.is_whitespace());
        if ok {
            Ok(LedName(s))
        } else {
            Err(format!(
                "{s:?}: an LED name is one directory under /sys/class/leds, such as \
                 \"smdrbox:green:status\" (no /, no spaces), or \"\" for an LED not fitted"
            ))
        }
    }
}

/// Thresholds of the reports (analytics.md §2 for the definitions).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// Service level: answered within this many seconds.
    pub service_level_secs: Seconds,
    /// Which calls the service level is a share of: `over_offered` (default, strictest),
    /// `over_answered`, `short_abandons_excluded`.
    pub service_level_variant: SlVariant,
    /// Lost calls that rang less than this are "short abandons" (for the variant above).
    pub short_abandon_secs: Seconds,
    /// A lost call counts as called back if the number is connected within this many hours.
    pub callback_window_hours: Hours,
    /// Talk-time bands: short below, long from (seconds).
    pub short_call_secs: Seconds,
    pub long_call_secs: Seconds,
    /// Sizing targets: blocking share for lines, service level for operators.
    pub target_blocking: Share,
    pub target_service_level: Share,
    /// Currency of the `[[tariff]]` prices, e.g. `EUR` (required with a tariff table).
    pub currency: Option<Currency>,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            service_level_secs: Seconds(20),
            service_level_variant: SlVariant::default(),
            short_abandon_secs: Seconds(5),
            callback_window_hours: Hours(24),
            short_call_secs: Seconds(40),
            long_call_secs: Seconds(300),
            target_blocking: Share(0.01),
            target_service_level: Share(0.8),
            currency: None,
        }
    }
}

/// Names people use: `[names.extensions]` "101" = "Anna"; `[names.lines]` "01" = "Website"
/// (a CO line number or a DDI).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NamesConfig {
    pub extensions: BTreeMap<String, String>,
    pub lines: BTreeMap<String, String>,
    /// `[names.dids]` "0800123" = "Google Ads line": the number a caller dialled (DDI/DID).
    pub dids: BTreeMap<String, String>,
}

/// `[hours]`: when the office answers, in the box's local time. `mon = "09:00-18:00"`,
/// several ranges `"09:00-13:00, 14:00-18:00"`; a day without a key (or `""`, `"closed"`) is
/// closed, and so is every date in `holidays`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HoursConfig {
    pub mon: DayHours,
    pub tue: DayHours,
    pub wed: DayHours,
    pub thu: DayHours,
    pub fri: DayHours,
    pub sat: DayHours,
    pub sun: DayHours,
    pub holidays: Vec<Holiday>,
}

impl HoursConfig {
    pub fn working_hours(&self) -> WorkingHours {
        let days = [
            &self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun,
        ];
        WorkingHours {
            days: days.map(|d| d.0.clone()),
            holidays: self.holidays.iter().map(|h| h.0).collect(),
        }
    }
}

/// One weekday's working hours (`core::analytics::hours::parse_day`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct DayHours(pub Vec<Span>);

impl TryFrom<String> for DayHours {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        hours::parse_day(&s).map(DayHours)
    }
}

/// A closed date, `"2026-12-31"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Holiday(pub NaiveDate);

impl TryFrom<String> for Holiday {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        hours::parse_holiday(&s).map(Holiday)
    }
}

/// The lines towards the carrier, for the sufficiency report.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinesConfig {
    /// How many calls the PBX can carry at once to and from outside (CO lines, ISDN channels,
    /// SIP channels: the smallest bottleneck).
    pub count: Option<LineCount>,
}

/// One `[[tariff]]` line: calls whose normalised number starts with `prefix` (the longest
/// matching prefix wins) cost `setup` + `per_minute` per minute, billed in increments of
/// `billing_secs` (each one begun charged in full). Prices in `[report] currency`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TariffConfig {
    /// Kept with its place in the file, to point at a prefix given twice.
    pub prefix: toml::Spanned<Prefix>,
    pub per_minute: Price,
    #[serde(default)]
    pub setup: Price,
    #[serde(default)]
    pub billing_secs: BillingSecs,
    /// What reports call it; the prefix when left out.
    #[serde(default)]
    pub name: Option<TariffName>,
}

impl TariffConfig {
    pub fn tariff(&self) -> Tariff {
        let prefix = self.prefix.get_ref().0.clone();
        Tariff {
            name: self
                .name
                .as_ref()
                .map_or_else(|| prefix.clone(), |n| n.0.clone()),
            prefix,
            per_minute: self.per_minute.0,
            setup: self.setup.0,
            billing_secs: self.billing_secs.0,
        }
    }
}

impl Config {
    /// Working hours as the reports use them; `None` without `[hours]`.
    pub fn working_hours(&self) -> Option<WorkingHours> {
        self.hours.as_ref().map(|h| h.get_ref().working_hours())
    }

    /// The tariff table as the reports use it.
    pub fn tariffs(&self) -> Vec<Tariff> {
        self.tariff.iter().map(TariffConfig::tariff).collect()
    }

    /// Report options for a period, from this configuration.
    pub fn report_options(&self, from: NaiveDate, to: NaiveDate) -> ReportOptions {
        let r = &self.report;
        ReportOptions {
            service_level_secs: r.service_level_secs.0,
            sl_variant: r.service_level_variant,
            short_abandon_secs: r.short_abandon_secs.0,
            callback_window_hours: r.callback_window_hours.0,
            short_call_secs: r.short_call_secs.0,
            long_call_secs: r.long_call_secs.0,
            extension_names: self.names.extensions.clone(),
            line_names: self.names.lines.clone(),
            did_names: self.names.dids.clone(),
            working_hours: self.working_hours(),
            trunk_count: self.lines.count.map(|c| c.0),
            target_blocking: r.target_blocking.0,
            target_service_level: r.target_service_level.0,
            tariffs: self.tariffs(),
            tariff_currency: r.currency.as_ref().map(|c| c.0.clone()).unwrap_or_default(),
            ..ReportOptions::new(from, to)
        }
    }
}

/// `[source]`: where the SMDR bytes come from. Each key is kept with its place in the file, to
/// point at a key that does not fit the kind; the accessors give the defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourceConfig {
    /// `serial` (default), `tcp-client` or `tcp-listen`.
    pub kind: Option<toml::Spanned<SourceKind>>,
    /// Serial device, e.g. `/dev/smdr0` (the udev name) or `/dev/ttyUSB0`. May be a symlink;
    /// it is resolved at every (re)open, so a re-pointed link is followed.
    pub path: Option<toml::Spanned<PathBuf>>,
    /// A speed, or `"auto"`: hunt speed and framing (`core::autobaud`).
    pub baud: Option<toml::Spanned<BaudSetting>>,
    pub data_bits: Option<toml::Spanned<DataBits>>,
    pub parity: Option<toml::Spanned<Parity>>,
    pub stop_bits: Option<toml::Spanned<StopBits>>,
    /// tcp-client: `HOST:PORT` the PBX serves SMDR on (Panasonic: port 2300).
    pub connect: Option<toml::Spanned<HostPort>>,
    /// tcp-listen: address and port the PBX connects to (Avaya IP Office style).
    pub listen: Option<toml::Spanned<Listen>>,
    /// tcp-client: the login the PBX wants before it sends SMDR (`panasonic`).
    pub login: Option<toml::Spanned<Login>>,
    pub user: Option<toml::Spanned<LoginText>>,
    pub password: Option<toml::Spanned<LoginText>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    #[default]
    Serial,
    TcpClient,
    TcpListen,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Serial => "serial",
            SourceKind::TcpClient => "tcp-client",
            SourceKind::TcpListen => "tcp-listen",
        }
    }
}

/// A login handshake a PBX wants on its SMDR socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Login {
    /// Panasonic KX-TDA/TDE/NCP/NS LAN SMDR (port 2300): the user line, then the password
    /// line, each ended by CR LF (formats/panasonic.md §7).
    Panasonic,
}

/// Panasonic's LAN SMDR user, as the manuals and collectors name it.
pub const PANASONIC_USER: &str = "SMDR";

/// A host name or address and a port, kept as written: the name is resolved at each connect,
/// so a PBX whose address changes behind a DNS name is followed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct HostPort {
    pub host: String,
    pub port: u16,
}

impl fmt::Display for HostPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl TryFrom<String> for HostPort {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let bad = || {
            format!("{s:?} is not HOST:PORT such as \"192.0.2.5:2300\" or \"pbx.office.lan:2300\"")
        };
        if let Ok(a) = s.parse::<SocketAddr>() {
            if a.port() == 0 {
                return Err(bad());
            }
            return Ok(HostPort {
                host: a.ip().to_string(),
                port: a.port(),
            });
        }
        let (host, port) = s.rsplit_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_');
        if port == 0 || !host_ok {
            return Err(bad());
        }
        Ok(HostPort {
            host: host.to_string(),
            port,
        })
    }
}

/// A user name or password sent to the PBX: printable ASCII only, since a CR or LF inside
/// would end the line early and send the rest as another line.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct LoginText(pub String);

impl TryFrom<String> for LoginText {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(LoginText(s))
        } else {
            Err(
                "a login user or password is 1 to 64 printable ASCII characters, no spaces"
                    .to_string(),
            )
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PbxConfig {
    /// `"auto"` (recognise the family from the lines) or a family's name.
    #[serde(default)]
    pub dialect: DialectChoice,
    /// Order of the printed date: `dmy` (most of the world), `mdy` (North America), `ymd`.
    #[serde(default)]
    pub date_order: DateOrder,
}

impl PbxConfig {
    /// The line reader this configuration asks for.
    pub fn reader(&self) -> Box<dyn Dialect> {
        new_reader(self.dialect, self.date_order)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// SQLite database file; its directory is created if missing.
    #[serde(default = "default_db_path")]
    pub path: PathBuf,
    /// Longest time a received line waits in RAM before it is committed.
    #[serde(default)]
    pub commit_interval_ms: CommitInterval,
    /// A batch this large is committed at once, without waiting for the interval.
    #[serde(default)]
    pub commit_max_records: BatchSize,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            path: default_db_path(),
            commit_interval_ms: CommitInterval::default(),
            commit_max_records: BatchSize::default(),
        }
    }
}

fn default_db_path() -> PathBuf {
    PathBuf::from("/var/lib/smdrbox/smdrbox.db")
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebConfig {
    /// Address and port of the status page, e.g. `0.0.0.0:80` on the box, `127.0.0.1:8080`
    /// on a laptop.
    #[serde(default = "default_listen")]
    pub listen: Listen,
    /// Field separator of the CSV downloads, `","` or `";"` (Excel in Russian or Ukrainian
    /// splits on `;`); unset: the page's language decides (`;` for Russian and Ukrainian,
    /// [`crate::export::default_delimiter`]). A download's
    /// `?sep=` overrides it.
    #[serde(default)]
    pub csv_delimiter: Option<CsvDelimiter>,
    /// The password of user `admin` as an argon2id hash (`smdrbox password-hash` makes one).
    /// Optional: without it the first visit sets the admin password (kept in `users.json`
    /// beside the database). With it, admin can always log in, even with the data partition
    /// broken, and a forgotten password is replaced by editing this file.
    #[serde(default)]
    pub admin_password_hash: Option<PasswordHash>,
    /// Serve the page over HTTPS with the box's own self-signed certificate, made on the
    /// first start in `tls/` beside the database and reused after (`web::tls`).
    #[serde(default)]
    pub https: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            listen: default_listen(),
            csv_delimiter: None,
            admin_password_hash: None,
            https: false,
        }
    }
}

impl WebConfig {
    /// The configured delimiter of CSV downloads; `None`: it follows the language
    /// ([`crate::export::delimiter_for`]).
    pub fn csv_delimiter(&self) -> Option<crate::export::Delimiter> {
        self.csv_delimiter.map(|d| d.0)
    }
}

/// `[web] admin_password_hash`: an argon2 PHC string, checked when the file is read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct PasswordHash(pub String);

impl TryFrom<String> for PasswordHash {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if crate::web::auth::is_password_hash(&s) {
            Ok(PasswordHash(s))
        } else {
            Err(
                "not an argon2 password hash: make one with `smdrbox password-hash` \
                 (it reads the password from standard input)"
                    .into(),
            )
        }
    }
}

/// `[web] csv_delimiter`: `","` or `";"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct CsvDelimiter(pub crate::export::Delimiter);

impl TryFrom<String> for CsvDelimiter {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "," => Ok(CsvDelimiter(crate::export::Delimiter::Comma)),
            ";" => Ok(CsvDelimiter(crate::export::Delimiter::Semicolon)),
            _ => Err(format!(
                "{s:?} is not a CSV delimiter: use \",\" or \";\" (\";\" for Excel in Russian or Ukrainian)"
            )),
        }
    }
}

fn default_listen() -> Listen {
    Listen(SocketAddr::from(([0, 0, 0, 0], 8080)))
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RingConfig {
    /// Lines held in RAM between the reader and the database while the SD card is slow.
    #[serde(default)]
    pub capacity: RingCapacity,
}

macro_rules! checked {
    ($(#[$m:meta])* $name:ident($inner:ty), default $default:expr, |$v:ident| $check:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
        #[serde(try_from = "i64")]
        pub struct $name(pub $inner);
        impl Default for $name {
            fn default() -> Self {
                $name($default)
            }
        }
        impl TryFrom<i64> for $name {
            type Error = String;
            fn try_from($v: i64) -> Result<Self, String> {
                let ok: Result<(), String> = $check;
                ok?;
                <$inner>::try_from($v).map($name).map_err(|_| format!("{} is out of range", $v))
            }
        }
    };
}

checked!(
    /// Serial speed in bits per second.
    Baud(u32), default 9600, |v| if [300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200]
        .contains(&v) { Ok(()) } else {
        Err(format!("{v} is not a serial speed a PBX uses (300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)"))
    }
);
/// `baud`: a fixed speed, or `"auto"` to find speed and framing from what arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaudSetting {
    Fixed(Baud),
    Auto,
}

impl<'de> Deserialize<'de> for BaudSetting {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = BaudSetting;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a serial speed such as 9600, or \"auto\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<BaudSetting, E> {
                Baud::try_from(v).map(BaudSetting::Fixed).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<BaudSetting, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<BaudSetting, E> {
                if v == "auto" {
                    Ok(BaudSetting::Auto)
                } else {
                    Err(E::custom(format!(
                        "{v:?}: baud is a speed such as 9600, or \"auto\" to find speed and \
                         framing from what the PBX prints"
                    )))
                }
            }
        }
        d.deserialize_any(V)
    }
}

checked!(
    /// Bits per character: 7 or 8.
    DataBits(u8), default 8, |v| if v == 7 || v == 8 { Ok(()) } else {
        Err(format!("{v} data bits: a PBX sends 7 or 8"))
    }
);
checked!(
    /// Stop bits: 1 or 2.
    StopBits(u8), default 1, |v| if v == 1 || v == 2 { Ok(()) } else {
        Err(format!("{v} stop bits: must be 1 or 2"))
    }
);
checked!(
    /// Milliseconds between commits.
    CommitInterval(u64), default 2000, |v| if (10..=60_000).contains(&v) { Ok(()) } else {
        Err(format!("{v} ms: must be between 10 and 60000 (a longer wait risks more records on a power cut)"))
    }
);
checked!(
    /// Records per commit at most.
    BatchSize(usize), default 256, |v| if (1..=10_000).contains(&v) { Ok(()) } else {
        Err(format!("{v}: must be between 1 and 10000"))
    }
);
checked!(
    /// Ring slots.
    RingCapacity(usize), default 1024, |v| if (1..=RING_MAX as i64).contains(&v) { Ok(()) } else {
        Err(format!("{v}: must be between 1 and {RING_MAX}"))
    }
);

checked!(
    /// Seconds for report thresholds.
    Seconds(u32), default 20, |v| if (0..=86_400).contains(&v) { Ok(()) } else {
        Err(format!("{v} s: must be between 0 and 86400"))
    }
);
checked!(
    /// Hours for the callback window.
    Hours(u32), default 24, |v| if (1..=24 * 31).contains(&v) { Ok(()) } else {
        Err(format!("{v} h: must be between 1 and 744 (31 days)"))
    }
);
checked!(
    /// Tariff billing increment in seconds.
    BillingSecs(u32), default 60, |v| if (1..=3600).contains(&v) { Ok(()) } else {
        Err(format!("{v} s: a billing increment is between 1 and 3600 seconds"))
    }
);
checked!(
    /// A line offset on a GPIO chip.
    GpioLine(u32), default 0, |v| if (0..=65_535).contains(&v) { Ok(()) } else {
        Err(format!("{v}: a GPIO line is an offset on the chip, 0 to 65535 (gpioinfo lists them)"))
    }
);
checked!(
    /// Lines towards the carrier.
    LineCount(u32), default 1, |v| if (1..=10_000).contains(&v) { Ok(()) } else {
        Err(format!("{v} lines: must be between 1 and 10000"))
    }
);

/// A share strictly between 0 and 1, e.g. 0.01 for 1 %.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "f64")]
pub struct Share(pub f64);

impl TryFrom<f64> for Share {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if v > 0.0 && v < 1.0 {
            Ok(Share(v))
        } else {
            Err(format!("{v}: a share between 0 and 1, e.g. 0.01 for 1 %"))
        }
    }
}

/// A price in 1/10000 of the currency unit, written as a decimal number (`0.12`) and kept
/// exactly: the number is read back as the shortest decimal text that gives it, which is the
/// text written (for prices of up to 15 digits), then parsed as decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(try_from = "f64")]
pub struct Price(pub u64);

impl TryFrom<f64> for Price {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if !v.is_finite() {
            return Err(format!("{v}: not a price"));
        }
        if v < 0.0 {
            return Err(format!("{v}: a price cannot be negative"));
        }
        if v == 0.0 {
            return Ok(Price(0));
        }
        parse_price(&format!("{v}")).map(Price)
    }
}

/// Digits a dialled number starts with, as the reports normalise numbers (`+` is `00`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Prefix(pub String);

impl TryFrom<String> for Prefix {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Prefix(s))
        } else {
            Err(format!(
                "{s:?}: a prefix is 1 to 20 digits, as numbers are compared (write + as 00)"
            ))
        }
    }
}

/// A tariff's name as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct TariffName(pub String);

impl TryFrom<String> for TariffName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let t = s.trim();
        if t.is_empty() || t.chars().count() > 40 || t.chars().any(char::is_control) {
            Err(format!(
                "{s:?}: a tariff name is 1 to 40 characters (leave it out to use the prefix)"
            ))
        } else {
            Ok(TariffName(t.to_string()))
        }
    }
}

/// A currency as reports print it beside amounts: `EUR`, or `EU` as Panasonic prints euros.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Currency(pub String);

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let n = s.chars().count();
        if (1..=8).contains(&n) && !s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Ok(Currency(s))
        } else {
            Err(format!(
                "{s:?}: a currency is 1 to 8 characters without spaces, e.g. \"EUR\""
            ))
        }
    }
}

impl CommitInterval {
    pub fn duration(self) -> Duration {
        Duration::from_millis(self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Parity {
    #[default]
    None,
    Even,
    Odd,
}

impl Parity {
    pub fn as_char(self) -> char {
        match self {
            Parity::None => 'N',
            Parity::Even => 'E',
            Parity::Odd => 'O',
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Listen(pub SocketAddr);

impl TryFrom<String> for Listen {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse().map(Listen).map_err(|_| {
            format!("{s:?} is not an address:port such as \"0.0.0.0:8080\" or \"127.0.0.1:8080\"")
        })
    }
}

impl SourceConfig {
    pub fn kind(&self) -> SourceKind {
        self.kind.as_ref().map(|k| *k.get_ref()).unwrap_or_default()
    }

    /// The serial path; empty for TCP kinds (validation makes it present for serial).
    pub fn path(&self) -> &Path {
        self.path.as_ref().map_or(Path::new(""), |p| p.get_ref())
    }

    /// The configured speed; with `baud = "auto"` the default, which the hunt does not use.
    pub fn baud(&self) -> u32 {
        match self.baud.as_ref().map(|b| *b.get_ref()) {
            Some(BaudSetting::Fixed(b)) => b.0,
            _ => Baud::default().0,
        }
    }

    /// `baud = "auto"`: the serial source hunts speed and framing.
    pub fn auto_baud(&self) -> bool {
        matches!(
            self.baud.as_ref().map(|b| *b.get_ref()),
            Some(BaudSetting::Auto)
        )
    }

    pub fn data_bits(&self) -> u8 {
        self.data_bits
            .as_ref()
            .map_or(DataBits::default(), |b| *b.get_ref())
            .0
    }

    pub fn parity(&self) -> Parity {
        self.parity
            .as_ref()
            .map(|p| *p.get_ref())
            .unwrap_or_default()
    }

    pub fn stop_bits(&self) -> u8 {
        self.stop_bits
            .as_ref()
            .map_or(StopBits::default(), |b| *b.get_ref())
            .0
    }

    /// tcp-client: where to connect (validation makes it present for that kind).
    pub fn connect(&self) -> Option<&HostPort> {
        self.connect.as_ref().map(|c| c.get_ref())
    }

    /// tcp-listen: where to listen (validation makes it present for that kind).
    pub fn listen(&self) -> Option<SocketAddr> {
        self.listen.as_ref().map(|l| l.get_ref().0)
    }

    /// The login to perform after connecting: (user, password), Panasonic's only for now.
    pub fn login(&self) -> Option<(&str, &str)> {
        self.login.as_ref()?;
        let user = self
            .user
            .as_ref()
            .map_or(PANASONIC_USER, |u| u.get_ref().0.as_str());
        let password = self
            .password
            .as_ref()
            .map_or("", |p| p.get_ref().0.as_str());
        Some((user, password))
    }

    /// What the page shows as the port and `raw_lines.source` stores after the kind:
    /// `/dev/smdr0`, `tcp:192.0.2.5:2300`, `tcp-listen:0.0.0.0:9000`.
    pub fn port_label(&self) -> String {
        match self.kind() {
            SourceKind::Serial => self.path().display().to_string(),
            SourceKind::TcpClient => {
                format!(
                    "tcp:{}",
                    self.connect().map_or(String::new(), |c| c.to_string())
                )
            }
            SourceKind::TcpListen => format!(
                "tcp-listen:{}",
                self.listen().map_or(String::new(), |a| a.to_string())
            ),
        }
    }

    /// The stored source name: `serial:/dev/smdr0`, `tcp:HOST:PORT`, `tcp-listen:ADDR`.
    pub fn source_name(&self) -> String {
        match self.kind() {
            SourceKind::Serial => format!("serial:{}", self.path().display()),
            _ => self.port_label(),
        }
    }

    /// One phrase for `check-config`: `serial /dev/smdr0 at 9600 8N1`,
    /// `tcp:192.0.2.5:2300 (TCP client)`.
    pub fn describe(&self) -> String {
        match self.kind() {
            SourceKind::Serial => format!(
                "serial {} at {}",
                self.path().display(),
                self.settings_label()
            ),
            _ => format!("{} ({})", self.port_label(), self.settings_label()),
        }
    }

    /// `9600 8N1` as a technician writes it; for TCP, how the connection is made.
    pub fn settings_label(&self) -> String {
        match self.kind() {
            SourceKind::Serial if self.auto_baud() => "auto".to_string(),
            SourceKind::Serial => format!(
                "{} {}{}{}",
                self.baud(),
                self.data_bits(),
                self.parity().as_char(),
                self.stop_bits()
            ),
            SourceKind::TcpClient => match self.login() {
                Some((user, _)) => format!("TCP client, Panasonic login as {user}"),
                None => "TCP client".to_string(),
            },
            SourceKind::TcpListen => "TCP listen, one PBX at a time".to_string(),
        }
    }

    /// Checks across keys: a key of another kind is refused (it would be ignored without a
    /// word), and each kind has what it needs. `table_at` is where `[source]` starts, to point
    /// at when a key is missing. Returns the byte offset to point at and the reason.
    fn check(&self, table_at: Option<usize>) -> Result<(), (usize, String)> {
        let kind = self.kind();
        let at_kind = self
            .kind
            .as_ref()
            .map(|k| k.span().start)
            .or(table_at)
            .unwrap_or(0);
        let serial_keys = [
            ("path", self.path.as_ref().map(|k| k.span().start)),
            ("baud", self.baud.as_ref().map(|k| k.span().start)),
            ("data_bits", self.data_bits.as_ref().map(|k| k.span().start)),
            ("parity", self.parity.as_ref().map(|k| k.span().start)),
            ("stop_bits", self.stop_bits.as_ref().map(|k| k.span().start)),
        ];
        let login_keys = [
            ("login", self.login.as_ref().map(|k| k.span().start)),
            ("user", self.user.as_ref().map(|k| k.span().start)),
            ("password", self.password.as_ref().map(|k| k.span().start)),
        ];
        let connect_at = self.connect.as_ref().map(|k| k.span().start);
        let listen_at = self.listen.as_ref().map(|k| k.span().start);
        let first = |keys: &[(&'static str, Option<usize>)]| {
            keys.iter().find_map(|(k, at)| at.map(|at| (*k, at)))
        };
        match kind {
            SourceKind::Serial => {
                if let Some(at) = connect_at {
                    return Err((
                        at,
                        "connect is for kind = \"tcp-client\": add it to read SMDR from the \
                         PBX over the network, or give the serial port: path = \"/dev/smdr0\""
                            .to_string(),
                    ));
                }
                if let Some(at) = listen_at {
                    return Err((
                        at,
                        "listen is for kind = \"tcp-listen\" (the PBX connects to the box); \
                         a serial source needs path = \"/dev/smdr0\""
                            .to_string(),
                    ));
                }
                if let Some((k, at)) = first(&login_keys) {
                    return Err((
                        at,
                        format!("{k} is for kind = \"tcp-client\": a serial port has no login"),
                    ));
                }
                if self.auto_baud() {
                    // The hunt finds the framing too; a framing key beside it would be
                    // silently overruled, so it is refused rather than half obeyed.
                    if let Some((k, at)) = first(&serial_keys[2..]) {
                        return Err((
                            at,
                            format!(
                                "{k}: with baud = \"auto\" the framing is found too (8N1, \
                                 7E1 or 7O1); remove {k}, or give a fixed speed with it"
                            ),
                        ));
                    }
                }
                if self.path.is_none() {
                    return Err((
                        at_kind,
                        "[source] needs the serial port: path = \"/dev/smdr0\" (or kind = \
                         \"tcp-client\" / \"tcp-listen\" for SMDR over the network)"
                            .to_string(),
                    ));
                }
            }
            SourceKind::TcpClient | SourceKind::TcpListen => {
                let this = kind.as_str();
                if let Some((k, at)) = first(&serial_keys) {
                    return Err((
                        at,
                        format!("{k} is for a serial port; kind = \"{this}\" reads the network"),
                    ));
                }
                if kind == SourceKind::TcpClient {
                    if let Some(at) = listen_at {
                        return Err((
                            at,
                            "listen is for kind = \"tcp-listen\"; kind = \"tcp-client\" \
                             connects to the PBX: connect = \"192.0.2.5:2300\""
                                .to_string(),
                        ));
                    }
                    if connect_at.is_none() {
                        return Err((
                            at_kind,
                            "kind = \"tcp-client\" needs where the PBX serves SMDR: connect = \
                             \"192.0.2.5:2300\" (Panasonic LAN SMDR uses port 2300)"
                                .to_string(),
                        ));
                    }
                    match (&self.login, &self.password) {
                        (Some(l), None) => {
                            return Err((
                                l.span().start,
                                "login = \"panasonic\" needs the SMDR password: password = \
                                 \"PCCSMDR\" (the factory default; the installer may have \
                                 changed it)"
                                    .to_string(),
                            ))
                        }
                        (None, _) => {
                            if let Some((k, at)) = first(&login_keys[1..]) {
                                return Err((
                                    at,
                                    format!(
                                        "{k} without a login: add login = \"panasonic\" for \
                                         Panasonic LAN SMDR, or remove {k}"
                                    ),
                                ));
                            }
                        }
                        _ => {}
                    }
                } else {
                    if let Some(at) = connect_at {
                        return Err((
                            at,
                            "connect is for kind = \"tcp-client\"; with kind = \"tcp-listen\" \
                             the PBX connects to the box: listen = \"0.0.0.0:9000\""
                                .to_string(),
                        ));
                    }
                    if let Some((k, at)) = first(&login_keys) {
                        return Err((
                            at,
                            format!(
                                "{k}: with kind = \"tcp-listen\" the PBX connects to the box, \
                                 so there is no login to send"
                            ),
                        ));
                    }
                    match &self.listen {
                        None => {
                            return Err((
                                at_kind,
                                "kind = \"tcp-listen\" needs the address and port the PBX \
                                 connects to: listen = \"0.0.0.0:9000\""
                                    .to_string(),
                            ))
                        }
                        Some(l) if l.get_ref().0.port() == 0 => {
                            return Err((
                                l.span().start,
                                "port 0: the PBX must be told a fixed port, e.g. \
                                 listen = \"0.0.0.0:9000\""
                                    .to_string(),
                            ))
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        Ok(())
    }
}

/// A refused configuration: which file, which line, and why.
#[derive(Debug)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub reason: String,
}

/// Line and column (1-based) of byte offset `at` in `text`.
pub(crate) fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

impl ConfigError {
    /// `reason` for `file`, at byte offset `at` of its `text` (None: the file as a whole).
    pub(crate) fn at(file: &Path, text: &str, at: Option<usize>, reason: String) -> ConfigError {
        let (line, column) = at.map_or((None, None), |at| {
            let (l, c) = line_column(text, at);
            (Some(l), Some(c))
        });
        ConfigError {
            file: file.to_path_buf(),
            line,
            column,
            reason,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            reason: format!("cannot read: {e}"),
        })?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let refuse = |at: Option<usize>, reason: String| ConfigError::at(path, text, at, reason);
        let config = toml::from_str::<Config>(text)
            .map_err(|e| refuse(e.span().map(|s| s.start), e.message().trim().to_string()))?;
        // Checks across values: each prefix once; prices need their currency.
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for t in &config.tariff {
            let at = t.prefix.span().start;
            if let Some(first) = seen.insert(&t.prefix.get_ref().0, at) {
                return Err(refuse(
                    Some(at),
                    format!(
                        "prefix {:?} is already in the tariff table (line {}): each prefix once",
                        t.prefix.get_ref().0,
                        line_column(text, first).0
                    ),
                ));
            }
        }
        // Where `[source]` starts, to point at when it lacks a key it needs.
        let table_at = text.find("[source]");
        config
            .source
            .check(table_at)
            .map_err(|(at, reason)| refuse(Some(at), format!("[source] {reason}")))?;
        config
            .leds
            .check()
            .map_err(|(at, reason)| refuse(Some(at), format!("[leds] {reason}")))?;
        if let Some(a) = &config.alerts {
            a.get_ref()
                .check(a.span().start)
                .map_err(|(at, reason)| refuse(Some(at), reason))?;
        }
        if let Some(h) = &config.hours {
            if h.get_ref().working_hours().never_open() {
                return Err(refuse(
                    Some(h.span().start),
                    "[hours] opens on no day: give the working hours of each working day, e.g. \
                     mon = \"09:00-18:00\" (or remove [hours]: every hour then counts as working)"
                        .to_string(),
                ));
            }
        }
        if let (Some(t), None) = (config.tariff.first(), &config.report.currency) {
            return Err(refuse(
                Some(t.prefix.span().start),
                "a tariff table needs the currency of its prices: [report] currency = \"EUR\" \
                 (or what the PBX prints, e.g. \"EU\", to add them to the printed charges)"
                    .to_string(),
            ));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        Config::parse(Path::new("box.toml"), text)
            .expect_err("config should be refused")
            .to_string()
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse(Path::new("x.toml"), "[source]\npath = \"/dev/smdr0\"\n")
            .expect("minimal config");
        assert_eq!(c.source.settings_label(), "9600 8N1");
        assert!(!c.source.auto_baud());
        let c = Config::parse(
            Path::new("x.toml"),
            "[source]\npath = \"/dev/smdr0\"\nbaud = \"auto\"\n",
        )
        .expect("auto baud");
        assert!(c.source.auto_baud());
        assert_eq!(c.source.settings_label(), "auto");
        let c = Config::parse(
            Path::new("x.toml"),
            "[source]\npath = \"/dev/smdr0\"\nbaud = 1200\nparity = \"even\"\n",
        )
        .expect("fixed baud");
        assert_eq!((c.source.baud(), c.source.auto_baud()), (1200, false));
        assert_eq!(c.ring.capacity.0, 1024);
        assert_eq!(
            c.store.commit_interval_ms.duration(),
            Duration::from_secs(2)
        );
        assert_eq!(c.pbx.date_order, DateOrder::Dmy);
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let o = c.report_options(d, d);
        assert_eq!((o.service_level_secs, o.callback_window_hours), (20, 24));
        assert_eq!(o.trunk_count, None);
    }

    #[test]
    fn csv_delimiter_default_and_set() {
        use crate::export::Delimiter;
        let c = Config::parse(Path::new("x.toml"), "[source]\npath = \"/dev/smdr0\"\n").unwrap();
        assert_eq!(c.web.csv_delimiter(), None);
        let c = Config::parse(
            Path::new("x.toml"),
            "[source]\npath = \"/dev/smdr0\"\n[web]\ncsv_delimiter = \";\"\n",
        )
        .unwrap();
        assert_eq!(c.web.csv_delimiter(), Some(Delimiter::Semicolon));
    }

    #[test]
    fn names_and_report_settings() {
        let c = Config::parse(
            Path::new("x.toml"),
            "[source]\npath = \"/dev/smdr0\"\n[report]\nservice_level_secs = 15\n\
             service_level_variant = \"over_answered\"\n[names.extensions]\n101 = \"Anna\"\n\
             [names.lines]\n\"01\" = \"Website\"\n[lines]\ncount = 8\n",
        )
        .expect("config");
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let o = c.report_options(d, d);
        assert_eq!(o.service_level_secs, 15);
        assert_eq!(o.sl_variant, SlVariant::OverAnswered);
        assert_eq!(o.extension_label("101"), "101 Anna");
        assert_eq!(o.line_label("01"), "01 Website");
        assert_eq!(o.trunk_count, Some(8));
    }

    #[test]
    fn working_hours_and_did_names() {
        let c = Config::parse(
            Path::new("x.toml"),
            "[source]\npath = \"/dev/x\"\n[hours]\nmon = \"09:00-18:00\"\n\
             sat = \"closed\"\nholidays = [\"2026-12-31\"]\n[names.dids]\n\
             \"0800123\" = \"Google Ads\"\n",
        )
        .expect("config");
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let o = c.report_options(d, d);
        assert_eq!(o.ddi_label("0800123"), "0800123 Google Ads");
        let h = o.working_hours.as_ref().expect("hours");
        assert_eq!(h.describe(), "Mon 09:00-18:00; 1 holiday");
        assert!(o.in_hours(d.and_hms_opt(9, 0, 0).unwrap()));
        assert!(!o.in_hours(d.and_hms_opt(18, 0, 0).unwrap()));
        // Without [hours]: every hour counts.
        let c = Config::parse(Path::new("x.toml"), "[source]\npath = \"/dev/x\"\n").unwrap();
        assert!(c.report_options(d, d).working_hours.is_none());
        for (tail, at, reason) in [
            (
                "[hours]\nmon = \"9-18\"\n",
                "box.toml:4:7:",
                "write opening and closing",
            ),
            (
                "[hours]\nmon = \"18:00-09:00\"\n",
                "box.toml:4:",
                "closes before it opens",
            ),
            (
                "[hours]\nholidays = [\"31.12.2026\"]\n",
                "box.toml:4:",
                "2026-12-31",
            ),
            (
                "[hours]\nmonday = \"09:00-18:00\"\n",
                "box.toml:4:",
                "unknown field `monday`",
            ),
            (
                "[hours]\nholidays = [\"2026-12-31\"]\n",
                "box.toml:3:",
                "opens on no day",
            ),
        ] {
            let text = format!("[source]\npath = \"/dev/x\"\n{tail}");
            let e = err(&text);
            assert!(e.starts_with(at), "{text:?} gave {e:?}, want prefix {at:?}");
            assert!(e.contains(reason), "{text:?} gave {e:?}, want {reason:?}");
        }
    }

    #[test]
    fn dialect_is_auto_or_a_family() {
        use crate::core::dialect::DialectKind;
        let c = Config::parse(Path::new("x.toml"), "[source]\npath = \"/dev/x\"\n").unwrap();
        assert_eq!(c.pbx.dialect, DialectChoice::Family(DialectKind::Panasonic));
        for (text, want) in [
            ("auto", DialectChoice::Auto),
            ("3cx", DialectChoice::Family(DialectKind::ThreeCx)),
            (
                "avaya-ipoffice",
                DialectChoice::Family(DialectKind::AvayaIpoffice),
            ),
        ] {
            let c = Config::parse(
                Path::new("x.toml"),
                &format!("[source]\npath = \"/dev/x\"\n[pbx]\ndialect = \"{text}\"\n"),
            )
            .unwrap();
            assert_eq!(c.pbx.dialect, want);
            assert_eq!(
                c.pbx.reader().name(),
                if text == "auto" { "auto" } else { text }
            );
        }
    }

    #[test]
    fn refusals_name_file_line_and_reason() {
        let cases = [
            (
                "[source]\npath = \"/dev/x\"\nbaud = 9601\n",
                "box.toml:3:",
                "9601 is not a serial speed",
            ),
            (
                "[source]\npath = \"/dev/x\"\nparity = \"mark\"\n",
                "box.toml:3:",
                "unknown variant `mark`",
            ),
            (
                "[source]\npath = \"/dev/x\"\nbaud = \"fast\"\n",
                "box.toml:3:",
                "\"fast\": baud is a speed such as 9600, or \"auto\"",
            ),
            (
                "[source]\npath = \"/dev/x\"\nbaud = \"auto\"\ndata_bits = 7\n",
                "box.toml:4:1",
                "[source] data_bits: with baud = \"auto\" the framing is found too",
            ),
            (
                "[source]\npath = \"/dev/x\"\nbaud = \"auto\"\nstop_bits = 2\n",
                "box.toml:4:1",
                "remove stop_bits",
            ),
            (
                "[source]\npath = \"/dev/x\"\nbaudd = 9600\n",
                "box.toml:3:",
                "unknown field `baudd`",
            ),
            (
                "[source]\npath = \"/dev/x\"\n[pbx]\ndialect = \"nortel\"\n",
                "box.toml:4:",
                "unknown dialect \"nortel\": expected \"auto\" or one of panasonic, avaya-ipoffice",
            ),
            (
                "[source]\npath = \"/dev/x\"\n[ring]\ncapacity = 0\n",
                "box.toml:4:",
                "must be between 1 and 4096",
            ),
            (
                "[source]\npath = \"/dev/x\"\n[web]\nlisten = \"8080\"\n",
                "box.toml:4:",
                "not an address:port",
            ),
            (
                "[source]\npath = \"/dev/x\"\n[web]\ncsv_delimiter = \"tab\"\n",
                "box.toml:4:17:",
                "\"tab\" is not a CSV delimiter: use \",\" or \";\"",
            ),
            (
                "[source]\npath = \"/dev/x\"\n[web]\nadmin_password_hash = \"secret\"\n",
                "box.toml:4:",
                "not an argon2 password hash: make one with `smdrbox password-hash`",
            ),
            (
                "[source]\npath = \"/dev/x\"\n[pbx]\ndate_order = \"dm\"\n",
                "box.toml:4:",
                "unknown variant `dm`",
            ),
            (
                "[source]\npath = \"/dev/x\"\ndata_bits = 6\n",
                "box.toml:3:",
                "6 data bits",
            ),
            (
                "[store]\npath = \"/tmp/x.db\"\n",
                "box.toml:1:",
                "missing field `source`",
            ),
            ("[source\npath = 1\n", "box.toml:1:", ""),
            (
                "[source]\npath = \"/dev/x\"\n[report]\ntarget_blocking = 1.5\n",
                "box.toml:4:",
                "a share between 0 and 1",
            ),
            (
                "[source]\npath = \"/dev/x\"\n[report]\nservice_level_variant = \"fast\"\n",
                "box.toml:4:",
                "unknown variant `fast`",
            ),
            (
                "[source]\npath = \"/dev/x\"\n[lines]\ncount = 0\n",
                "box.toml:4:",
                "must be between 1 and 10000",
            ),
            (
                "[source]\npath = \"/dev/x\"\n[names.extensions]\n101 = 5\n",
                "box.toml:4:",
                "invalid type",
            ),
        ];
        for (text, at, reason) in cases {
            let e = err(text);
            assert!(e.starts_with(at), "{text:?} gave {e:?}, want prefix {at:?}");
            assert!(e.contains(reason), "{text:?} gave {e:?}, want {reason:?}");
        }
    }

    #[test]
    fn source_kinds_parse_with_their_labels() {
        let c = Config::parse(Path::new("x.toml"), "[source]\npath = \"/dev/smdr0\"\n").unwrap();
        assert_eq!(c.source.kind(), SourceKind::Serial);
        assert_eq!(c.source.source_name(), "serial:/dev/smdr0");
        assert_eq!(c.source.port_label(), "/dev/smdr0");

        let c = Config::parse(
            Path::new("x.toml"),
            "[source]\nkind = \"tcp-client\"\nconnect = \"pbx.office.lan:2300\"\n\
             login = \"panasonic\"\npassword = \"PCCSMDR\"\n",
        )
        .unwrap();
        let s = &c.source;
        assert_eq!(s.kind(), SourceKind::TcpClient);
        assert_eq!(s.source_name(), "tcp:pbx.office.lan:2300");
        assert_eq!(s.login(), Some(("SMDR", "PCCSMDR")));
        assert_eq!(s.settings_label(), "TCP client, Panasonic login as SMDR");

        let c = Config::parse(
            Path::new("x.toml"),
            "[source]\nkind = \"tcp-client\"\nconnect = \"[2001:db8::5]:2300\"\n",
        )
        .unwrap();
        assert_eq!(c.source.port_label(), "tcp:[2001:db8::5]:2300");
        assert_eq!(c.source.login(), None);

        let c = Config::parse(
            Path::new("x.toml"),
            "[source]\nkind = \"tcp-listen\"\nlisten = \"0.0.0.0:9000\"\n",
        )
        .unwrap();
        assert_eq!(c.source.source_name(), "tcp-listen:0.0.0.0:9000");
        assert_eq!(
            c.source.listen(),
            Some(SocketAddr::from(([0, 0, 0, 0], 9000)))
        );
    }

    #[test]
    fn source_refusals_name_file_line_and_reason() {
        let cases = [
            (
                "[source]\nbaud = 9600\n",
                "box.toml:1:1:",
                "needs the serial port",
            ),
            (
                "[source]\nkind = \"serial\"\n",
                "box.toml:2:8:",
                "needs the serial port",
            ),
            (
                "[source]\npath = \"/dev/x\"\nlisten = \"0.0.0.0:9000\"\n",
                "box.toml:3:",
                "listen is for kind = \"tcp-listen\"",
            ),
            (
                "[source]\npath = \"/dev/x\"\npassword = \"x\"\n",
                "box.toml:3:",
                "a serial port has no login",
            ),
            (
                "[source]\nkind = \"tcp-client\"\nconnect = \"h:1\"\nbaud = 9600\n",
                "box.toml:4:",
                "baud is for a serial port",
            ),
            (
                "[source]\nkind = \"tcp-client\"\nconnect = \"h:1\"\nlisten = \"0.0.0.0:1\"\n",
                "box.toml:4:",
                "listen is for kind = \"tcp-listen\"",
            ),
            (
                "[source]\nkind = \"tcp-client\"\nconnect = \"h:1\"\npassword = \"x\"\n",
                "box.toml:4:",
                "password without a login",
            ),
            (
                "[source]\nkind = \"tcp-client\"\nconnect = \"h:1\"\nlogin = \"panasonic\"\n\
                 password = \"a b\"\n",
                "box.toml:5:",
                "printable ASCII",
            ),
            (
                "[source]\nkind = \"tcp-client\"\nconnect = \"h:0\"\n",
                "box.toml:3:",
                "not HOST:PORT",
            ),
            (
                "[source]\nkind = \"tcp-client\"\nconnect = \"a b:1\"\n",
                "box.toml:3:",
                "not HOST:PORT",
            ),
            (
                "[source]\nkind = \"tcp-client\"\nconnect = \"h:1\"\nlogin = \"avaya\"\n",
                "box.toml:4:",
                "unknown variant `avaya`",
            ),
            (
                "[source]\nkind = \"tcp-listen\"\n",
                "box.toml:2:8:",
                "needs the address and port the PBX connects to",
            ),
            (
                "[source]\nkind = \"tcp-listen\"\nlisten = \"0.0.0.0:0\"\n",
                "box.toml:3:",
                "port 0",
            ),
            (
                "[source]\nkind = \"tcp-listen\"\nlisten = \"0.0.0.0:9000\"\nconnect = \"h:1\"\n",
                "box.toml:4:",
                "connect is for kind = \"tcp-client\"",
            ),
            (
                "[source]\nkind = \"tcp-listen\"\nlisten = \"0.0.0.0:9000\"\npath = \"/dev/x\"\n",
                "box.toml:4:",
                "path is for a serial port",
            ),
        ];
        for (text, at, reason) in cases {
            let e = err(text);
            assert!(e.starts_with(at), "{text:?} gave {e:?}, want prefix {at:?}");
            assert!(e.contains(reason), "{text:?} gave {e:?}, want {reason:?}");
        }
    }

    const TARIFFS: &str = "[source]\npath = \"/dev/x\"\n[report]\ncurrency = \"EUR\"\n\
        [[tariff]]\nprefix = \"00\"\nname = \"International\"\nper_minute = 0.12\n\
        setup = 0.05\n\
        [[tariff]]\nprefix = \"3\"\nper_minute = 0.0195\nbilling_secs = 1\n\
        [[tariff]]\nprefix = \"0\"\nper_minute = 1\n";

    #[test]
    fn tariff_table_parses_exactly() {
        let c = Config::parse(Path::new("x.toml"), TARIFFS).expect("config");
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let o = c.report_options(d, d);
        assert_eq!(o.tariff_currency, "EUR");
        let t = |prefix: &str, name: &str, per_minute, setup, billing_secs| Tariff {
            prefix: prefix.into(),
            name: name.into(),
            per_minute,
            setup,
            billing_secs,
        };
        assert_eq!(
            o.tariffs,
            [
                t("00", "International", 1200, 500, 60),
                // Defaults: no setup, 60 s billing, the prefix as name.
                t("3", "3", 195, 0, 1),
                t("0", "0", 10_000, 0, 60),
            ]
        );
        // Without a table: none, and no currency needed.
        let c = Config::parse(Path::new("x.toml"), "[source]\npath = \"/dev/x\"\n").unwrap();
        let o = c.report_options(d, d);
        assert!(o.tariffs.is_empty() && o.tariff_currency.is_empty());
    }

    #[test]
    fn tariff_refusals_name_file_line_and_reason() {
        let head = "[source]\npath = \"/dev/x\"\n[report]\ncurrency = \"EUR\"\n";
        let cases = [
            (
                "[[tariff]]\nprefix = \"+39\"\nper_minute = 0.1\n",
                "box.toml:6:10:",
                "digits",
            ),
            (
                "[[tariff]]\nprefix = \"\"\nper_minute = 0.1\n",
                "box.toml:6:",
                "1 to 20 digits",
            ),
            (
                "[[tariff]]\nprefix = 39\nper_minute = 0.1\n",
                "box.toml:6:",
                "invalid type",
            ),
            (
                "[[tariff]]\nprefix = \"00\"\nper_minute = 0.1\n\
                 [[tariff]]\nprefix = \"3\"\nper_minute = 0.1\n\
                 [[tariff]]\nprefix = \"00\"\nper_minute = 0.2\n",
                "box.toml:12:10:",
                "prefix \"00\" is already in the tariff table (line 6)",
            ),
            (
                "[[tariff]]\nprefix = \"0\"\nper_minute = -0.1\n",
                "box.toml:7:",
                "cannot be negative",
            ),
            (
                "[[tariff]]\nprefix = \"0\"\nper_minute = 0.00001\n",
                "box.toml:7:",
                "at most 4 decimals",
            ),
            (
                "[[tariff]]\nprefix = \"0\"\nper_minute = \"0.1\"\n",
                "box.toml:7:",
                "invalid type",
            ),
            (
                "[[tariff]]\nprefix = \"0\"\nper_minute = nan\n",
                "box.toml:7:",
                "not a price",
            ),
            (
                "[[tariff]]\nprefix = \"0\"\nper_minute = 1e12\n",
                "box.toml:7:",
                "below 1000000000",
            ),
            (
                "[[tariff]]\nprefix = \"0\"\nper_minute = 0.1\nsetup = -1\n",
                "box.toml:8:",
                "cannot be negative",
            ),
            (
                "[[tariff]]\nprefix = \"0\"\nper_minute = 0.1\nbilling_secs = 0\n",
                "box.toml:8:",
                "between 1 and 3600",
            ),
            (
                "[[tariff]]\nprefix = \"0\"\nper_minute = 0.1\nbilling_secs = 3601\n",
                "box.toml:8:",
                "between 1 and 3600",
            ),
            (
                "[[tariff]]\nprefix = \"0\"\nper_minute = 0.1\nname = \" \"\n",
                "box.toml:8:",
                "tariff name",
            ),
            (
                "[[tariff]]\nprefix = \"0\"\nper_minute = 0.1\nper_min = 1\n",
                "box.toml:8:",
                "unknown field `per_min`",
            ),
            (
                "[[tariff]]\nprefix = \"0\"\n",
                "box.toml:5:",
                "missing field `per_minute`",
            ),
        ];
        for (tail, at, reason) in cases {
            let text = format!("{head}{tail}");
            let e = err(&text);
            assert!(e.starts_with(at), "{text:?} gave {e:?}, want prefix {at:?}");
            assert!(e.contains(reason), "{text:?} gave {e:?}, want {reason:?}");
        }
        // A table without its currency; a currency that is not one.
        let e = err("[source]\npath = \"/dev/x\"\n[[tariff]]\nprefix = \"0\"\nper_minute = 0.1\n");
        assert!(e.starts_with("box.toml:4:10:"), "{e}");
        assert!(e.contains("[report] currency"), "{e}");
        let e = err("[source]\npath = \"/dev/x\"\n[report]\ncurrency = \"\"\n");
        assert!(
            e.starts_with("box.toml:4:") && e.contains("a currency is"),
            "{e}"
        );
    }

    #[test]
    fn leds_default_to_none_with_the_overlay_names() {
        let c = Config::parse(Path::new("x.toml"), "[source]\npath = \"/dev/x\"\n").unwrap();
        let l = &c.leds;
        assert_eq!(l.backend(), LedBackend::None);
        assert_eq!(l.sysfs_root(), Path::new("/sys/class/leds"));
        assert_eq!(
            Led::ALL.map(|led| l.sysfs_name(led)),
            DEFAULT_LED_NAMES.map(Some)
        );
        assert_eq!(l.chip(), Path::new("/dev/gpiochip0"));
        assert_eq!(Led::ALL.map(|led| l.gpio_line(led)), [None; 3]);
        assert!(!l.active_low);

        let c = Config::parse(
            Path::new("x.toml"),
            "[source]\npath = \"/dev/x\"\n[leds]\nbackend = \"sysfs\"\n\
             sysfs_root = \"/tmp/leds\"\ngreen = \"ACT\"\namber = \"\"\n",
        )
        .unwrap();
        let l = &c.leds;
        assert_eq!(l.backend(), LedBackend::Sysfs);
        assert_eq!(l.sysfs_root(), Path::new("/tmp/leds"));
        // The Pi's own ACT LED as heartbeat, no amber fitted, red by its default name.
        assert_eq!(
            Led::ALL.map(|led| l.sysfs_name(led)),
            [Some("ACT"), None, Some("smdrbox:red:fault")]
        );

        let c = Config::parse(
            Path::new("x.toml"),
            "[source]\npath = \"/dev/x\"\n[leds]\nbackend = \"gpio\"\n\
             chip = \"/dev/gpiochip4\"\ngreen_line = 17\nred_line = 22\nactive_low = true\n",
        )
        .unwrap();
        let l = &c.leds;
        assert_eq!(l.backend(), LedBackend::Gpio);
        assert_eq!(l.chip(), Path::new("/dev/gpiochip4"));
        assert_eq!(
            Led::ALL.map(|led| l.gpio_line(led)),
            [Some(17), None, Some(22)]
        );
        assert!(l.active_low);
    }

    #[test]
    fn led_refusals_name_file_line_and_reason() {
        let head = "[source]\npath = \"/dev/x\"\n[leds]\n";
        let cases = [
            (
                "backend = \"pwm\"\n",
                "box.toml:4:11:",
                "unknown variant `pwm`",
            ),
            (
                "backend = \"sysfs\"\ngreen = \"a/b\"\n",
                "box.toml:5:9:",
                "one directory",
            ),
            (
                "backend = \"sysfs\"\nred = \"..\"\n",
                "box.toml:5:",
                "one directory",
            ),
            ("green = \"led 1\"\n", "box.toml:4:", "no spaces"),
            (
                "backend = \"sysfs\"\ngreen_line = 17\n",
                "box.toml:5:14:",
                "green_line is for backend = \"gpio\"",
            ),
            (
                "backend = \"sysfs\"\namber = \"smdrbox:green:status\"\n",
                "box.toml:5:9:",
                "\"smdrbox:green:status\" is already the green LED",
            ),
            (
                "backend = \"sysfs\"\ngreen = \"\"\namber = \"\"\nred = \"\"\n",
                "box.toml:4:11:",
                "every LED name empty",
            ),
            (
                "backend = \"gpio\"\nchip = \"/dev/gpiochip0\"\n",
                "box.toml:4:11:",
                "needs the line of each LED",
            ),
            (
                "backend = \"gpio\"\ngreen_line = 17\nred = \"x\"\n",
                "box.toml:6:7:",
                "with backend = \"gpio\" give its line: red_line",
            ),
            (
                "backend = \"gpio\"\ngreen_line = 17\nred_line = 17\n",
                "box.toml:6:12:",
                "line 17 is already the green LED's",
            ),
            (
                "backend = \"gpio\"\ngreen_line = -1\n",
                "box.toml:5:",
                "0 to 65535",
            ),
            (
                "backend = \"gpio\"\ngreen_line = 70000\n",
                "box.toml:5:",
                "0 to 65535",
            ),
            ("blue = \"x\"\n", "box.toml:4:", "unknown field `blue`"),
            ("active_low = 1\n", "box.toml:4:", "invalid type"),
        ];
        for (tail, at, reason) in cases {
            let text = format!("{head}{tail}");
            let e = err(&text);
            assert!(e.starts_with(at), "{text:?} gave {e:?}, want prefix {at:?}");
            assert!(e.contains(reason), "{text:?} gave {e:?}, want {reason:?}");
        }
        // With backend = "none" the other keys wait, unchecked, for the day it is switched on.
        Config::parse(
            Path::new("x.toml"),
            &format!("{head}green = \"x\"\ngreen_line = 3\namber_line = 3\n"),
        )
        .unwrap();
    }

    #[test]
    fn the_example_config_parses_with_its_tariffs() {
        let text = include_str!("../examples/smdrbox.toml");
        let c = Config::parse(Path::new("smdrbox.toml"), text).expect("example config");
        assert!(!c.tariffs().is_empty());
        assert!(c.report.currency.is_some());
        // LEDs off until a board has them; the names written out are the defaults.
        assert_eq!(c.leds.backend(), LedBackend::None);
        assert_eq!(
            Led::ALL.map(|led| c.leds.sysfs_name(led)),
            DEFAULT_LED_NAMES.map(Some)
        );
    }
}
