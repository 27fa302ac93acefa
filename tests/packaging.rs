//! The Debian package's inputs (`make deb` packs them, `make deb-test` checks the result; both
//! too slow for `make test`): the configuration it installs is one the daemon accepts, and
//! every file `[package.metadata.deb]` names exists.

mod common;

use common::BIN;
use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn packaged_configuration_passes_check_config() {
    let file = Path::new(ROOT).join("packaging/smdrbox.toml");
    let out = Command::new(BIN)
        .arg("check-config")
        .arg(&file)
        .output()
        .expect("run smdrbox");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A Raspberry Pi with the udev name of the adapter, a PBX at 9600 8N1 whose family is
    // recognised from its lines, the database in the unit's state directory.
    assert!(
        stdout.contains(
            "ok: serial /dev/smdr0 at 9600 8N1, dialect auto (dmy), \
             database /var/lib/smdrbox/smdrbox.db, web on 0.0.0.0:8080"
        ),
        "{stdout}"
    );
}

#[test]
fn every_file_the_package_names_exists() {
    let manifest: toml::Table = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let deb = &manifest["package"]["metadata"]["deb"];
    let mut dests = Vec::new();
    for asset in deb["assets"].as_array().unwrap() {
        let asset = asset.as_array().unwrap();
        let (src, dest) = (asset[0].as_str().unwrap(), asset[1].as_str().unwrap());
        dests.push(dest.to_string());
        if src.starts_with("target/") {
            continue; // built by make deb
        }
        let path = Path::new(ROOT).join(src.trim_end_matches("/*"));
        assert!(
            path.exists(),
            "asset {src} -> {dest}: no {}",
            path.display()
        );
    }
    let scripts = Path::new(ROOT).join(deb["maintainer-scripts"].as_str().unwrap());
    for s in ["postinst", "prerm", "postrm"] {
        let meta = std::fs::metadata(scripts.join(s)).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert!(meta.permissions().mode() & 0o111 != 0, "{s} not executable");
    }
    assert!(Path::new(ROOT)
        .join(deb["changelog"].as_str().unwrap())
        .exists());
    // The postinst names these by their installed names.
    let postinst = std::fs::read_to_string(scripts.join("postinst")).unwrap();
    for (needle, dest) in [
        ("systemd-sysusers", "usr/lib/sysusers.d/smdrbox.conf"),
        (
            "'smdrbox.service'",
            "usr/lib/systemd/system/smdrbox.service",
        ),
        ("/etc/smdrbox/smdrbox.toml", "etc/smdrbox/smdrbox.toml"),
    ] {
        assert!(postinst.contains(needle), "postinst lacks {needle}");
        assert!(dests.iter().any(|d| d == dest), "no asset installs {dest}");
    }
}
