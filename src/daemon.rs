//! `smdrbox run`: wires source -> ring -> store writer, the web thread, and signals.

use crate::config::Config;
use crate::config::SourceKind;
use crate::core::health::Snapshot;
use crate::ring::Ring;
use crate::source::{now_ms, serial, tcp, Intake};
use crate::status::Status;
use crate::store::writer::{self, WriterOptions};
use anyhow::{Context, Result};
use std::path::Path;
use std::sync::Arc;

/// The ring's storage, reserved at link time (see `ring`).
static RING: Ring = Ring::new();

pub fn run(config: Config, config_path: &Path) -> Result<()> {
    let started = now_ms();
    // The settings page's file beside the database, laid over the main configuration. One
    // that is refused is logged and shown: capture matters more than names.
    let main_config = Arc::new(config.clone());
    let loaded = crate::settings::load_beside(config);
    let config = loaded.config;
    let settings_path = loaded.settings_path;
    let settings_note = match (&loaded.replaced, &loaded.error) {
        (_, Some(e)) => {
            tracing::error!("settings: {e}; using {} alone", config_path.display());
            Some(format!("{e}; using {} alone", config_path.display()))
        }
        (Some(r), None) => {
            tracing::info!(
                "settings: read {}: it overrides {}",
                settings_path.display(),
                if r.is_empty() {
                    "nothing".to_string()
                } else {
                    r.join(", ")
                }
            );
            None
        }
        (None, None) => {
            tracing::info!(
                "settings: no {} (the page writes it)",
                settings_path.display()
            );
            None
        }
    };
    let source_name = config.source.source_name();
    RING.set_capacity(config.ring.capacity.0);
    let status = Arc::new(Status::new(
        config.source.port_label(),
        config.source.settings_label(),
        config.pbx.dialect.as_str().to_string(),
        started,
    ));
    // Stored with the first commit, once the database is open.
    status.push_event(
        started,
        "start",
        format!(
            "smdrbox {} ({}; {} {}; ring {})",
            env!("CARGO_PKG_VERSION"),
            config_path.display(),
            source_name,
            config.source.settings_label(),
            config.ring.capacity.0
        ),
    );
    if let Some(note) = settings_note {
        status.push_event(started, "settings", note);
    }
    // The store thread opens the database (quick_check reads all of it: half a minute on a
    // busy office's year), so the port is read and the page served from the first second;
    // lines wait in the ring meanwhile.
    let snap_status = status.clone();
    let snapshot = Arc::new(move || -> Snapshot {
        let mut s = snap_status.snapshot();
        s.ring = RING.stats();
        s
    });
    let notify_snapshot = snapshot.clone();
    let alerts_snapshot: crate::alerts::SnapshotFn = snapshot.clone();
    // Read before the LEDs start: they judge a hung part with the watchdog's limit.
    let systemd = crate::notify::Manager::from_env().unwrap_or_else(|e| {
        // Capture matters more than telling systemd; without pings a watchdog restarts us.
        tracing::error!("systemd notification: {e:#}");
        None
    });
    let liveness = crate::led::Liveness {
        status: status.clone(),
        stall_ms: crate::notify::stall_ms(
            systemd.as_ref(),
            config.store.commit_interval_ms.duration(),
        ),
    };
    // The LEDs follow the same snapshot, and the page shows what they show. LEDs that cannot
    // be driven are logged and shown, never a reason not to capture.
    let leds = crate::led::start(&config.leds, snapshot.clone(), liveness)
        .inspect_err(|e| tracing::error!("LEDs: {e:#}"))
        .ok();
    let led_view = leds.as_ref().map(|l| l.shown_fn());
    let base_snapshot = snapshot;
    let snapshot = Arc::new(move || -> Snapshot {
        let mut s = base_snapshot();
        s.leds = led_view.as_ref().and_then(|f| f());
        s
    });
    // The running configuration: the settings page replaces it after a save, and the reports
    // read their options from it, so names, hours and tariffs apply without a restart.
    let shared_config = Arc::new(std::sync::RwLock::new(config.clone()));
    let report_config = shared_config.clone();
    // HTTPS: the box's certificate beside the database, made on the first start. Refusing to
    // start is better than serving the login over plain HTTP when HTTPS was asked for.
    let tls = if config.web.https {
        let dir = config
            .store
            .path
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join("tls");
        let listen_ip = config.web.listen.0.ip();
        let id = crate::web::tls::load_or_create(&dir, &[listen_ip])
            .with_context(|| format!("web: HTTPS certificate in {}", dir.display()))?;
        tracing::info!("web: HTTPS with the certificate {}", id.cert_path.display());
        Some(id)
    } else {
        None
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let web = crate::web::start_configured(
        config.web.listen.0,
        config.store.path.clone(),
        snapshot,
        Arc::new(move |from, to| {
            report_config
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .report_options(from, to)
        }),
        crate::web::WebOptions {
            csv_delimiter: config.web.csv_delimiter(),
            // Always a login: users.json beside the database, and the configuration's admin.
            users: Some(crate::web::users::Users::beside(
                &config.store.path,
                config.web.admin_password_hash.clone().map(|h| h.0),
            )),
            secure_cookies: tls.is_some(),
            tls,
            config: Some(crate::web::settings::ConfigFile {
                path: config_path.to_path_buf(),
                main: main_config,
                settings: settings_path,
                shared: shared_config,
            }),
        },
    )?;
    // Tests and the demo read this line for the port.
    tracing::info!("web: listening on {scheme}://{}/", web.addr());

    // Alerts follow the database on their own connection; capture never waits on them.
    let alerts = match crate::alerts::Settings::from_config(&config) {
        Some(a) => Some(crate::alerts::start(
            a,
            &config.store.path,
            status.clone(),
            alerts_snapshot,
        )?),
        None => None,
    };

    let writer_status = status.clone();
    let db_path = config.store.path.clone();
    let dialect = config.pbx.reader();
    let opts = WriterOptions {
        source: source_name,
        interval: config.store.commit_interval_ms.duration(),
        max_batch: config.store.commit_max_records.0,
        date_order: config.pbx.date_order,
    };
    let writer = std::thread::Builder::new()
        .name("store".into())
        .spawn(move || writer::run(&db_path, &RING, dialect, &writer_status, opts))
        .context("starting the store thread")?;
    // After the listener is bound, so READY=1 waits only for the database (see notify.rs).
    let service = systemd.and_then(|m| {
        crate::notify::start(
            m,
            status.clone(),
            notify_snapshot,
            config.store.commit_interval_ms.duration(),
        )
        .inspect_err(|e| tracing::error!("systemd notification: {e:#}"))
        .ok()
    });

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let reason = rt.block_on(async {
        let (tx, rx) = tokio::sync::watch::channel(false);
        let mut intake = Intake::new(&RING, &status);
        let signal = async {
            use tokio::signal::unix::{signal, SignalKind};
            let (mut term, mut int) = match (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            ) {
                (Ok(t), Ok(i)) => (t, i),
                _ => {
                    tracing::error!("cannot install signal handlers");
                    return std::future::pending::<&'static str>().await;
                }
            };
            tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            }
        };
        tokio::pin!(signal);
        let cfg = &config.source;
        // `baud = "auto"` remembers the setting it locked on beside the database.
        let autobaud_state = config.store.path.with_file_name(serial::AUTOBAUD_STATE);
        let source = async {
            match cfg.kind() {
                SourceKind::Serial => {
                    serial::run(cfg, &mut intake, &status, rx, &autobaud_state).await
                }
                SourceKind::TcpClient => tcp::run_client(cfg, &mut intake, &status, rx).await,
                SourceKind::TcpListen => tcp::run_listen(cfg, &mut intake, &status, rx).await,
            }
        };
        tokio::pin!(source);
        tokio::select! {
            why = &mut signal => {
                tracing::info!("{why}: stopping; storing every line read so far");
                status.set_stopping();
                if let Some(s) = &service {
                    s.stopping();
                }
                let _ = tx.send(true);
                source.await;
                why
            }
            _ = &mut source => "source ended",
        }
    });
    status.push_event(now_ms(), "stop", reason.to_string());
    RING.close();
    let last_seq = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the store thread panicked"))?;
    web.stop();
    if let Some(a) = alerts {
        a.stop();
    }
    // Dark when stopped on purpose; after a crash they stay frozen, which the label reads as
    // stopped too.
    drop(leds);
    if let Some(s) = service {
        s.finish();
    }
    let lines = status.snapshot().lines_read;
    tracing::info!("stopped: {lines} lines read this run, committed through seq {last_seq}");
    Ok(())
}
