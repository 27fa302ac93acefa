//! `smdrbox erlang`: the real binary, every subcommand, text and JSON, and its refusals.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_smdrbox");

/// Runs `smdrbox erlang ARGS...`: (exit code, stdout, stderr).
fn erlang(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .arg("erlang")
        .args(args)
        .env("RUST_LOG", "off")
        .output()
        .expect("run smdrbox");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs with `--json`, expects success, returns the parsed object.
fn erlang_json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    let (code, out, err) = erlang(&all);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// Runs and expects success; returns stdout.
fn erlang_ok(args: &[&str]) -> String {
    let (code, out, err) = erlang(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    assert!(err.is_empty(), "{args:?}: {err}");
    out
}

/// Runs and expects a refusal: exit 1, nothing on stdout; returns stderr.
fn erlang_refused(args: &[&str]) -> String {
    let (code, out, err) = erlang(args);
    assert_eq!(code, 1, "{args:?}: {out} {err}");
    assert!(out.is_empty(), "{args:?}: {out}");
    assert!(err.starts_with("smdrbox: "), "{args:?}: {err}");
    err
}

fn f(v: &serde_json::Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} in {v}"))
}

fn near(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= tol
}

#[test]
fn b_text_and_json() {
    let out = erlang_ok(&["b", "--lines", "15", "--traffic", "8.108"]);
    assert!(
        out.starts_with("15 lines offered 8.108 E of traffic:"),
        "{out}"
    );
    assert!(
        out.contains("1% of calls find all lines busy (about 1 call in 100)"),
        "{out}"
    );
    assert!(out.contains("8.027 E carried"), "{out}");
    assert!(out.contains("0.081 E lost to busy lines"), "{out}");

    let v = erlang_json(&["b", "--lines", "15", "--traffic", "8.108"]);
    assert_eq!(v["model"], "erlang_b");
    assert_eq!(v["lines"], 15);
    assert!(near(f(&v, "blocking"), 0.01, 1e-5), "{v}");
    assert!(near(f(&v, "carried") + f(&v, "lost"), 8.108, 1e-12), "{v}");

    // --json before the subcommand's options works too.
    let (code, out, _) = erlang(&["--json", "b", "--lines", "1", "--traffic", "1"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(f(&v, "blocking"), 0.5);
}

#[test]
fn lines_text_and_json() {
    let out = erlang_ok(&["lines", "--traffic", "100", "--blocking", "0.01"]);
    assert!(
        out.contains("100 E of offered traffic needs 117 lines"),
        "{out}"
    );
    assert!(out.contains("with 117 lines, 0.98% of calls"), "{out}");
    assert!(out.contains("with 116 lines, 1.16% would"), "{out}");

    for (a, want) in [
        ("10", 18),
        ("50", 64),
        ("180", 201),
        ("500", 527),
        ("1000", 1029),
    ] {
        let v = erlang_json(&["lines", "--traffic", a]);
        assert_eq!(v["lines"], want, "A={a}: {v}");
        assert!(f(&v, "blocking") <= 0.01 && f(&v, "blocking_with_one_fewer") > 0.01);
    }
}

#[test]
fn traffic_text_and_json() {
    let out = erlang_ok(&[
        "traffic",
        "--lines",
        "15",
        "--blocking",
        "0.01",
        "--aht",
        "180",
    ]);
    assert!(
        out.contains("15 lines take at most 8.108 E of offered traffic"),
        "{out}"
    );
    assert!(out.contains("162.2 calls an hour of 3 min each"), "{out}");

    let v = erlang_json(&["traffic", "--lines", "100", "--blocking", "0.01"]);
    assert!(near(f(&v, "traffic"), 84.064, 0.0005), "{v}");
    assert!(v["calls_per_hour"].is_null(), "{v}");
}

#[test]
fn c_text_and_json() {
    let args = [
        "c",
        "--agents",
        "14",
        "--traffic",
        "10",
        "--aht",
        "180",
        "--target-secs",
        "20",
    ];
    let out = erlang_ok(&args);
    assert!(
        out.starts_with("With 14 operators taking 10 E (200 calls an hour of 3 min):"),
        "{out}"
    );
    assert!(
        out.contains("88.8% of calls are answered within 20 s"),
        "{out}"
    );
    assert!(out.contains("17.4% of calls wait at all"), "{out}");
    assert!(out.contains("average wait 7.8 s over all calls"), "{out}");
    assert!(out.contains("operators busy 71.4% of the time"), "{out}");

    let v = erlang_json(&args);
    assert_eq!(v["model"], "erlang_c");
    assert!(near(f(&v, "service_level"), 0.8884, 5e-5), "{v}");
    assert!(near(f(&v, "p_wait"), 0.1741, 5e-5), "{v}");
    assert!(near(f(&v, "occupancy"), 0.714, 5e-4), "{v}");

    // The same load given as calls per hour.
    let v2 = erlang_json(&[
        "c",
        "--agents",
        "14",
        "--calls-per-hour",
        "200",
        "--aht",
        "180",
    ]);
    assert_eq!(v["service_level"], v2["service_level"]);
}

#[test]
fn c_refuses_understaffed() {
    for agents in ["10", "9", "0"] {
        let err = erlang_refused(&["c", "--agents", agents, "--traffic", "10", "--aht", "180"]);
        assert!(
            err.contains("understaffed: 10 E of traffic needs at least 11 agents"),
            "{err}"
        );
    }
    // --json refuses the same way.
    let err = erlang_refused(&[
        "c",
        "--agents",
        "10",
        "--traffic",
        "10",
        "--aht",
        "180",
        "--json",
    ]);
    assert!(err.contains("understaffed"), "{err}");
}

#[test]
fn agents_text_and_json() {
    let args = [
        "agents",
        "--calls-per-hour",
        "200",
        "--aht",
        "180",
        "--target-secs",
        "20",
        "--service-level",
        "0.8",
        "--shrinkage",
        "0.3",
    ];
    let out = erlang_ok(&args);
    assert!(
        out.contains("needs 14 operators on the phones for 80% of calls answered within 20 s"),
        "{out}"
    );
    assert!(
        out.contains("88.8% of calls are answered within 20 s"),
        "{out}"
    );
    assert!(out.contains("with 13: 79.6% answered within 20 s"), "{out}");
    assert!(out.contains("roster 20 people"), "{out}");

    let v = erlang_json(&args);
    assert_eq!(v["agents"], 14);
    assert_eq!(v["positions"], 20);
    assert_eq!(v["limited_by"], "service_level");
    assert!(near(f(&v["metrics"], "service_level"), 0.8884, 5e-5), "{v}");

    // A tight occupancy cap needs more operators than the service level alone.
    let mut capped = args.to_vec();
    capped.extend(["--max-occupancy", "0.65"]);
    let out = erlang_ok(&capped);
    assert!(out.contains("needs 16 operators"), "{out}");
    assert!(
        out.contains("the service level alone needs 14; the occupancy cap needs more"),
        "{out}"
    );
    let v = erlang_json(&capped);
    assert_eq!(v["agents"], 16);
    assert_eq!(v["agents_for_service_level"], 14);
    assert_eq!(v["limited_by"], "occupancy");
    assert_eq!(v["positions"], 23);
}

#[test]
fn offered_text_and_json() {
    let out = erlang_ok(&[
        "offered",
        "--lines",
        "4",
        "--carried",
        "3.5",
        "--aht",
        "180",
    ]);
    assert!(
        out.contains("3.5 E carried on 4 lines (87.5% load) imply about 9.394 E offered"),
        "{out}"
    );
    assert!(
        out.contains("62.7% of call attempts found all lines busy"),
        "{out}"
    );
    assert!(
        out.contains("Caveats: callers who find the lines busy usually redial"),
        "{out}"
    );

    let v = erlang_json(&["offered", "--lines", "10", "--carried", "7"]);
    assert!(near(f(&v, "offered"), 7.95, 0.005), "{v}");
    assert!(near(f(&v, "blocking"), 0.119, 0.0005), "{v}");
    assert!(near(f(&v, "lost"), f(&v, "offered") - 7.0, 1e-9), "{v}");
    assert_eq!(v["reliable"], true);
}

#[test]
fn offered_refuses_near_and_at_saturation() {
    let err = erlang_refused(&["offered", "--lines", "60", "--carried", "59"]);
    assert!(
        err.contains("refused: 59 E carried on 60 lines is 98.3% load; above 95% the estimate of offered traffic is unreliable"),
        "{err}"
    );
    assert!(
        err.contains("a 1% error in the carried traffic moves the estimate"),
        "{err}"
    );
    let err = erlang_refused(&["offered", "--lines", "60", "--carried", "59", "--json"]);
    assert!(err.contains("unreliable"), "{err}");

    let err = erlang_refused(&["offered", "--lines", "4", "--carried", "4"]);
    assert!(err.contains("every line was busy all the time"), "{err}");
    let err = erlang_refused(&["offered", "--lines", "4", "--carried", "5"]);
    assert!(err.contains("is impossible"), "{err}");
}

#[test]
fn invalid_input_is_refused_with_the_reason() {
    let err = erlang_refused(&["b", "--lines", "5", "--traffic", "-1"]);
    assert!(
        err.contains("traffic must be a number of Erlangs, 0 or more; got -1"),
        "{err}"
    );
    let err = erlang_refused(&["b", "--lines", "5", "--traffic", "NaN"]);
    assert!(err.contains("got NaN"), "{err}");
    let err = erlang_refused(&["lines", "--traffic", "10", "--blocking", "1.5"]);
    assert!(
        err.contains("blocking must be strictly between 0 and 1; got 1.5"),
        "{err}"
    );
    let err = erlang_refused(&["traffic", "--lines", "10", "--blocking", "0"]);
    assert!(err.contains("strictly between 0 and 1"), "{err}");
    let err = erlang_refused(&["c", "--agents", "14", "--traffic", "10", "--aht", "0"]);
    assert!(err.contains("--aht"), "{err}");
    let err = erlang_refused(&[
        "agents",
        "--traffic",
        "10",
        "--aht",
        "180",
        "--shrinkage",
        "1",
    ]);
    assert!(
        err.contains("shrinkage must be 0 or more and less than 1"),
        "{err}"
    );
    let err = erlang_refused(&[
        "agents",
        "--traffic",
        "10",
        "--aht",
        "180",
        "--max-occupancy",
        "1.2",
    ]);
    assert!(err.contains("maximum occupancy"), "{err}");

    // clap's own usage errors (exit 2): a load is required, and only one.
    let (code, _, err) = erlang(&["c", "--agents", "14", "--aht", "180"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = erlang(&[
        "c",
        "--agents",
        "14",
        "--traffic",
        "10",
        "--calls-per-hour",
        "200",
        "--aht",
        "180",
    ]);
    assert_eq!(code, 2, "{err}");
}
