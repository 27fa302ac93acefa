//! udev/99-smdrbox.rules: checked in udev's own rule engine (`udevadm test`) against simulated
//! devices: a sysfs tree of plain files on a tmpfs, in a private mount namespace, so nothing of
//! the machine's /dev, /run or rules is touched. Also: the README and the rules list the same
//! adapters. The machine's udev (252 on Debian 12) has no `udevadm verify`; `udevadm test`
//! reports the same parse errors with file and line, and shows what a device would get.
//!
//! Needs root (unshare -m, mount) and udevadm (`make deps`), as the CI machine has.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/udev/99-smdrbox.rules");
const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
const README_SECTION: &str = "## Serial adapters and /dev/smdr0";

/// `vvvv:pppp` pairs in the README's adapter section.
fn readme_adapters() -> Vec<String> {
    let text = std::fs::read_to_string(README).unwrap();
    let start = text
        .find(README_SECTION)
        .unwrap_or_else(|| panic!("README.md has no section {README_SECTION:?}"));
    let section = &text[start + README_SECTION.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut pairs = Vec::new();
    for line in section.lines().filter(|l| l.starts_with('|')) {
        for cell in line.split(['|', ',']) {
            let cell = cell.trim().trim_matches('`');
            if let Some((v, p)) = cell.split_once(':') {
                if is_hex4(v) && is_hex4(p) {
                    pairs.push(cell.to_string());
                }
            }
        }
    }
    pairs
}

fn is_hex4(s: &str) -> bool {
    s.len() == 4
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `vvvv:pppp` pairs the rules match, from `ATTRS{idVendor}=="vvvv", ATTRS{idProduct}=="pppp"`.
fn rules_adapters() -> Vec<String> {
    let text = std::fs::read_to_string(RULES).unwrap();
    let value = |line: &str, key: &str| -> Option<String> {
        let i = line.find(key)? + key.len();
        let rest = line[i..].strip_prefix("==\"")?;
        Some(rest[..rest.find('"')?].to_string())
    };
    text.lines()
        .filter_map(|l| {
            let v = value(l, "ATTRS{idVendor}")?;
            let p = value(l, "ATTRS{idProduct}")?;
            Some(format!("{v}:{p}"))
        })
        .collect()
}

#[test]
fn readme_and_rules_list_the_same_adapters() {
    let readme = readme_adapters();
    let rules = rules_adapters();
    assert!(
        readme.len() >= 15,
        "README lists only {readme:?}: the table's format changed?"
    );
    let r: BTreeSet<_> = readme.iter().collect();
    let u: BTreeSet<_> = rules.iter().collect();
    assert_eq!(
        r.len(),
        readme.len(),
        "README lists a pair twice: {readme:?}"
    );
    assert_eq!(
        u.len(),
        rules.len(),
        "the rules match a pair twice: {rules:?}"
    );
    assert_eq!(
        r.difference(&u).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "in README.md, not in the rules"
    );
    assert_eq!(
        u.difference(&r).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "in the rules, not in README.md"
    );
}

/// Keys udev knows, for the structure check (udev(7)); `udevadm test` below is the real parser.
const KEYS: &[&str] = &[
    "ACTION",
    "SUBSYSTEM",
    "SUBSYSTEMS",
    "KERNEL",
    "ATTRS",
    "ENV",
    "SYMLINK",
    "TAG",
    "GROUP",
    "MODE",
    "OPTIONS",
    "RUN",
    "GOTO",
    "LABEL",
];

#[test]
fn rules_file_structure() {
    let text = std::fs::read_to_string(RULES).unwrap();
    let mut labels = BTreeSet::new();
    let mut gotos = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        assert!(!line.ends_with('\\'), "line {n}: no continuation lines");
        for token in line.split("\", ") {
            let token = token.trim_end_matches('"');
            let key_end = token
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or_else(|| panic!("line {n}: {token:?} has no operator"));
            let key = &token[..key_end];
            assert!(KEYS.contains(&key), "line {n}: unknown key {key:?}");
            let rest = &token[key_end..];
            let rest = match rest.strip_prefix('{') {
                Some(r) => &r[r.find('}').unwrap_or_else(|| panic!("line {n}: no }}")) + 1..],
                None => rest,
            };
            let op = ["==", "!=", "+=", ":=", "="]
                .into_iter()
                .find(|op| rest.starts_with(op))
                .unwrap_or_else(|| panic!("line {n}: no operator in {token:?}"));
            let value = rest[op.len()..]
                .strip_prefix('"')
                .unwrap_or_else(|| panic!("line {n}: value not quoted in {token:?}"));
            assert!(!value.contains('"'), "line {n}: stray quote in {token:?}");
            match key {
                "LABEL" => assert!(labels.insert(value.to_string()), "line {n}: label twice"),
                "GOTO" => {
                    gotos.insert(value.to_string());
                }
                _ => {}
            }
        }
    }
    for g in &gotos {
        assert!(labels.contains(g), "GOTO {g:?} has no LABEL");
    }
}

/// One simulated device: its sysfs path and the shell lines that build it.
struct Device {
    syspath: String,
    build: String,
}

fn usb_tty(name: &str, vid_pid: &str, interface: u8, port: usize, minor: usize) -> Device {
    let (vid, pid) = vid_pid.split_once(':').unwrap();
    let u = format!("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-{port}");
    let i = format!("{u}/1-{port}:1.{interface}");
    let t = format!("{i}/{name}/tty/{name}");
    Device {
        syspath: format!("/sys/class/tty/{name}"),
        build: format!(
            "mkdir -p {t}\n\
             echo {vid} > {u}/idVendor; echo {pid} > {u}/idProduct\n\
             printf 'DEVTYPE=usb_device\\n' > {u}/uevent; ln -sfn /sys/bus/usb {u}/subsystem\n\
             printf 'DEVTYPE=usb_interface\\n' > {i}/uevent; echo {interface:02x} > {i}/bInterfaceNumber\n\
             ln -sfn /sys/bus/usb {i}/subsystem; ln -sfn /sys/bus/usb-serial {i}/{name}/subsystem\n\
             printf 'MAJOR=188\\nMINOR={minor}\\nDEVNAME={name}\\n' > {t}/uevent; echo 188:{minor} > {t}/dev\n\
             ln -sfn /sys/class/tty {t}/subsystem; ln -sfn {t} /sys/class/tty/{name}\n"
        ),
    }
}

fn board_tty(name: &str, major: u32, minor: u32) -> Device {
    let t = format!("/sys/devices/platform/soc/serial-{name}/tty/{name}");
    Device {
        syspath: format!("/sys/class/tty/{name}"),
        build: format!(
            "mkdir -p {t}\n\
             printf 'MAJOR={major}\\nMINOR={minor}\\nDEVNAME={name}\\n' > {t}/uevent; echo {major}:{minor} > {t}/dev\n\
             ln -sfn /sys/class/tty {t}/subsystem; ln -sfn {t} /sys/class/tty/{name}\n"
        ),
    }
}

fn led(name: &str) -> Device {
    let l = format!("/sys/devices/platform/leds/leds/{name}");
    Device {
        syspath: format!("/sys/class/leds/{name}"),
        build: format!(
            "mkdir -p {l}; : > {l}/uevent; echo 0 > {l}/brightness; echo mmc0 > {l}/trigger\n\
             ln -sfn /sys/class/leds {l}/subsystem; ln -sfn {l} /sys/class/leds/{name}\n"
        ),
    }
}

fn gpiochip() -> Device {
    let g = "/sys/devices/platform/soc/gpio/gpiochip0";
    Device {
        syspath: g.to_string(),
        build: format!(
            "mkdir -p {g}; printf 'MAJOR=254\\nMINOR=0\\nDEVNAME=gpiochip0\\n' > {g}/uevent\n\
             echo 254:0 > {g}/dev; ln -sfn /sys/bus/gpio {g}/subsystem\n"
        ),
    }
}

/// What `udevadm test` said about one device.
#[derive(Debug)]
struct Outcome {
    /// Every line, for messages.
    log: Vec<String>,
    /// The properties it printed at the end (`KEY=value`).
    props: Vec<(String, String)>,
    /// `run: '...'` lines.
    runs: Vec<String>,
}

impl Outcome {
    fn prop(&self, key: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn links(&self) -> Vec<&str> {
        self.prop("DEVLINKS")
            .map(|v| v.split_whitespace().collect())
            .unwrap_or_default()
    }

    fn named_smdr0(&self) -> bool {
        self.links().contains(&"/dev/smdr0")
    }

    /// Lines udev wrote about `file` other than the rule actions it applied.
    fn complaints(&self, file: &str) -> Vec<&String> {
        self.log
            .iter()
            .filter(|l| l.contains(file) && !l.starts_with("Reading rules file"))
            .filter(|l| {
                ![" LINK '", " GROUP ", " MODE ", " RUN '"]
                    .iter()
                    .any(|a| l.contains(a))
            })
            .collect()
    }
}

/// Run `udevadm test` on each device, in a private mount namespace where /sys, /dev, /run and
/// the rules directories are empty tmpfs: only `rules` (as 99-smdrbox.rules) and a stand-in for
/// the Pi's 99-com.rules (serial0 for ttyAMA0 and for ttyS0) are loaded. /etc/group gains
/// what systemd-sysusers adds on the box (gpio, smdrbox), so GROUP= resolves as it would there.
fn simulate(rules: &Path, devices: &[Device]) -> Vec<Outcome> {
    assert!(
        nix::unistd::geteuid().is_root(),
        "tests/udev.rs needs root (a private mount namespace and tmpfs mounts), as CI has"
    );
    let udevadm = ["/usr/bin/udevadm", "/bin/udevadm"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("udevadm not installed: run `make deps` (Debian package udev)");
    let mut script = String::from(
        "set -e\n\
         for d in /etc/udev/rules.d /usr/lib/udev/rules.d /run /dev /sys; do\n\
           mkdir -p $d; mount -t tmpfs tmpfs $d\n\
         done\n\
         if [ -d /usr/local/lib/udev/rules.d ]; then mount -t tmpfs tmpfs /usr/local/lib/udev/rules.d; fi\n\
         cp /etc/group /run/group; printf 'gpio:x:995:smdrbox\\nsmdrbox:x:994:\\n' >> /run/group\n\
         mount --bind /run/group /etc/group\n\
         printf 'KERNEL==\"ttyAMA0\", SYMLINK+=\"serial0\"\\nKERNEL==\"ttyS0\", SYMLINK+=\"serial0\"\\n' \
           > /usr/lib/udev/rules.d/99-com.rules\n\
         mkdir -p /sys/bus/usb /sys/bus/usb-serial /sys/bus/gpio /sys/class/tty /sys/class/leds\n",
    );
    script.push_str(&format!(
        "cp '{}' /usr/lib/udev/rules.d/99-smdrbox.rules\n",
        rules.display()
    ));
    for d in devices {
        script.push_str(&d.build);
    }
    for d in devices {
        // SYSTEMD_DEVICE_VERIFY_SYSFS=0: accept a tree that is not the kernel's sysfs (the knob
        // systemd's own tests use).
        script.push_str(&format!(
            "echo '@@@ {p}'\nSYSTEMD_DEVICE_VERIFY_SYSFS=0 {udevadm} test --action=add {p} 2>&1 || echo '@@@ FAILED'\n",
            p = d.syspath
        ));
    }
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .output()
        .expect("running unshare (util-linux)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && !text.contains("@@@ FAILED"),
        "simulation failed: {}\n{text}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut parts = text.split("@@@ ").skip(1);
    devices
        .iter()
        .map(|d| {
            let part = parts.next().expect("one report per device");
            let mut lines = part.lines();
            assert_eq!(lines.next(), Some(d.syspath.as_str()));
            let log: Vec<String> = lines.map(str::to_string).collect();
            let props = log
                .iter()
                .filter_map(|l| l.split_once('='))
                .filter(|(k, _)| {
                    !k.is_empty() && k.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
                })
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let runs = log
                .iter()
                .filter_map(|l| l.strip_prefix("run: '"))
                .map(|r| r.trim_end_matches('\'').to_string())
                .collect();
            Outcome { log, props, runs }
        })
        .collect()
}

#[test]
fn udev_names_the_listed_adapters_and_only_those() {
    let adapters = readme_adapters();
    let mut devices: Vec<Device> = adapters
        .iter()
        .enumerate()
        .map(|(i, pair)| usb_tty(&format!("ttyUSB{i}"), pair, 0, i + 1, i))
        .collect();
    let n = adapters.len();
    // Not named: an unknown adapter, a dual adapter's second port, the Pi's PL011 when it is
    // not serial0 (Bluetooth's), the mini UART even as serial0.
    devices.push(usb_tty(&format!("ttyUSB{n}"), "1234:5678", 0, n + 1, n));
    devices.push(usb_tty(
        &format!("ttyUSB{}", n + 1),
        "0403:6010",
        1,
        n + 2,
        n + 1,
    ));
    devices.push(board_tty("ttyAMA0", 204, 64));
    devices.push(board_tty("ttyAMA1", 204, 65));
    devices.push(board_tty("ttyS0", 4, 64));
    devices.push(led("ACT"));
    devices.push(gpiochip());
    let out = simulate(Path::new(RULES), &devices);

    for o in &out {
        let c = o.complaints("99-smdrbox.rules");
        assert!(c.is_empty(), "udev complained: {c:?}\n{:#?}", o.log);
    }
    for (pair, o) in adapters.iter().zip(&out) {
        assert!(o.named_smdr0(), "{pair} not named /dev/smdr0: {:#?}", o.log);
        assert!(
            o.prop("TAGS").is_some_and(|t| t.contains(":systemd:")),
            "{pair}: no systemd tag: {:?}",
            o.props
        );
        assert_eq!(o.prop("ID_MM_DEVICE_IGNORE"), Some("1"), "{pair}");
    }
    let rest = &out[n..];
    assert!(
        !rest[0].named_smdr0(),
        "unknown adapter named: {:?}",
        rest[0].props
    );
    assert!(
        !rest[1].named_smdr0(),
        "second port named: {:?}",
        rest[1].props
    );
    assert!(
        rest[2].named_smdr0(),
        "PL011 as serial0: {:#?}",
        rest[2].log
    );
    let mut links = rest[2].links();
    links.sort();
    assert_eq!(links, ["/dev/serial0", "/dev/smdr0"]);
    assert!(
        !rest[3].named_smdr0(),
        "PL011 not serial0: {:?}",
        rest[3].props
    );
    assert!(!rest[4].named_smdr0(), "mini UART: {:?}", rest[4].props);

    let leds = &rest[5];
    let p = "/sys/devices/platform/leds/leds/ACT";
    assert_eq!(
        leds.runs,
        [
            format!("/bin/chgrp smdrbox {p}/brightness {p}/trigger"),
            format!("/bin/chmod g+w {p}/brightness {p}/trigger"),
        ],
        "{:#?}",
        leds.log
    );
    let gpio = &rest[6];
    assert!(
        gpio.log.iter().any(|l| l.ends_with(" GROUP 995"))
            && gpio.log.iter().any(|l| l.ends_with(" MODE 0660")),
        "gpiochip0 not group gpio 0660: {:#?}",
        gpio.log
    );
}

/// The check above can fail: a broken rule is reported with its file and line.
#[test]
fn udev_reports_a_broken_rule() {
    let dir = tempfile::tempdir().unwrap();
    let broken: PathBuf = dir.path().join("broken.rules");
    let mut text = std::fs::read_to_string(RULES).unwrap();
    text.push_str("SUBSYSTEM==\"tty\", ATTR{idVendor}=\"0403\", SYMLNK+=\"smdr9\"\n");
    std::fs::write(&broken, text).unwrap();
    let out = simulate(&broken, &[board_tty("ttyS1", 4, 65)]);
    let c = out[0].complaints("99-smdrbox.rules");
    assert!(
        c.iter().any(|l| l.contains("SYMLNK")),
        "the misspelt key was not reported: {:#?}",
        out[0].log
    );
}
