//! HTTPS (`[web] https = true`): the box's own self-signed certificate. Made on the first start
//! with HTTPS in `<database dir>/tls/` (`cert.pem`, and `key.pem` readable by the daemon's user
//! only), kept and reused after, so a browser told once to trust it keeps trusting it. Its
//! subject alternative names are the box's host name (and `NAME.local`), `localhost`, and the
//! addresses the box has when the certificate is made. A new one is made if either file is
//! missing or unreadable: delete the directory to get one for new names or addresses.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::net::IpAddr;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The certificate (PEM) and its private key (PKCS#8 PEM), as tiny_http wants them.
#[derive(Clone)]
pub struct Identity {
    pub cert_pem: String,
    pub key_pem: String,
    /// Where the certificate is, for the log and for people to download and trust it.
    pub cert_path: PathBuf,
    /// Made just now (not loaded).
    pub created: bool,
}

impl std::fmt::Debug for Identity {
    // Never the key, even in a debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("cert_path", &self.cert_path)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

/// The certificate's years of validity: it is trusted by hand, so a short life only means a
/// browser warning on a box nobody touches.
const YEARS: i32 = 20;

/// Load the identity in `dir`, or make one naming this box (and `extra`, e.g. the configured
/// listen address) and write it there.
pub fn load_or_create(dir: &Path, extra: &[IpAddr]) -> Result<Identity> {
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    match load(&cert_path, &key_path) {
        Ok(Some(id)) => return Ok(id),
        Ok(None) => {}
        Err(e) => tracing::warn!("web: {e:#}; making a new certificate"),
    }
    let host = host_name();
    let mut addrs = box_addresses();
    addrs.extend_from_slice(extra);
    let names = san_names(host.as_deref(), &addrs);
    let today = chrono::Local::now().date_naive();
    let (cert_pem, key_pem) = generate(host.as_deref().unwrap_or("smdrbox"), &names, today)?;
    // The key first, each through a temp file and a rename: a crash leaves no half file.
    let saved = std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
        .and_then(|_| write_file(&key_path, key_pem.as_bytes(), 0o600))
        .and_then(|_| write_file(&cert_path, cert_pem.as_bytes(), 0o644));
    match saved {
        Ok(()) => tracing::info!(
            "web: made a self-signed certificate for {} in {}",
            names.join(", "),
            cert_path.display()
        ),
        // The page stays up over HTTPS (as it stays up with the data partition broken), with
        // a certificate that changes at every start until the directory is writable again.
        Err(e) => tracing::warn!(
            "web: made a self-signed certificate for {} but cannot keep it: {e:#}",
            names.join(", ")
        ),
    }
    Ok(Identity {
        cert_pem,
        key_pem,
        cert_path,
        created: true,
    })
}

/// Both files read and sane, Ok(None) if either is missing, Err if unreadable or broken.
fn load(cert_path: &Path, key_path: &Path) -> Result<Option<Identity>> {
    if !cert_path.exists() || !key_path.exists() {
        return Ok(None);
    }
    let cert_pem = std::fs::read_to_string(cert_path)
        .with_context(|| format!("reading {}", cert_path.display()))?;
    let key_pem = std::fs::read_to_string(key_path)
        .with_context(|| format!("reading {}", key_path.display()))?;
    // tiny_http panics on a key it cannot parse: check it here first.
    rcgen::KeyPair::from_pem(&key_pem)
        .with_context(|| format!("{}: not a PKCS#8 private key", key_path.display()))?;
    if !cert_pem.contains("-----BEGIN CERTIFICATE-----") {
        bail!("{}: no certificate in it", cert_path.display());
    }
    Ok(Some(Identity {
        cert_pem,
        key_pem,
        cert_path: cert_path.to_path_buf(),
        created: false,
    }))
}

/// A self-signed ECDSA P-256 certificate for `names`, valid from yesterday for [`YEARS`].
fn generate(host: &str, names: &[String], today: chrono::NaiveDate) -> Result<(String, String)> {
    use chrono::Datelike;
    let key = rcgen::KeyPair::generate().context("making a key pair")?;
    let mut params = rcgen::CertificateParams::new(names.to_vec()).context("certificate names")?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, format!("smdrbox {host}"));
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "smdrbox (self-signed)");
    let from = today.pred_opt().unwrap_or(today);
    // Month and day from a real date: always in range.
    params.not_before = rcgen::date_time_ymd(from.year(), from.month() as u8, from.day() as u8);
    params.not_after = rcgen::date_time_ymd(
        from.year() + YEARS,
        from.month() as u8,
        from.day().min(28) as u8,
    );
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    let cert = params
        .self_signed(&key)
        .context("signing the certificate")?;
    Ok((cert.pem(), key.serialize_pem()))
}

/// The names a certificate for this box carries: the host name and `NAME.local` (mDNS, how a
/// Raspberry Pi is often reached), `localhost`, then each address, without repeats. Link-local
/// IPv6 addresses are left out (a URL cannot name them without a zone).
pub fn san_names(host: Option<&str>, addrs: &[IpAddr]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    if let Some(h) = host.map(str::trim).filter(|h| valid_dns_name(h)) {
        push(h.to_string());
        if !h.contains('.') {
            push(format!("{h}.local"));
        }
    }
    push("localhost".into());
    for a in addrs {
        let link_local_v6 = matches!(a, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80);
        if !a.is_unspecified() && !link_local_v6 {
            push(a.to_string());
        }
    }
    out
}

/// A host name a certificate can carry: letters, digits, `-` and `.`, not empty.
fn valid_dns_name(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

fn host_name() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}

/// The addresses of the box's interfaces now (loopback included), or none if they cannot be
/// listed.
fn box_addresses() -> Vec<IpAddr> {
    let Ok(list) = nix::ifaddrs::getifaddrs() else {
        return Vec::new();
    };
    list.filter_map(|i| {
        let a = i.address?;
        if let Some(v4) = a.as_sockaddr_in() {
            Some(IpAddr::V4(v4.ip()))
        } else {
            a.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip()))
        }
    })
    .collect()
}

fn write_file(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&tmp)
        .with_context(|| format!("creating {}", tmp.display()))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn names_are_the_host_localhost_and_the_addresses_once() {
        let addrs: Vec<IpAddr> = ["192.168.1.20", "127.0.0.1", "fe80::1", "::1", "0.0.0.0"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        assert_eq!(
            san_names(Some("smdrbox\n"), &addrs),
            [
                "smdrbox",
                "smdrbox.local",
                "localhost",
                "192.168.1.20",
                "127.0.0.1",
                "::1"
            ]
        );
        // A host name no certificate can carry is left out.
        assert_eq!(san_names(Some("bad name"), &[]), ["localhost"]);
        assert_eq!(
            san_names(Some("box.example.org"), &[]),
            ["box.example.org", "localhost"]
        );
    }

    #[test]
    fn made_once_then_reused_key_private() {
        let dir = tempfile::tempdir().unwrap();
        let tls = dir.path().join("tls");
        let a = load_or_create(&tls, &[]).unwrap();
        assert!(a.created);
        assert!(a.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        let mode = |p: &str| std::fs::metadata(tls.join(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("key.pem"), 0o600);
        assert_eq!(mode("."), 0o700);
        let b = load_or_create(&tls, &[]).unwrap();
        assert!(!b.created);
        assert_eq!((a.cert_pem, a.key_pem), (b.cert_pem, b.key_pem));

        // A broken key is replaced, not handed to the server (which would panic on it).
        std::fs::write(tls.join("key.pem"), "garbage").unwrap();
        let c = load_or_create(&tls, &[]).unwrap();
        assert!(c.created);
        assert!(rcgen::KeyPair::from_pem(&c.key_pem).is_ok());
    }
}
