//! The `smdrbox` command line. Each subcommand is a thin shell over the library.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use smdrbox::config::{Config, PbxConfig};
use smdrbox::core::dialect::{DateOrder, DialectChoice};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const DEFAULT_CONFIG: &str = "/etc/smdrbox/smdrbox.toml";

#[derive(Parser)]
#[command(
    name = "smdrbox",
    version,
    about = "Call-record (SMDR) logger for office PBXs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Capture from the configured port, store, and serve the status page (the daemon).
    Run {
        #[arg(long, short, default_value = DEFAULT_CONFIG)]
        config: PathBuf,
    },
    /// Check a configuration file without starting; prints what it would do.
    CheckConfig {
        #[arg(default_value = DEFAULT_CONFIG)]
        file: PathBuf,
    },
    /// Load capture files or old logs into the database through the same parser.
    Import {
        /// Database file (default: the configuration's, else /var/lib/smdrbox/smdrbox.db).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Take database path, dialect and date order from this configuration.
        #[arg(long, short)]
        config: Option<PathBuf>,
        #[command(flatten)]
        dialect: DialectArgs,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write the calls of a period as CSV to standard output (the same file the page offers).
    Export {
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// First day, YYYY-MM-DD (default: first day of this month).
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD, inclusive (default: today).
        #[arg(long)]
        to: Option<String>,
        /// csv, or xlsx (an Excel workbook; needs -o).
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        #[command(flatten)]
        sep: SepArgs,
        /// Language of the headers: en (the column names), ru or uk; ru and uk also make `;`
        /// the default separator.
        #[arg(long, value_parser = parse_lang, default_value = "en")]
        lang: smdrbox::i18n::Lang,
        /// Write here instead of standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// A report for a period (without NAME: the list of reports). `month` is every report and
    /// the calls of one month (--month, default last month) in one workbook (-o FILE).
    Report {
        /// summary, operators, lost, lines, load, sufficiency, durations, repeat, cost; month.
        name: Option<String>,
        #[arg(long)]
        db: Option<PathBuf>,
        /// Names, thresholds and the line count come from this configuration.
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// First day, YYYY-MM-DD (default: first day of this month).
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD, inclusive (default: today).
        #[arg(long)]
        to: Option<String>,
        /// text, csv, json, or xlsx (an Excel workbook; needs -o).
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        /// For `month`: the month, YYYY-MM (default: last month).
        #[arg(long)]
        month: Option<String>,
        #[command(flatten)]
        sep: SepArgs,
        /// Language of the words, headers, numbers and dates: en, ru or uk; ru and uk also
        /// make `;` the default CSV separator.
        #[arg(long, value_parser = parse_lang, default_value = "en")]
        lang: smdrbox::i18n::Lang,
        /// Write here instead of standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// The lines the box received, in the corpus's format, to attach to a bug report.
    Capture {
        #[arg(long)]
        db: Option<PathBuf>,
        /// The header names the PBX settings from this configuration (else "unknown").
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// First day the lines were received, YYYY-MM-DD (default: the last 2000 lines).
        #[arg(long, conflicts_with = "last")]
        from: Option<String>,
        /// Last day the lines were received, YYYY-MM-DD, inclusive (default: today).
        #[arg(long, conflicts_with = "last")]
        to: Option<String>,
        /// The latest N lines (the default, with N = 2000).
        #[arg(long)]
        last: Option<u64>,
        /// Only the lines no dialect could read.
        #[arg(long)]
        rejects_only: bool,
        /// Write here (default: standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// A consistent copy of the database, safe while the daemon is capturing.
    Backup {
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// The new file to write (must not exist).
        out: PathBuf,
    },
    /// A simulated PBX: prints SMDR on a pseudo-terminal (or a real tty) for the demo and tests.
    Simulate(SimArgs),
    /// Line and operator sizing: Erlang B (lines) and Erlang C (operators).
    Erlang(smdrbox::erlang_cli::ErlangArgs),
    /// The phonebook (names and tags of outside numbers, shown in reports): `import FILE`
    /// replaces it with a CSV, `export` writes it as one.
    Phonebook {
        #[command(subcommand)]
        action: PhonebookAction,
    },
    /// Read a password from standard input (its first line) and print its argon2id hash, for
    /// `[web] admin_password_hash`.
    PasswordHash,
}

#[derive(clap::Args)]
struct DialectArgs {
    /// PBX dialect: "auto" or a family's name (overrides the configuration).
    #[arg(long, value_parser = DialectChoice::parse)]
    dialect: Option<DialectChoice>,
    /// Date order of the PBX's printout: dmy, mdy or ymd (overrides the configuration).
    #[arg(long, value_enum)]
    date_order: Option<DateOrderArg>,
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Csv,
    Json,
    Xlsx,
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Xlsx,
}

#[derive(Subcommand)]
enum PhonebookAction {
    /// Replace the phonebook with a CSV (number, name, tag, note; see README "Phonebook"):
    /// all of it, or nothing when any line is bad.
    Import {
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long, short)]
        config: Option<PathBuf>,
        file: PathBuf,
    },
    /// Write the phonebook as CSV (the form `import` reads).
    Export {
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long, short)]
        config: Option<PathBuf>,
        #[command(flatten)]
        sep: SepArgs,
        /// Write here instead of standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

/// `smdrbox phonebook import|export`.
fn phonebook(action: PhonebookAction) -> Result<()> {
    match action {
        PhonebookAction::Import { db, config, file } => {
            let (db, _) = db_and_dialect(db, config.as_deref(), &DialectArgs::none())?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let entries = smdrbox::phonebook::parse(&bytes)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let n = smdrbox::store::Store::replace_phonebook(&db, &entries)?;
            println!(
                "{}: phonebook replaced with {n} numbers from {}",
                db.display(),
                file.display()
            );
            Ok(())
        }
        PhonebookAction::Export {
            db,
            config,
            sep,
            out,
        } => {
            let cfg = config.as_deref().map(Config::load).transpose()?;
            let (db, _) = db_and_dialect(db, config.as_deref(), &DialectArgs::none())?;
            if !db.exists() {
                bail!("{}: no such database", db.display());
            }
            let entries = smdrbox::store::read::Reader::open(&db)?.phonebook()?;
            let mut w = output(out.as_deref(), false)?;
            smdrbox::phonebook::write_csv(&entries, &mut w, sep.delimiter(cfg.as_ref()))?;
            w.flush()?;
            Ok(())
        }
    }
}

#[derive(clap::Args)]
struct SepArgs {
    /// CSV field separator (default: the configuration's [web] csv_delimiter, else comma).
    #[arg(long, value_enum)]
    sep: Option<SepArg>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SepArg {
    Comma,
    Semicolon,
}

impl SepArgs {
    /// The delimiter asked for, else the configuration's default (as the page's).
    fn delimiter(&self, config: Option<&Config>) -> smdrbox::export::Delimiter {
        self.delimiter_in(config, smdrbox::i18n::Lang::En)
    }

    /// The delimiter asked for, else the configuration's, else the language's (as the page's).
    fn delimiter_in(
        &self,
        config: Option<&Config>,
        lang: smdrbox::i18n::Lang,
    ) -> smdrbox::export::Delimiter {
        use smdrbox::export::Delimiter;
        match self.sep {
            Some(SepArg::Comma) => Delimiter::Comma,
            Some(SepArg::Semicolon) => Delimiter::Semicolon,
            None => {
                smdrbox::export::delimiter_for(config.and_then(|c| c.web.csv_delimiter()), lang)
            }
        }
    }
}

/// `--lang`: en, ru or uk.
fn parse_lang(s: &str) -> Result<smdrbox::i18n::Lang, String> {
    smdrbox::i18n::Lang::parse(s).ok_or_else(|| format!("{s:?}: use en, ru or uk"))
}

/// Standard output, or the file `out` (created or replaced). A workbook is binary: it needs a
/// file.
fn output(out: Option<&Path>, binary: bool) -> Result<Box<dyn std::io::Write>> {
    match out {
        Some(path) => {
            let f = std::fs::File::create(path)
                .with_context(|| format!("creating {}", path.display()))?;
            Ok(Box::new(std::io::BufWriter::new(f)))
        }
        None if binary => bail!("an Excel workbook needs a file: add -o FILE.xlsx"),
        None => Ok(Box::new(std::io::stdout().lock())),
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DateOrderArg {
    Dmy,
    Mdy,
    Ymd,
}

#[derive(clap::Args)]
struct SimArgs {
    /// Also make this path a symlink to the pseudo-terminal (point the daemon's config here).
    #[arg(long)]
    link: Option<PathBuf>,
    /// Print on this real serial device instead of a pseudo-terminal.
    #[arg(long, conflicts_with = "link")]
    tty: Option<PathBuf>,
    /// Send over TCP to a daemon with `kind = "tcp-listen"` at this address.
    #[arg(long, conflicts_with_all = ["link", "tty", "tcp_listen"])]
    tcp: Option<String>,
    /// Serve over TCP on this address and wait for a daemon with `kind = "tcp-client"`.
    #[arg(long, conflicts_with_all = ["link", "tty"])]
    tcp_listen: Option<String>,
    /// Speed for --tty.
    #[arg(long, default_value_t = 9600)]
    baud: u32,
    /// Replay these capture files (lines starting with "# " at the top are skipped).
    #[arg(long, num_args = 1.., conflicts_with = "generate")]
    replay: Vec<PathBuf>,
    /// Replay speed in lines per second (0: as fast as the reader takes them).
    #[arg(long, default_value_t = 20.0)]
    lines_per_sec: f64,
    /// Generate a realistic office day of Panasonic SMDR instead of replaying.
    #[arg(long)]
    generate: bool,
    /// Generated day's date, YYYY-MM-DD (default: today).
    #[arg(long)]
    date: Option<String>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Generated layout: A (80 columns with ring time), B (80 with cost), C (120 columns).
    #[arg(long, default_value = "B")]
    layout: String,
    /// Simulated seconds per real second for generated days (0: no waiting).
    #[arg(long, default_value_t = 60.0)]
    time_scale: f64,
    /// Start the generated day's clock at HH:MM.
    #[arg(long, default_value = "08:00")]
    start: String,
    /// With --generate: also write what really happened, one JSON object per call (the
    /// generator's truth: who was lost, who answered, callbacks), for checking reports.
    #[arg(long, requires = "generate")]
    truth: Option<PathBuf>,
    /// Keep going: the next day after this one, or the files again.
    #[arg(long = "loop")]
    repeat: bool,
    /// Line ending: crlf, cr or lf.
    #[arg(long, default_value = "crlf")]
    line_ending: String,
    /// After the last line, wait this many seconds before closing the port.
    #[arg(long, default_value_t = 0.0)]
    hold: f64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    smdrbox::logging::init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // <3>: an error, for journald (see logging.rs).
            let prio = if smdrbox::logging::to_journal() {
                "<3>"
            } else {
                ""
            };
            eprintln!("{prio}smdrbox: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run { config } => {
            let c = Config::load(&config)?;
            smdrbox::daemon::run(c, &config)
        }
        Command::CheckConfig { file } => {
            let main = Config::load(&file)?;
            // The settings page's file beside the database, as `run` lays it over.
            let loaded = smdrbox::settings::load_beside(main);
            let settings = loaded.settings_path.display();
            if let Some(e) = loaded.error {
                anyhow::bail!(
                    "{e}\n(smdrbox run would log this and start with {} alone)",
                    file.display()
                );
            }
            match &loaded.replaced {
                None => println!("{settings}: none (the settings page writes it)"),
                Some(r) if r.is_empty() => println!("{settings}: ok, overrides nothing"),
                Some(r) => println!(
                    "{settings}: ok, overrides {} of {}",
                    r.join(", "),
                    file.display()
                ),
            }
            let c = loaded.config;
            println!(
                "{}: ok: {}, dialect {} ({}), database {}, web on {}, ring {} lines, commit every {} ms or {} lines",
                file.display(),
                c.source.describe(),
                c.pbx.dialect.as_str(),
                c.pbx.date_order.as_str(),
                c.store.path.display(),
                c.web.listen.0,
                c.ring.capacity.0,
                c.store.commit_interval_ms.0,
                c.store.commit_max_records.0,
            );
            Ok(())
        }
        Command::Import {
            db,
            config,
            dialect,
            files,
        } => {
            let (db, opts) = db_and_dialect(db, config.as_deref(), &dialect)?;
            let mut store = smdrbox::store::Store::open(&db)?;
            let now = smdrbox::source::now_ms();
            let mut total = smdrbox::import::ImportReport::default();
            for f in &files {
                let r = smdrbox::import::import_file(
                    &mut store,
                    f,
                    opts.dialect,
                    opts.date_order,
                    now,
                )?;
                println!(
                    "{}: {} records, {} headers, {} rejects, {} blank lines, {} garbage bytes, {} overlong lines (seq {}..={}, dialect {})",
                    r.file, r.records, r.headers, r.rejects, r.blank_lines, r.garbage_bytes,
                    r.overlong_lines, r.first_seq, r.last_seq, r.dialect
                );
                total.records += r.records;
                total.headers += r.headers;
                total.rejects += r.rejects;
            }
            if files.len() > 1 {
                println!(
                    "total: {} records, {} headers, {} rejects into {}",
                    total.records,
                    total.headers,
                    total.rejects,
                    db.display()
                );
            }
            // Group the imported days now, so the first report does not have to.
            let today = chrono::Local::now().date_naive();
            let (days, calls) = store
                .build_call_days(today)
                .context("grouping the imported records into calls")?;
            if days > 0 {
                println!("grouped {calls} calls of {days} days for the reports");
            }
            Ok(())
        }
        Command::Export {
            db,
            config,
            from,
            to,
            format,
            sep,
            lang,
            out,
        } => {
            let loaded = config.as_deref().map(Config::load).transpose()?;
            let db = db
                .or_else(|| loaded.as_ref().map(|c| c.store.path.clone()))
                .unwrap_or_else(|| smdrbox::config::StoreConfig::default().path);
            if !db.exists() {
                bail!("{}: no such database", db.display());
            }
            let today = chrono::Local::now().date_naive();
            let (from, to) = smdrbox::export::parse_period(from.as_deref(), to.as_deref(), today)
                .map_err(anyhow::Error::msg)?;
            let reader = smdrbox::store::read::Reader::open(&db)?;
            let xlsx = format == ExportFormat::Xlsx;
            let mut w = output(out.as_deref(), xlsx)?;
            if xlsx {
                w.write_all(&smdrbox::xlsx::calls_workbook_lang(
                    &reader, from, to, lang,
                )?)?;
            } else {
                let sep = sep.delimiter_in(loaded.as_ref(), lang);
                smdrbox::export::write_csv_lang(&reader, from, to, &mut w, sep, lang)?;
            }
            w.flush()?;
            Ok(())
        }
        Command::Report {
            name,
            db,
            config,
            from,
            to,
            format,
            month,
            sep,
            lang,
            out,
        } => {
            let Some(name) = name else {
                for (n, title, what) in smdrbox::core::analytics::REPORTS {
                    let title = smdrbox::i18n::report_title(lang, n, title);
                    let what = smdrbox::i18n::report_about(lang, n, what);
                    println!("{n:<12} {title}: {what}");
                }
                return Ok(());
            };
            let loaded = config.as_deref().map(Config::load).transpose()?;
            // The configuration's database unless --db names another (loaded once).
            let db = db
                .or_else(|| loaded.as_ref().map(|c| c.store.path.clone()))
                .unwrap_or_else(|| smdrbox::config::StoreConfig::default().path);
            if !db.exists() {
                bail!("{}: no such database", db.display());
            }
            let today = chrono::Local::now().date_naive();
            let month_book = name == "month";
            let (from, to) = if month_book {
                if from.is_some() || to.is_some() {
                    bail!("report month takes --month YYYY-MM, not --from/--to");
                }
                smdrbox::export::parse_month(month.as_deref(), today)
            } else {
                if month.is_some() {
                    bail!("--month is for `smdrbox report month`; give --from/--to");
                }
                smdrbox::export::parse_period(from.as_deref(), to.as_deref(), today)
            }
            .map_err(anyhow::Error::msg)?;
            let opts = match &loaded {
                Some(c) => c.report_options(from, to),
                None => smdrbox::core::analytics::ReportOptions::new(from, to),
            };
            let reader = smdrbox::store::read::Reader::open(&db)?;
            if month_book {
                // One workbook whatever --format says: every report and the calls.
                let reports = smdrbox::reports::build_all(&reader, &opts)?;
                let book = smdrbox::xlsx::month_workbook_lang(&reports, &reader, from, to, lang)?;
                let mut w = output(out.as_deref(), true)?;
                w.write_all(&book)?;
                w.flush()?;
                return Ok(());
            }
            let report = smdrbox::reports::build(&reader, &name, &opts)?;
            let mut w = output(out.as_deref(), format == ReportFormat::Xlsx)?;
            match format {
                ReportFormat::Text => {
                    w.write_all(smdrbox::reports::text_lang(&report, lang).as_bytes())?
                }
                ReportFormat::Csv => {
                    let sep = sep.delimiter_in(loaded.as_ref(), lang);
                    smdrbox::reports::write_csv_lang(&report, &mut w, sep, lang)?
                }
                ReportFormat::Json => smdrbox::reports::write_json(&report, &mut w)?,
                ReportFormat::Xlsx => {
                    w.write_all(&smdrbox::xlsx::report_workbook_lang(&report, lang)?)?
                }
            }
            w.flush()?;
            Ok(())
        }
        Command::Capture {
            db,
            config,
            from,
            to,
            last,
            rejects_only,
            out,
        } => capture(db, config, from, to, last, rejects_only, out),
        Command::Backup { db, config, out } => {
            let (db, _) = db_and_dialect(db, config.as_deref(), &DialectArgs::none())?;
            if !db.exists() {
                bail!("{}: no such database", db.display());
            }
            smdrbox::store::Store::backup_to(&db, &out)?;
            println!("{}: backed up to {}", db.display(), out.display());
            Ok(())
        }
        Command::Simulate(a) => simulate(a),
        Command::Erlang(a) => {
            print!("{}", smdrbox::erlang_cli::run(&a)?);
            Ok(())
        }
        Command::Phonebook { action } => phonebook(action),
        Command::PasswordHash => {
            use smdrbox::web::auth;
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            let pw = line.trim_end_matches(['\r', '\n']);
            auth::check_new_password(pw).map_err(anyhow::Error::msg)?;
            println!("{}", auth::hash_password(pw).map_err(anyhow::Error::msg)?);
            Ok(())
        }
    }
}

impl DialectArgs {
    fn none() -> Self {
        DialectArgs {
            dialect: None,
            date_order: None,
        }
    }
}

fn db_and_dialect(
    db: Option<PathBuf>,
    config: Option<&Path>,
    args: &DialectArgs,
) -> Result<(PathBuf, PbxConfig)> {
    let (mut path, mut opts) = match config {
        Some(c) => {
            let c = Config::load(c)?;
            (c.store.path.clone(), c.pbx)
        }
        None => (
            smdrbox::config::StoreConfig::default().path,
            PbxConfig::default(),
        ),
    };
    if let Some(db) = db {
        path = db;
    }
    if let Some(d) = args.dialect {
        opts.dialect = d;
    }
    if let Some(o) = args.date_order {
        opts.date_order = match o {
            DateOrderArg::Dmy => DateOrder::Dmy,
            DateOrderArg::Mdy => DateOrder::Mdy,
            DateOrderArg::Ymd => DateOrder::Ymd,
        };
    }
    Ok((path, opts))
}

fn capture(
    db: Option<PathBuf>,
    config: Option<PathBuf>,
    from: Option<String>,
    to: Option<String>,
    last: Option<u64>,
    rejects_only: bool,
    out: Option<PathBuf>,
) -> Result<()> {
    use smdrbox::capture::{self as cap, Selection, Settings};
    let loaded = config.as_deref().map(Config::load).transpose()?;
    let db = db
        .or_else(|| loaded.as_ref().map(|c| c.store.path.clone()))
        .unwrap_or_else(|| smdrbox::config::StoreConfig::default().path);
    if !db.exists() {
        bail!("{}: no such database", db.display());
    }
    let settings = match (&loaded, &config) {
        (Some(c), Some(path)) => Settings {
            pbx: Some(format!(
                "dialect {}, date order {} (as configured in {})",
                c.pbx.dialect.as_str(),
                c.pbx.date_order.as_str(),
                path.display()
            )),
            port: Some(c.source.describe()),
        },
        _ => Settings::default(),
    };
    let written = chrono::Local::now();
    let selection = if from.is_some() || to.is_some() {
        // A period starts the first day given, else today: unlike the CSV's default month.
        let today = written.date_naive();
        let from = from.or_else(|| to.clone());
        let (from, to) = smdrbox::export::parse_period(from.as_deref(), to.as_deref(), today)
            .map_err(anyhow::Error::msg)?;
        Selection::Days(from, to)
    } else {
        Selection::Last(last.unwrap_or(cap::DEFAULT_LAST))
    };
    let reader = smdrbox::store::read::Reader::open(&db)?;
    let plan = cap::plan(&reader, selection, rejects_only)?;
    if plan.is_empty() {
        bail!("{}: {}", db.display(), plan.empty_message());
    }
    let n = match &out {
        Some(path) => {
            // create_new: never overwrite an earlier capture by mistake.
            let f = std::fs::File::options()
                .write(true)
                .create_new(true)
                .open(path)
                .with_context(|| format!("creating {}", path.display()))?;
            cap::write(&reader, &plan, &settings, written, f)
                .with_context(|| format!("writing {}", path.display()))?
        }
        None => cap::write(&reader, &plan, &settings, written, std::io::stdout().lock())?,
    };
    let to = out
        .as_ref()
        .map(|p| format!(" to {}", p.display()))
        .unwrap_or_default();
    eprintln!(
        "smdrbox: wrote {n} lines{to}; the file contains callers' phone numbers (personal data): send it only where it may go"
    );
    Ok(())
}

fn simulate(a: SimArgs) -> Result<()> {
    use smdrbox::simulate as sim;
    sim::install()?;
    let end = sim::ending(&a.line_ending)?;
    let mut port = match (&a.tty, &a.tcp, &a.tcp_listen) {
        (Some(t), _, _) => sim::Port::tty(t, a.baud)?,
        (_, Some(addr), _) => sim::Port::tcp_connect(addr)?,
        (_, _, Some(addr)) => sim::Port::tcp_listen(addr)?,
        _ => sim::Port::pty(a.link.as_deref())?,
    };
    // Scripts and tests read this line to find the port.
    println!("simulated PBX on {}", port.describe());
    use std::io::Write as _;
    std::io::stdout().flush().ok();
    let mut total = 0;
    if !a.replay.is_empty() {
        let files: Vec<Vec<Vec<u8>>> = a
            .replay
            .iter()
            .map(|f| sim::capture_lines(f))
            .collect::<Result<_>>()?;
        loop {
            for lines in &files {
                total += sim::replay(&mut port, lines, a.lines_per_sec, end)?;
            }
            if !a.repeat || sim::stopped() {
                break;
            }
        }
    } else if a.generate {
        let mut date = match &a.date {
            Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .with_context(|| format!("--date {d}: use YYYY-MM-DD"))?,
            None => chrono::Local::now().date_naive(),
        };
        let start = chrono::NaiveTime::parse_from_str(&a.start, "%H:%M")
            .with_context(|| format!("--start {}: use HH:MM", a.start))?;
        let start_secs = chrono::Timelike::num_seconds_from_midnight(&start);
        let layout: smdrbox::core::officeday::Layout =
            a.layout.parse().map_err(anyhow::Error::msg)?;
        let mut seed = a.seed;
        let mut truth = match &a.truth {
            Some(p) => Some(std::io::BufWriter::new(
                std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
            )),
            None => None,
        };
        loop {
            let opts = smdrbox::core::officeday::DayOptions {
                layout,
                ..smdrbox::core::officeday::DayOptions::new(date, seed)
            };
            if let Some(w) = truth.as_mut() {
                for call in smdrbox::core::officeday::truth(&opts) {
                    // Each line: the day and the call as the generator made it.
                    let line = serde_json::json!({ "date": date, "call": call });
                    writeln!(w, "{line}")?;
                }
                w.flush()?;
            }
            let lines: Vec<(u32, String)> = smdrbox::core::officeday::office_day(&opts)
                .into_iter()
                .map(|l| (l.at_secs, l.text))
                .collect();
            total += sim::play_timed(&mut port, &lines, a.time_scale, start_secs, end)?;
            if !a.repeat || sim::stopped() {
                break;
            }
            date = date.succ_opt().context("date overflow")?;
            seed += 1;
        }
    } else {
        bail!("nothing to print: give --replay FILE... or --generate");
    }
    port.drain(std::time::Duration::from_secs(30));
    if a.hold > 0.0 {
        let end = std::time::Instant::now() + std::time::Duration::from_secs_f64(a.hold);
        while !sim::stopped() && std::time::Instant::now() < end {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
    eprintln!("simulate: printed {total} lines");
    Ok(())
}
