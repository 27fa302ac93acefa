//! `smdrbox erlang`: line and operator sizing from the command line. The arithmetic is in
//! `core::erlang`; this module parses the arguments and words the answers for an office
//! manager (text) or a program (`--json`).

use crate::core::erlang::{self, Binding, QueueMetrics, StaffingTarget};
use anyhow::{bail, Result};
use serde_json::json;

#[derive(clap::Args, Debug)]
#[command(
    about = "Size lines and operators with Erlang B and C (traffic in Erlangs, times in seconds)"
)]
pub struct ErlangArgs {
    #[command(subcommand)]
    pub command: ErlangCommand,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum ErlangCommand {
    /// Erlang B: the share of calls that find all lines busy.
    B {
        /// Lines (trunks, channels).
        #[arg(long)]
        lines: u32,
        /// Offered traffic in Erlangs (busy-hour average of lines that would be in use).
        #[arg(long, allow_negative_numbers = true)]
        traffic: f64,
    },
    /// Lines needed so that at most a share of calls find all lines busy.
    Lines {
        /// Offered traffic in Erlangs.
        #[arg(long, allow_negative_numbers = true)]
        traffic: f64,
        /// Acceptable share of blocked calls (0.01 = 1 call in 100).
        #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
        blocking: f64,
    },
    /// The most traffic a number of lines takes at a given blocking.
    Traffic {
        #[arg(long)]
        lines: u32,
        /// Acceptable share of blocked calls (0.01 = 1 call in 100).
        #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
        blocking: f64,
        /// Mean call duration in seconds, to also say it in calls per hour.
        #[arg(long, allow_negative_numbers = true)]
        aht: Option<f64>,
    },
    /// Erlang C: waiting and service level for a number of operators.
    C {
        /// Operators (agents) answering.
        #[arg(long)]
        agents: u32,
        #[command(flatten)]
        load: Load,
        /// Average handling time per call in seconds (talk + hold + wrap-up).
        #[arg(long, allow_negative_numbers = true)]
        aht: f64,
        /// Service-level threshold: "answered within this many seconds".
        #[arg(long, default_value_t = 20.0, allow_negative_numbers = true)]
        target_secs: f64,
    },
    /// Operators needed for a service level (Erlang C).
    Agents {
        #[command(flatten)]
        load: Load,
        /// Average handling time per call in seconds (talk + hold + wrap-up).
        #[arg(long, allow_negative_numbers = true)]
        aht: f64,
        /// Service-level threshold: "answered within this many seconds".
        #[arg(long, default_value_t = 20.0, allow_negative_numbers = true)]
        target_secs: f64,
        /// Share of calls to answer within --target-secs (0.8 = 80%).
        #[arg(long, default_value_t = 0.8, allow_negative_numbers = true)]
        service_level: f64,
        /// Keep operators busy at most this share of the time (e.g. 0.85).
        #[arg(long, allow_negative_numbers = true)]
        max_occupancy: Option<f64>,
        /// Keep the average wait over all calls at most this many seconds.
        #[arg(long, allow_negative_numbers = true)]
        max_asa: Option<f64>,
        /// Share of paid time away from the phones (breaks, meetings, absence), e.g. 0.3.
        #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
        shrinkage: f64,
    },
    /// Offered traffic and blocked calls estimated from the traffic the lines carried.
    Offered {
        /// Lines in the group (the real bottleneck: channels, licences, trunks).
        #[arg(long)]
        lines: u32,
        /// Measured carried traffic in Erlangs (busy-hour average of busy lines).
        #[arg(long, allow_negative_numbers = true)]
        carried: f64,
        /// Mean call duration in seconds, to also say it in calls per hour.
        #[arg(long, allow_negative_numbers = true)]
        aht: Option<f64>,
    },
}

/// The offered load, in Erlangs or in calls per hour (then Erlangs = calls × AHT / 3600).
#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
pub struct Load {
    /// Offered traffic in Erlangs.
    #[arg(long, allow_negative_numbers = true)]
    pub traffic: Option<f64>,
    /// Offered calls per hour (with --aht gives the traffic).
    #[arg(long, allow_negative_numbers = true)]
    pub calls_per_hour: Option<f64>,
}

impl Load {
    fn erlangs(&self, aht: f64) -> Result<f64> {
        check_aht(aht)?;
        match (self.traffic, self.calls_per_hour) {
            (Some(a), _) => Ok(a),
            (None, Some(c)) => {
                if !c.is_finite() || c < 0.0 {
                    bail!("calls per hour must be a number, 0 or more; got {c}");
                }
                Ok(c * aht / 3600.0)
            }
            (None, None) => bail!("give --traffic or --calls-per-hour"),
        }
    }
}

fn check_aht(aht: f64) -> Result<()> {
    if !(aht.is_finite() && aht > 0.0) {
        bail!("average handling time (--aht) must be a number of seconds above 0; got {aht}");
    }
    Ok(())
}

/// Runs one `erlang` subcommand and returns what to print (text or JSON, newline-terminated).
/// Refusals (invalid input, understaffed, unreliable estimate) are errors with the reason.
pub fn run(args: &ErlangArgs) -> Result<String> {
    let json = args.json;
    let out = match &args.command {
        ErlangCommand::B { lines, traffic } => b(*lines, *traffic, json)?,
        ErlangCommand::Lines { traffic, blocking } => lines(*traffic, *blocking, json)?,
        ErlangCommand::Traffic {
            lines,
            blocking,
            aht,
        } => traffic(*lines, *blocking, *aht, json)?,
        ErlangCommand::C {
            agents,
            load,
            aht,
            target_secs,
        } => c(*agents, load.erlangs(*aht)?, *aht, *target_secs, json)?,
        ErlangCommand::Agents {
            load,
            aht,
            target_secs,
            service_level,
            max_occupancy,
            max_asa,
            shrinkage,
        } => {
            let target = StaffingTarget {
                service_level: *service_level,
                target_secs: *target_secs,
                max_occupancy: *max_occupancy,
                max_asa_secs: *max_asa,
            };
            agents(load.erlangs(*aht)?, *aht, &target, *shrinkage, json)?
        }
        ErlangCommand::Offered {
            lines,
            carried,
            aht,
        } => offered(*lines, *carried, *aht, json)?,
    };
    Ok(out)
}

fn to_json(v: serde_json::Value) -> String {
    // `{:#}` pretty-prints a JSON value and cannot fail.
    format!("{v:#}\n")
}

/// A number with at most `decimals` decimals, trailing zeros dropped: 10, 8.108, 9.39.
fn num(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        if t == "-0" {
            "0".into()
        } else {
            t.into()
        }
    } else {
        s
    }
}

/// Erlangs, to 3 decimals: "10 E", "8.108 E".
fn erl(x: f64) -> String {
    format!("{} E", num(x, 3))
}

/// A share as a percentage a manager reads: "88.8%", "0.98%", "under 0.01%".
fn pct(x: f64) -> String {
    if x == 0.0 {
        "0%".into()
    } else if x < 0.0001 {
        "under 0.01%".into()
    } else if x < 0.1 {
        format!("{}%", num(100.0 * x, 2))
    } else if x > 0.999 && x < 1.0 {
        "over 99.9%".into()
    } else {
        format!("{}%", num(100.0 * x, 1))
    }
}

/// "about 1 call in 100", for shares small enough that it reads well.
fn one_in(x: f64) -> Option<String> {
    if x > 0.0 && x <= 0.4 && 1.0 / x < 1e9 {
        Some(format!("about 1 call in {}", num((1.0 / x).round(), 0)))
    } else {
        None
    }
}

fn secs(x: f64) -> String {
    if x.is_infinite() {
        "without end".into()
    } else if x < 10.0 {
        format!("{} s", num(x, 1))
    } else if x < 120.0 {
        format!("{} s", num(x.round(), 0))
    } else {
        format!("{} min", num(x / 60.0, 1))
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

const B_ASSUMES: &str = "(Erlang B: random calls; a caller who finds all lines busy is lost and does not retry at once.)";

fn b(n: u32, a: f64, json: bool) -> Result<String> {
    let blocking = erlang::erlang_b(n, a)?;
    let carried = erlang::carried_traffic(n, a)?;
    let lost = a - carried;
    if json {
        return Ok(to_json(json!({
            "model": "erlang_b",
            "lines": n,
            "traffic": a,
            "blocking": blocking,
            "carried": carried,
            "lost": lost,
        })));
    }
    let mut s = format!(
        "{} offered {} of traffic:\n",
        plural(n, "line", "lines"),
        erl(a)
    );
    let all = if n == 1 { "the line" } else { "all lines" };
    s += &format!(
        "  {} of calls find {all} busy{}\n",
        pct(blocking),
        one_in(blocking)
            .map(|x| format!(" ({x})"))
            .unwrap_or_default()
    );
    let per_line = if n == 0 { 0.0 } else { carried / f64::from(n) };
    s += &format!(
        "  {} carried: on average {} lines in use, each busy {} of the time\n",
        erl(carried),
        num(carried, 1),
        pct(per_line)
    );
    s += &format!("  {} lost to busy lines\n", erl(lost));
    s += B_ASSUMES;
    s.push('\n');
    Ok(s)
}

fn lines(a: f64, p: f64, json: bool) -> Result<String> {
    let n = erlang::lines_for_blocking(a, p)?;
    let got = if n == 0 { 0.0 } else { erlang::erlang_b(n, a)? };
    let one_fewer = match n {
        0 => None,
        _ => Some(erlang::erlang_b(n - 1, a)?),
    };
    if json {
        return Ok(to_json(json!({
            "model": "erlang_b",
            "traffic": a,
            "blocking_target": p,
            "lines": n,
            "blocking": got,
            "blocking_with_one_fewer": one_fewer,
        })));
    }
    let mut s = format!(
        "{} of offered traffic needs {} so that at most {} of calls find all lines busy:\n",
        erl(a),
        plural(n, "line", "lines"),
        pct(p)
    );
    if n > 0 {
        s += &format!(
            "  with {}, {} of calls find all lines busy\n",
            plural(n, "line", "lines"),
            pct(got)
        );
    }
    if let Some(f) = one_fewer {
        s += &format!(
            "  with {}, {} would\n",
            plural(n - 1, "line", "lines"),
            pct(f)
        );
    }
    s += B_ASSUMES;
    s.push('\n');
    Ok(s)
}

fn traffic(n: u32, p: f64, aht: Option<f64>, json: bool) -> Result<String> {
    if let Some(h) = aht {
        check_aht(h)?;
    }
    let a = erlang::traffic_for_lines(n, p)?;
    let calls = aht.map(|h| a * 3600.0 / h);
    if json {
        return Ok(to_json(json!({
            "model": "erlang_b",
            "lines": n,
            "blocking": p,
            "traffic": a,
            "aht_secs": aht,
            "calls_per_hour": calls,
        })));
    }
    let mut s = format!(
        "{} take at most {} of offered traffic with no more than {} of calls finding all lines busy\n",
        plural(n, "line", "lines"),
        erl(a),
        pct(p)
    );
    if let (Some(c), Some(h)) = (calls, aht) {
        s += &format!(
            "  that is {} calls an hour of {} each\n",
            num(c, 1),
            secs(h)
        );
    }
    s += B_ASSUMES;
    s.push('\n');
    Ok(s)
}

fn understaffed(a: f64, n: u32) -> Result<anyhow::Error> {
    let min = erlang::min_stable_agents(a)?;
    Ok(anyhow::anyhow!(
        "understaffed: {} of traffic needs at least {} (with {} the queue grows without end; \
         `smdrbox erlang agents` finds the number for a service level)",
        erl(a),
        plural(min, "agent", "agents"),
        plural(n, "agent", "agents")
    ))
}

fn metrics_json(m: &QueueMetrics) -> serde_json::Value {
    json!({
        "agents": m.agents,
        "traffic": m.traffic,
        "calls_per_hour": m.traffic * 3600.0 / m.aht_secs,
        "aht_secs": m.aht_secs,
        "target_secs": m.target_secs,
        "p_wait": m.p_wait,
        "service_level": m.service_level,
        "asa_secs": m.asa_secs,
        "wait_of_waiting_secs": m.wait_of_waiting_secs,
        "queue_len": m.queue_len,
        "occupancy": m.occupancy,
    })
}

fn metrics_text(m: &QueueMetrics) -> String {
    let mut s = format!(
        "  {} of calls are answered within {} (service level)\n",
        pct(m.service_level),
        secs(m.target_secs)
    );
    s += &format!(
        "  {} of calls wait at all; {} are answered at once\n",
        pct(m.p_wait),
        pct(1.0 - m.p_wait)
    );
    s += &format!(
        "  average wait {} over all calls ({} for those who wait)\n",
        secs(m.asa_secs),
        secs(m.wait_of_waiting_secs)
    );
    s += &format!(
        "  on average {} callers waiting in the queue\n",
        num(m.queue_len, 2)
    );
    s += &format!(
        "  operators busy {} of the time (occupancy)\n",
        pct(m.occupancy)
    );
    s
}

fn load_text(a: f64, aht: f64) -> String {
    format!(
        "{} ({} calls an hour of {})",
        erl(a),
        num(a * 3600.0 / aht, 1),
        secs(aht)
    )
}

const C_ASSUMES: &str =
    "(Erlang C: random calls, callers wait in one queue and never hang up; real queues with hang-ups do a little better.)";

fn c(n: u32, a: f64, aht: f64, t: f64, json: bool) -> Result<String> {
    let m = erlang::queue_metrics(n, a, aht, t)?;
    if m.understaffed {
        return Err(understaffed(a, n)?);
    }
    if json {
        let mut v = metrics_json(&m);
        v["model"] = json!("erlang_c");
        return Ok(to_json(v));
    }
    let mut s = format!(
        "With {} taking {}:\n",
        plural(n, "operator", "operators"),
        load_text(a, aht)
    );
    s += &metrics_text(&m);
    s += C_ASSUMES;
    s.push('\n');
    Ok(s)
}

fn agents(a: f64, aht: f64, target: &StaffingTarget, shrinkage: f64, json: bool) -> Result<String> {
    let plan = erlang::staffing(a, aht, target)?;
    let positions = erlang::positions_with_shrinkage(plan.agents, shrinkage)?;
    let one_fewer = match plan.agents {
        0 => None,
        n => Some(erlang::queue_metrics(n - 1, a, aht, target.target_secs)?),
    };
    if json {
        return Ok(to_json(json!({
            "model": "erlang_c",
            "traffic": a,
            "calls_per_hour": a * 3600.0 / aht,
            "aht_secs": aht,
            "target": target,
            "shrinkage": shrinkage,
            "agents": plan.agents,
            "agents_for_service_level": plan.agents_for_service_level,
            "limited_by": plan.limited_by,
            "positions": positions,
            "metrics": metrics_json(&plan.metrics),
        })));
    }
    let mut s = format!(
        "Traffic of {} needs {} on the phones for {} of calls answered within {}",
        load_text(a, aht),
        plural(plan.agents, "operator", "operators"),
        pct(target.service_level),
        secs(target.target_secs)
    );
    let mut caps = Vec::new();
    if let Some(o) = target.max_occupancy {
        caps.push(format!("operators busy at most {}", pct(o)));
    }
    if let Some(w) = target.max_asa_secs {
        caps.push(format!("average wait at most {}", secs(w)));
    }
    if !caps.is_empty() {
        s += &format!(", {}", caps.join(", "));
    }
    s += ":\n";
    if plan.limited_by == Binding::NoTraffic {
        s += "  no traffic, no operators needed\n";
        return Ok(s);
    }
    match plan.limited_by {
        Binding::Occupancy => {
            s += &format!(
                "  the service level alone needs {}; the occupancy cap needs more\n",
                plan.agents_for_service_level
            )
        }
        Binding::Asa => {
            s += &format!(
                "  the service level alone needs {}; the average-wait cap needs more\n",
                plan.agents_for_service_level
            )
        }
        _ => {}
    }
    s += &format!("with {}:\n", plural(plan.agents, "operator", "operators"));
    s += &metrics_text(&plan.metrics);
    if let Some(m) = one_fewer {
        if m.understaffed {
            s += &format!(
                "with {}: understaffed, the queue grows without end\n",
                m.agents
            );
        } else {
            s += &format!(
                "with {}: {} answered within {}, average wait {}, operators busy {}\n",
                m.agents,
                pct(m.service_level),
                secs(m.target_secs),
                secs(m.asa_secs),
                pct(m.occupancy)
            );
        }
    }
    if shrinkage > 0.0 {
        s += &format!(
            "with {} of paid time off the phones (breaks, meetings, absence), roster {}\n",
            pct(shrinkage),
            plural(positions, "person", "people")
        );
    }
    s += C_ASSUMES;
    s.push('\n');
    Ok(s)
}

fn offered(n: u32, y: f64, aht: Option<f64>, json: bool) -> Result<String> {
    if let Some(h) = aht {
        check_aht(h)?;
    }
    let on = format!("{} carried on {}", erl(y), plural(n, "line", "lines"));
    let Some(e) = erlang::offered_from_carried(n, y)? else {
        if y > f64::from(n) {
            bail!(
                "refused: {on} is impossible (more than every line busy all the time); check the \
                 number of lines"
            );
        }
        bail!(
            "refused: {on} means every line was busy all the time, so the offered traffic \
             cannot be estimated from it (it could be any amount above {}); measure how often all \
             lines are busy instead",
            erl(f64::from(n))
        );
    };
    if !e.reliable {
        let range = match erlang::offered_range(n, y, 0.01) {
            Ok((lo, Some(hi))) => format!(
                "; a 1% error in the carried traffic moves the estimate from {} to {}",
                erl(lo),
                erl(hi)
            ),
            Ok((lo, None)) => format!(
                "; a 1% error in the carried traffic moves the estimate from {} to no limit",
                erl(lo)
            ),
            Err(_) => String::new(),
        };
        bail!(
            "refused: {on} is {} load; above {} the estimate of offered traffic is unreliable{range}; \
             measure how often all lines are busy instead (time congestion)",
            pct(e.load),
            pct(erlang::RELIABLE_LOAD)
        );
    }
    let lost_calls = aht.map(|h| e.lost * 3600.0 / h);
    if json {
        return Ok(to_json(json!({
            "model": "erlang_b",
            "lines": e.lines,
            "carried": e.carried,
            "offered": e.offered,
            "lost": e.lost,
            "blocking": e.blocking,
            "load": e.load,
            "reliable": e.reliable,
            "aht_secs": aht,
            "lost_attempts_per_hour": lost_calls,
        })));
    }
    let mut s = format!(
        "{on} ({} load) imply about {} offered:\n",
        pct(e.load),
        erl(e.offered)
    );
    s += &format!(
        "  {} of call attempts found all lines busy{}\n",
        pct(e.blocking),
        one_in(e.blocking)
            .map(|x| format!(" ({x})"))
            .unwrap_or_default()
    );
    s += &format!("  {} of traffic lost", erl(e.lost));
    if let (Some(c), Some(h)) = (lost_calls, aht) {
        s += &format!(
            ", about {} attempts an hour at {} per call",
            num(c, 1),
            secs(h)
        );
    }
    s += "\n";
    s += "Caveats: callers who find the lines busy usually redial, so lost attempts overcount \
          lost callers; the estimate assumes random calls and that the lines counted are the real \
          bottleneck (channels, licences); SMDR that logs from answer under-measures the carried \
          traffic.\n";
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(10.0, 3), "10");
        assert_eq!(num(8.1079, 3), "8.108");
        assert_eq!(num(9.3901, 3), "9.39");
        assert_eq!(num(-0.0001, 3), "0");
        assert_eq!(pct(0.888_4), "88.8%");
        assert_eq!(pct(0.009_79), "0.98%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(1e-7), "under 0.01%");
        assert_eq!(pct(0.999_9), "over 99.9%");
        assert_eq!(pct(1.0), "100%");
        assert_eq!(pct(0.8), "80%");
        assert_eq!(pct(0.01), "1%");
        assert_eq!(pct(0.011), "1.1%");
        assert_eq!(pct(0.714_28), "71.4%");
        assert_eq!(one_in(0.01).as_deref(), Some("about 1 call in 100"));
        assert_eq!(one_in(0.6), None);
        assert_eq!(secs(7.83), "7.8 s");
        assert_eq!(secs(45.0), "45 s");
        assert_eq!(secs(180.0), "3 min");
        assert_eq!(secs(f64::INFINITY), "without end");
    }
}
