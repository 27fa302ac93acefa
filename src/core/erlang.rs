//! Erlang B and Erlang C: how many lines and operators an office needs (pure: numbers in,
//! numbers out; no I/O, no clock).
//!
//! The formulas, their sources and the worked examples are in `../shared/analytics.md`:
//! §1 (offered, carried and lost traffic), §3 (Erlang B), §4 (Erlang C), §6 (inverse problems)
//! and §8 (offered traffic estimated from the carried traffic of a congested trunk group).
//!
//! Numerics: Erlang B is computed only by the forward recursion
//! `B(k) = A·B(k−1) / (k + A·B(k−1))`, whose every step stays in `[0, 1]`; there are no
//! factorials and no powers, so thousands of servers and thousands of Erlangs neither overflow
//! nor lose precision (relative error grows like N·ε). Erlang C is derived from B. Inverse
//! problems run the same recursion upward (O(N) in all) or bisect a monotone function.
//!
//! Every function validates its inputs and returns [`ErlangError`] instead of panicking.
//! Traffic is in Erlangs, times in seconds.

use serde::Serialize;
use thiserror::Error;

/// The largest number of servers (lines or agents) the functions accept or search up to.
pub const MAX_SERVERS: u32 = 1_000_000;
/// The largest offered or carried traffic, in Erlangs, the functions accept.
pub const MAX_TRAFFIC: f64 = 1_000_000.0;
/// Above this load (carried traffic / lines), the §8 estimate of offered traffic is flagged
/// unreliable: near saturation a small error in the carried traffic swings it a lot.
pub const RELIABLE_LOAD: f64 = 0.95;
/// Offered traffic beyond this is treated as "no finite estimate" by [`offered_from_carried`].
const MAX_OFFERED: f64 = 1e12;
/// Relative tolerance of the bisections.
const REL_TOL: f64 = 1e-12;

/// Why a calculation was refused.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ErlangError {
    #[error("traffic must be a number of Erlangs, 0 or more; got {0}")]
    InvalidTraffic(f64),
    #[error("traffic of {0} E is more than this calculator handles (at most {MAX_TRAFFIC} E)")]
    TrafficTooLarge(f64),
    #[error("{0} servers is more than this calculator handles (at most {MAX_SERVERS})")]
    TooManyServers(u32),
    #[error("{what} must be strictly between 0 and 1; got {value}")]
    InvalidProbability { what: &'static str, value: f64 },
    #[error("{what} must be a number of seconds{}; got {value}", seconds_rule(*.allow_zero))]
    InvalidSeconds {
        what: &'static str,
        value: f64,
        allow_zero: bool,
    },
    #[error("maximum occupancy must be above 0 and at most 1; got {0}")]
    InvalidOccupancy(f64),
    #[error("shrinkage must be 0 or more and less than 1; got {0}")]
    InvalidShrinkage(f64),
    #[error("no number of servers up to {MAX_SERVERS} meets the target")]
    NoSolution,
}

fn seconds_rule(allow_zero: bool) -> &'static str {
    if allow_zero {
        ", 0 or more"
    } else {
        " above 0"
    }
}

type Result<T> = std::result::Result<T, ErlangError>;

fn check_traffic(a: f64) -> Result<()> {
    if !a.is_finite() || a < 0.0 {
        return Err(ErlangError::InvalidTraffic(a));
    }
    if a > MAX_TRAFFIC {
        return Err(ErlangError::TrafficTooLarge(a));
    }
    Ok(())
}

fn check_servers(n: u32) -> Result<()> {
    if n > MAX_SERVERS {
        return Err(ErlangError::TooManyServers(n));
    }
    Ok(())
}

fn check_probability(what: &'static str, p: f64) -> Result<()> {
    if !(p > 0.0 && p < 1.0) {
        return Err(ErlangError::InvalidProbability { what, value: p });
    }
    Ok(())
}

fn check_seconds(what: &'static str, v: f64, allow_zero: bool) -> Result<()> {
    let ok = v.is_finite() && if allow_zero { v >= 0.0 } else { v > 0.0 };
    if !ok {
        return Err(ErlangError::InvalidSeconds {
            what,
            value: v,
            allow_zero,
        });
    }
    Ok(())
}

/// One step of the forward recursion: B(k) from B(k−1).
#[inline]
fn b_step(k: u32, a: f64, prev: f64) -> f64 {
    let x = a * prev;
    x / (f64::from(k) + x)
}

/// B(n, a) for validated inputs.
fn b_raw(n: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=n {
        b = b_step(k, a, b);
    }
    b
}

/// Erlang C from B(n, a), for a < n.
#[inline]
fn c_from_b(n: u32, a: f64, b: f64) -> f64 {
    let n = f64::from(n);
    (n * b / (n - a * (1.0 - b))).clamp(0.0, 1.0)
}

/// Erlang B: the probability that a call offered `a` Erlangs finds all `n` lines busy
/// (M/M/N/N, blocked calls cleared). B(0, A) = 1; B(N, 0) = 0 for N ≥ 1; B(1, A) = A/(1+A).
pub fn erlang_b(n: u32, a: f64) -> Result<f64> {
    check_servers(n)?;
    check_traffic(a)?;
    Ok(b_raw(n, a))
}

/// Carried traffic of `n` lines offered `a` Erlangs: Y = A·(1 − B(N, A)), the average number
/// of busy lines. Computed as A·N / (N + A·B(N−1, A)), which avoids the cancellation in
/// 1 − B when B is close to 1.
pub fn carried_traffic(n: u32, a: f64) -> Result<f64> {
    check_servers(n)?;
    check_traffic(a)?;
    Ok(carried_raw(n, a))
}

fn carried_raw(n: u32, a: f64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let prev = b_raw(n - 1, a);
    let nf = f64::from(n);
    a * nf / (nf + a * prev)
}

/// Erlang C: the probability that a call waits at all (M/M/N, no abandonment), computed as
/// C = N·B / (N − A·(1 − B)). When A ≥ N the queue grows without end: this returns 1.0 (the
/// limit as A → N from below) and callers must report "understaffed" rather than a number.
pub fn erlang_c(n: u32, a: f64) -> Result<f64> {
    check_servers(n)?;
    check_traffic(a)?;
    if a >= f64::from(n) {
        return Ok(1.0);
    }
    Ok(c_from_b(n, a, b_raw(n, a)))
}

/// Service level: the share of calls answered within `t_secs`,
/// SL = 1 − C·exp(−(N − A)·T / h) with h = `aht_secs`. 0.0 when A ≥ N (understaffed).
pub fn service_level(n: u32, a: f64, aht_secs: f64, t_secs: f64) -> Result<f64> {
    check_seconds("average handling time", aht_secs, false)?;
    check_seconds("answer target", t_secs, true)?;
    let c = erlang_c(n, a)?;
    if a >= f64::from(n) {
        return Ok(0.0);
    }
    Ok(sl_from_c(n, a, aht_secs, t_secs, c))
}

fn sl_from_c(n: u32, a: f64, aht: f64, t: f64, c: f64) -> f64 {
    (1.0 - c * (-(f64::from(n) - a) * t / aht).exp()).clamp(0.0, 1.0)
}

/// Average speed of answer: the mean wait over all calls (those answered at once count as 0),
/// ASA = C·h / (N − A). `f64::INFINITY` when A ≥ N (understaffed).
pub fn asa(n: u32, a: f64, aht_secs: f64) -> Result<f64> {
    check_seconds("average handling time", aht_secs, false)?;
    let c = erlang_c(n, a)?;
    if a >= f64::from(n) {
        return Ok(f64::INFINITY);
    }
    Ok(c * aht_secs / (f64::from(n) - a))
}

/// Occupancy: the share of time an agent is busy, ρ = A/N, capped at 1.0 (when A ≥ N the
/// agents are busy all the time and the queue grows). With no agents: 0.0 if there is no
/// traffic, else 1.0.
pub fn occupancy(n: u32, a: f64) -> Result<f64> {
    check_servers(n)?;
    check_traffic(a)?;
    if n == 0 {
        return Ok(if a > 0.0 { 1.0 } else { 0.0 });
    }
    Ok((a / f64::from(n)).min(1.0))
}

/// Everything Erlang C says about `agents` answering `traffic` Erlangs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QueueMetrics {
    pub agents: u32,
    /// Offered traffic, Erlangs.
    pub traffic: f64,
    pub aht_secs: f64,
    /// The service-level threshold T, seconds.
    pub target_secs: f64,
    /// True when traffic ≥ agents: the queue grows without end and the numbers below are the
    /// limits (P(wait) 1, SL 0, ASA ∞, occupancy 1); report "understaffed" instead.
    pub understaffed: bool,
    /// Probability that a call waits at all (Erlang C).
    pub p_wait: f64,
    /// Share of calls answered within `target_secs`.
    pub service_level: f64,
    /// Mean wait over all calls, seconds (∞ when understaffed; JSON null).
    pub asa_secs: f64,
    /// Mean wait of the calls that wait, seconds: h / (N − A).
    pub wait_of_waiting_secs: f64,
    /// Mean number of callers waiting: Lq = C·A / (N − A).
    pub queue_len: f64,
    /// Share of time an agent is busy.
    pub occupancy: f64,
}

/// Erlang C metrics for `n` agents, `a` Erlangs, handling time `aht_secs`, threshold `t_secs`.
pub fn queue_metrics(n: u32, a: f64, aht_secs: f64, t_secs: f64) -> Result<QueueMetrics> {
    check_servers(n)?;
    check_traffic(a)?;
    check_seconds("average handling time", aht_secs, false)?;
    check_seconds("answer target", t_secs, true)?;
    if a >= f64::from(n) {
        return Ok(QueueMetrics {
            agents: n,
            traffic: a,
            aht_secs,
            target_secs: t_secs,
            understaffed: true,
            p_wait: 1.0,
            service_level: 0.0,
            asa_secs: f64::INFINITY,
            wait_of_waiting_secs: f64::INFINITY,
            queue_len: f64::INFINITY,
            occupancy: occupancy(n, a)?,
        });
    }
    Ok(metrics_from_b(n, a, aht_secs, t_secs, b_raw(n, a)))
}

fn metrics_from_b(n: u32, a: f64, aht: f64, t: f64, b: f64) -> QueueMetrics {
    let c = c_from_b(n, a, b);
    let spare = f64::from(n) - a;
    QueueMetrics {
        agents: n,
        traffic: a,
        aht_secs: aht,
        target_secs: t,
        understaffed: false,
        p_wait: c,
        service_level: sl_from_c(n, a, aht, t, c),
        asa_secs: c * aht / spare,
        wait_of_waiting_secs: aht / spare,
        queue_len: c * a / spare,
        occupancy: a / f64::from(n),
    }
}

/// The smallest number of agents that are not understaffed for `a` Erlangs: ⌊A⌋ + 1.
pub fn min_stable_agents(a: f64) -> Result<u32> {
    check_traffic(a)?;
    // a ≤ MAX_TRAFFIC, so this fits.
    Ok(a.floor() as u32 + 1)
}

/// Lines needed: the smallest N with B(N, A) ≤ `p` (§6), found by running the recursion
/// upward, O(N) in all. No traffic needs no lines.
pub fn lines_for_blocking(a: f64, p: f64) -> Result<u32> {
    check_traffic(a)?;
    check_probability("blocking", p)?;
    if a == 0.0 {
        return Ok(0);
    }
    let mut b = 1.0;
    let mut n = 0u32;
    while b > p {
        if n >= MAX_SERVERS {
            return Err(ErlangError::NoSolution);
        }
        n += 1;
        b = b_step(n, a, b);
    }
    Ok(n)
}

/// Maximum offered traffic `n` lines take with blocking at most `p` (§6): solves
/// B(N, A) = p for A by bisection (B increases strictly in A) to 1e-12 relative, and returns
/// the lower end, so B(N, result) ≤ p. Zero lines take no traffic.
pub fn traffic_for_lines(n: u32, p: f64) -> Result<f64> {
    check_servers(n)?;
    check_probability("blocking", p)?;
    if n == 0 {
        return Ok(0.0);
    }
    let nf = f64::from(n);
    let mut lo = 0.0;
    let mut hi = nf + 10.0 * nf.sqrt() + 50.0;
    while b_raw(n, hi) <= p {
        lo = hi;
        hi *= 2.0;
        if hi > MAX_OFFERED {
            return Err(ErlangError::TrafficTooLarge(hi));
        }
    }
    Ok(bisect(lo, hi, |x| b_raw(n, x) <= p))
}

/// Bisection on [lo, hi] where `below(lo)` holds and `below(hi)` does not; returns the last
/// point where it holds, to REL_TOL relative.
fn bisect(mut lo: f64, mut hi: f64, below: impl Fn(f64) -> bool) -> f64 {
    for _ in 0..300 {
        if hi - lo <= REL_TOL * hi {
            break;
        }
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if below(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// What an operator group must achieve (§6).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StaffingTarget {
    /// Share of calls to answer within `target_secs`, strictly between 0 and 1 (e.g. 0.8).
    pub service_level: f64,
    pub target_secs: f64,
    /// Optional cap on occupancy A/N, in (0, 1] (e.g. 0.85 so operators are not run ragged).
    pub max_occupancy: Option<f64>,
    /// Optional cap on the average speed of answer, seconds.
    pub max_asa_secs: Option<f64>,
}

/// What binds the staffing answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// No traffic: no agents.
    NoTraffic,
    ServiceLevel,
    Occupancy,
    Asa,
}

/// The answer to "how many operators?" with the metrics they achieve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StaffingPlan {
    /// Agents on the phones.
    pub agents: u32,
    /// Agents the service level alone needs (≤ `agents`).
    pub agents_for_service_level: u32,
    /// The constraint that set `agents`.
    pub limited_by: Binding,
    /// The metrics with `agents` on the phones (all zero with no traffic).
    pub metrics: QueueMetrics,
}

/// Agents needed: the smallest N > A with SL(N, A, h, T) ≥ `target_sl` (§6).
pub fn agents_for_service_level(a: f64, aht_secs: f64, t_secs: f64, target_sl: f64) -> Result<u32> {
    let target = StaffingTarget {
        service_level: target_sl,
        target_secs: t_secs,
        max_occupancy: None,
        max_asa_secs: None,
    };
    Ok(staffing(a, aht_secs, &target)?.agents)
}

/// Agents needed for `target` (service level, and optionally occupancy and ASA caps), with the
/// metrics they achieve. Searches upward from ⌊A⌋ + 1, carrying B along (O(N) in all).
/// No traffic needs no agents.
pub fn staffing(a: f64, aht_secs: f64, target: &StaffingTarget) -> Result<StaffingPlan> {
    check_traffic(a)?;
    check_seconds("average handling time", aht_secs, false)?;
    check_seconds("answer target", target.target_secs, true)?;
    check_probability("service level target", target.service_level)?;
    if let Some(o) = target.max_occupancy {
        if !(o > 0.0 && o <= 1.0) {
            return Err(ErlangError::InvalidOccupancy(o));
        }
    }
    if let Some(s) = target.max_asa_secs {
        check_seconds("maximum average wait", s, false)?;
    }
    let t = target.target_secs;
    if a == 0.0 {
        return Ok(StaffingPlan {
            agents: 0,
            agents_for_service_level: 0,
            limited_by: Binding::NoTraffic,
            metrics: QueueMetrics {
                agents: 0,
                traffic: 0.0,
                aht_secs,
                target_secs: t,
                understaffed: false,
                p_wait: 0.0,
                service_level: 1.0,
                asa_secs: 0.0,
                wait_of_waiting_secs: 0.0,
                queue_len: 0.0,
                occupancy: 0.0,
            },
        });
    }
    let mut n = min_stable_agents(a)?;
    if n > MAX_SERVERS {
        return Err(ErlangError::NoSolution);
    }
    let mut b = b_raw(n, a);
    let mut for_sl = None;
    let mut prev: Option<QueueMetrics> = None;
    loop {
        let m = metrics_from_b(n, a, aht_secs, t, b);
        let sl_ok = m.service_level >= target.service_level;
        if sl_ok && for_sl.is_none() {
            for_sl = Some(n);
        }
        let occ_ok = |m: &QueueMetrics| target.max_occupancy.is_none_or(|o| m.occupancy <= o);
        let asa_ok = |m: &QueueMetrics| target.max_asa_secs.is_none_or(|s| m.asa_secs <= s);
        if sl_ok && occ_ok(&m) && asa_ok(&m) {
            let sl_n = for_sl.unwrap_or(n);
            // Which cap was still unmet one agent earlier?
            let limited_by = match prev {
                _ if n == sl_n => Binding::ServiceLevel,
                Some(p) if !occ_ok(&p) => Binding::Occupancy,
                _ => Binding::Asa,
            };
            return Ok(StaffingPlan {
                agents: n,
                agents_for_service_level: sl_n,
                limited_by,
                metrics: m,
            });
        }
        prev = Some(m);
        if n >= MAX_SERVERS {
            return Err(ErlangError::NoSolution);
        }
        n += 1;
        b = b_step(n, a, b);
    }
}

/// People to roster so that `agents` are on the phones when a share `shrinkage` of paid time
/// goes to breaks, meetings and absence: ⌈N / (1 − shrinkage)⌉ (pyworkforce
/// `required_positions`). A rounding hair above an integer (14 / 0.7) does not add a person.
pub fn positions_with_shrinkage(agents: u32, shrinkage: f64) -> Result<u32> {
    if !(shrinkage.is_finite() && (0.0..1.0).contains(&shrinkage)) {
        return Err(ErlangError::InvalidShrinkage(shrinkage));
    }
    let x = f64::from(agents) / (1.0 - shrinkage);
    let r = (x - 1e-9 * x.max(1.0)).ceil();
    if r > f64::from(u32::MAX) {
        return Err(ErlangError::NoSolution);
    }
    Ok(r as u32)
}

/// Offered traffic estimated from carried traffic on a congested trunk group (§8).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OfferedEstimate {
    pub lines: u32,
    /// Measured carried traffic Y, Erlangs.
    pub carried: f64,
    /// Estimated offered traffic A, the root of A·(1 − B(N, A)) = Y.
    pub offered: f64,
    /// Lost traffic A − Y = A·B(N, A), Erlangs.
    pub lost: f64,
    /// Share of call attempts that found all lines busy: B(N, A).
    pub blocking: f64,
    /// Load Y / N.
    pub load: f64,
    /// False above [`RELIABLE_LOAD`]: the estimate is ill-conditioned there (small errors in Y
    /// or N swing it a lot); refuse it or show it as a range.
    pub reliable: bool,
}

/// Offered traffic from carried traffic `carried` on `n` lines (§8): solves
/// A·(1 − B(N, A)) = Y for A by bisection (the left side increases in A towards N).
/// `Ok(None)` when Y ≥ N (all lines busy all the time: A could be anything), or when Y is so
/// close to N that A would exceed 1e12 E (no meaningful finite estimate).
pub fn offered_from_carried(n: u32, carried: f64) -> Result<Option<OfferedEstimate>> {
    check_servers(n)?;
    check_traffic(carried)?;
    let nf = f64::from(n);
    if carried >= nf {
        return Ok(None);
    }
    let y = carried;
    let offered = if y == 0.0 {
        0.0
    } else {
        // A ≥ Y since carried ≤ offered.
        let mut lo = y;
        let mut hi = 2.0 * y + 1.0;
        while carried_raw(n, hi) < y {
            lo = hi;
            hi *= 2.0;
            if hi > MAX_OFFERED {
                return Ok(None);
            }
        }
        bisect(lo, hi, |x| carried_raw(n, x) < y)
    };
    let blocking = b_raw(n, offered);
    let load = y / nf;
    Ok(Some(OfferedEstimate {
        lines: n,
        carried: y,
        offered,
        lost: offered * blocking,
        blocking,
        load,
        reliable: load <= RELIABLE_LOAD,
    }))
}

/// The offered-traffic estimate when the carried traffic is off by ±`rel_err` (e.g. 0.01):
/// (A at Y·(1 − rel_err), A at Y·(1 + rel_err)), the upper end `None` when unbounded. Shows
/// how ill-conditioned the §8 estimate is near saturation.
pub fn offered_range(n: u32, carried: f64, rel_err: f64) -> Result<(f64, Option<f64>)> {
    check_probability("relative error", rel_err)?;
    let low = offered_from_carried(n, carried * (1.0 - rel_err))?
        .map(|e| e.offered)
        .ok_or(ErlangError::NoSolution)?;
    let high = if carried * (1.0 + rel_err) > MAX_TRAFFIC {
        None
    } else {
        offered_from_carried(n, carried * (1.0 + rel_err))?.map(|e| e.offered)
    };
    Ok((low, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, rel: f64) -> bool {
        (got - want).abs() <= rel * want.abs().max(f64::MIN_POSITIVE)
    }

    // ---- An independent implementation, in log space --------------------------------------
    //
    // term_k = k·ln A − ln k!  (ln k! as a running sum of ln j), and
    // ln B(N, A) = term_N − logsumexp(term_0..=term_N).
    // Erlang C from the textbook ratio, also in log space:
    // C = t_N·N/(N−A) / (Σ_{k<N} t_k + t_N·N/(N−A)).

    fn log_terms(n: u32, a: f64) -> Vec<f64> {
        let ln_a = a.ln();
        let mut ln_fact = 0.0;
        let mut out = Vec::with_capacity(n as usize + 1);
        for k in 0..=n {
            if k > 0 {
                ln_fact += f64::from(k).ln();
            }
            out.push(f64::from(k) * ln_a - ln_fact);
        }
        out
    }

    fn log_sum_exp(xs: &[f64]) -> f64 {
        let m = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        m + xs.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
    }

    fn ln_b_ref(n: u32, a: f64) -> f64 {
        let t = log_terms(n, a);
        t[n as usize] - log_sum_exp(&t)
    }

    fn c_ref(n: u32, a: f64) -> f64 {
        let t = log_terms(n, a);
        let last = t[n as usize] + (f64::from(n) / (f64::from(n) - a)).ln();
        let mut denom: Vec<f64> = t[..n as usize].to_vec();
        denom.push(last);
        (last - log_sum_exp(&denom)).exp()
    }

    /// The grid: every N in 1..=1000, A from 0.01·N to 1.5·N.
    fn grid() -> impl Iterator<Item = (u32, f64)> {
        const STEPS: u32 = 12;
        (1..=1000u32).flat_map(|n| {
            (0..=STEPS).map(move |i| {
                let frac = 0.01 + (1.5 - 0.01) * f64::from(i) / f64::from(STEPS);
                (n, frac * f64::from(n))
            })
        })
    }

    #[test]
    fn erlang_b_agrees_with_log_space_on_1_to_1000_servers() {
        let mut compared = 0;
        for (n, a) in grid() {
            let got = erlang_b(n, a).unwrap();
            let ln_want = ln_b_ref(n, a);
            if ln_want > -690.0 {
                // Representable as a normal f64: compare to 1e-9 relative.
                let want = ln_want.exp();
                assert!(
                    close(got, want, 1e-9),
                    "B({n}, {a}) = {got}, log-space {want}"
                );
                compared += 1;
            } else {
                // Underflow region (e.g. N = 1000, A = 10: B ≈ e^-3600): both ~0.
                assert!(got < 1e-290, "B({n}, {a}) = {got}, log-space e^{ln_want}");
            }
        }
        assert!(compared > 10_000, "{compared}");
    }

    #[test]
    fn erlang_c_agrees_with_log_space_on_1_to_1000_servers() {
        for (n, a) in grid() {
            if a >= f64::from(n) {
                assert_eq!(erlang_c(n, a).unwrap(), 1.0);
                continue;
            }
            let got = erlang_c(n, a).unwrap();
            let want = c_ref(n, a);
            if want > 1e-290 {
                assert!(
                    close(got, want, 1e-9),
                    "C({n}, {a}) = {got}, log-space {want}"
                );
            } else {
                assert!(got < 1e-280, "C({n}, {a}) = {got}, log-space {want}");
            }
        }
    }

    #[test]
    fn carried_traffic_is_a_times_one_minus_b() {
        for (n, a) in grid().step_by(7) {
            let y = carried_traffic(n, a).unwrap();
            let want = a * (1.0 - ln_b_ref(n, a).exp());
            assert!(close(y, want, 1e-9), "Y({n}, {a}) = {y}, want {want}");
        }
        // Deep overload: 1 − B cancels in the naive form, not here.
        let y = carried_traffic(60, 1e6).unwrap();
        let want = 1e6 * 60.0 / (60.0 + 1e6 * erlang_b(59, 1e6).unwrap());
        assert!(y < 60.0 && y > 59.99 && close(y, want, 1e-15), "{y}");
    }

    #[test]
    fn edge_values() {
        assert_eq!(erlang_b(0, 5.0).unwrap(), 1.0);
        assert_eq!(erlang_b(0, 0.0).unwrap(), 1.0);
        assert_eq!(erlang_b(1, 0.0).unwrap(), 0.0);
        assert_eq!(erlang_b(1000, 0.0).unwrap(), 0.0);
        for a in [0.001, 0.5, 1.0, 3.0, 1234.5] {
            assert!(close(erlang_b(1, a).unwrap(), a / (1.0 + a), 1e-15));
        }
        // Huge N with tiny A: forward recursion underflows to 0 smoothly, never NaN.
        let b = erlang_b(2000, 1.0).unwrap();
        assert!((0.0..1e-300).contains(&b), "{b}");
        // Large A and N: no overflow.
        let b = erlang_b(5000, 4000.0).unwrap();
        assert!(b.is_finite() && b > 0.0 && b < 0.01, "{b}");
        let b = erlang_b(10, 5000.0).unwrap();
        assert!(b > 0.99 && b < 1.0, "{b}");

        assert_eq!(erlang_c(10, 10.0).unwrap(), 1.0);
        assert_eq!(erlang_c(10, 12.0).unwrap(), 1.0);
        assert_eq!(erlang_c(0, 0.0).unwrap(), 1.0);
        assert_eq!(erlang_c(5, 0.0).unwrap(), 0.0);
        assert_eq!(service_level(10, 10.0, 180.0, 20.0).unwrap(), 0.0);
        assert_eq!(asa(10, 10.0, 180.0).unwrap(), f64::INFINITY);
        assert_eq!(asa(10, 11.0, 180.0).unwrap(), f64::INFINITY);
        assert_eq!(occupancy(10, 12.0).unwrap(), 1.0);
        assert_eq!(occupancy(0, 0.0).unwrap(), 0.0);
        assert_eq!(occupancy(0, 1.0).unwrap(), 1.0);
        // SL at T = 0 is the immediate-answer share 1 − C.
        let c = erlang_c(14, 10.0).unwrap();
        assert!(close(
            service_level(14, 10.0, 180.0, 0.0).unwrap(),
            1.0 - c,
            1e-14
        ));
        let m = queue_metrics(10, 10.0, 180.0, 20.0).unwrap();
        assert!(m.understaffed && m.p_wait == 1.0 && m.service_level == 0.0);
        assert!(m.asa_secs.is_infinite());
        assert_eq!(min_stable_agents(10.0).unwrap(), 11);
        assert_eq!(min_stable_agents(9.99).unwrap(), 10);
    }

    #[test]
    fn invalid_inputs_are_errors_not_panics() {
        use ErlangError::*;
        assert_eq!(erlang_b(5, -1.0), Err(InvalidTraffic(-1.0)));
        assert!(matches!(erlang_b(5, f64::NAN), Err(InvalidTraffic(x)) if x.is_nan()));
        assert_eq!(
            erlang_b(5, f64::INFINITY),
            Err(InvalidTraffic(f64::INFINITY))
        );
        assert_eq!(erlang_b(5, 2e6), Err(TrafficTooLarge(2e6)));
        assert_eq!(erlang_b(2_000_000, 1.0), Err(TooManyServers(2_000_000)));
        assert!(matches!(erlang_c(5, -0.5), Err(InvalidTraffic(_))));
        for p in [0.0, 1.0, -0.1, 1.5, f64::NAN] {
            assert!(matches!(
                lines_for_blocking(10.0, p),
                Err(InvalidProbability { .. })
            ));
            assert!(matches!(
                traffic_for_lines(10, p),
                Err(InvalidProbability { .. })
            ));
            assert!(matches!(
                agents_for_service_level(10.0, 180.0, 20.0, p),
                Err(InvalidProbability { .. })
            ));
        }
        assert!(matches!(
            service_level(14, 10.0, 0.0, 20.0),
            Err(InvalidSeconds { .. })
        ));
        assert!(matches!(
            service_level(14, 10.0, 180.0, -1.0),
            Err(InvalidSeconds { .. })
        ));
        assert!(matches!(
            asa(14, 10.0, f64::NAN),
            Err(InvalidSeconds { .. })
        ));
        let t = StaffingTarget {
            service_level: 0.8,
            target_secs: 20.0,
            max_occupancy: Some(0.0),
            max_asa_secs: None,
        };
        assert_eq!(staffing(10.0, 180.0, &t), Err(InvalidOccupancy(0.0)));
        assert_eq!(
            positions_with_shrinkage(14, 1.0),
            Err(InvalidShrinkage(1.0))
        );
        assert_eq!(
            positions_with_shrinkage(14, -0.1),
            Err(InvalidShrinkage(-0.1))
        );
        assert!(matches!(
            offered_from_carried(4, -3.0),
            Err(InvalidTraffic(_))
        ));
        let e = erlang_b(5, -1.0).unwrap_err().to_string();
        assert_eq!(e, "traffic must be a number of Erlangs, 0 or more; got -1");
        let e = lines_for_blocking(5.0, 1.5).unwrap_err().to_string();
        assert_eq!(e, "blocking must be strictly between 0 and 1; got 1.5");
        let e = service_level(14, 10.0, 0.0, 20.0).unwrap_err().to_string();
        assert_eq!(
            e,
            "average handling time must be a number of seconds above 0; got 0"
        );
    }

    #[test]
    fn fifteen_lines_at_one_percent_take_8_108_erlangs() {
        // erlang.com calculator manual, "How much traffic can a trunk group handle".
        let a = traffic_for_lines(15, 0.01).unwrap();
        assert!((a - 8.108).abs() < 0.0005, "{a}");
        // The bisection's answer sits on the boundary to 1e-12 relative.
        let b = erlang_b(15, a).unwrap();
        assert!(b <= 0.01 && b > 0.01 * (1.0 - 1e-10), "{b}");
        let b_above = erlang_b(15, a * (1.0 + 1e-11)).unwrap();
        assert!(b_above > 0.01, "{b_above}");
    }

    /// Standard Erlang B table values (maximum offered traffic, Erlangs, for N lines at
    /// blocking p, to the three decimals such tables print). Only 15 lines at 1% = 8.108 was
    /// read in a source (erlang.com calculator manual, "How much traffic can a trunk group
    /// handle"; cited in analytics.md §6); the others are the usual printed-table entries quoted
    /// from memory, so they are not trusted on that basis:
    /// `published_table_agrees_with_log_space` re-derives every one with the independent
    /// log-space implementation above, and `published_table_agrees_with_bisection` checks
    /// `traffic_for_lines` against them to the table's precision.
    const TABLE: &[(u32, f64, f64)] = &[
        (1, 0.01, 0.010),
        (2, 0.01, 0.153),
        (5, 0.01, 1.361),
        (10, 0.01, 4.461),
        (15, 0.01, 8.108),
        (20, 0.01, 12.031),
        (50, 0.01, 37.901),
        (100, 0.01, 84.064),
        (10, 0.02, 5.084),
        (20, 0.02, 13.182),
        (50, 0.02, 40.255),
        (100, 0.02, 87.972),
        (10, 0.05, 6.216),
        (20, 0.05, 15.249),
    ];

    #[test]
    fn published_table_agrees_with_bisection() {
        for &(n, p, want) in TABLE {
            let got = traffic_for_lines(n, p).unwrap();
            assert!(
                (got - want).abs() <= 0.0005,
                "N={n} p={p}: table {want}, bisection {got}"
            );
        }
    }

    #[test]
    fn published_table_agrees_with_log_space() {
        // The table's A, rounded to 3 decimals, gives B within the rounding of p.
        for &(n, p, want) in TABLE {
            let lo = ln_b_ref(n, want - 0.0005).exp();
            let hi = ln_b_ref(n, want + 0.0005).exp();
            assert!(
                lo <= p && p <= hi,
                "N={n} p={p} A={want}: B in [{lo}, {hi}]"
            );
        }
    }

    #[test]
    fn traffic_for_lines_is_the_root_on_a_grid() {
        for n in [1u32, 2, 3, 7, 30, 100, 333, 1000] {
            for p in [0.001, 0.01, 0.05, 0.2, 0.5, 0.9, 0.999] {
                let a = traffic_for_lines(n, p).unwrap();
                let b = ln_b_ref(n, a).exp();
                assert!(close(b, p, 1e-9), "N={n} p={p}: A={a}, B={b}");
            }
        }
        assert_eq!(traffic_for_lines(0, 0.01).unwrap(), 0.0);
    }

    #[test]
    fn lines_for_blocking_exact_values() {
        // analytics.md §6: exact values, not the (off-by-one) published table.
        for (a, want) in [
            (10.0, 18),
            (50.0, 64),
            (100.0, 117),
            (180.0, 201),
            (500.0, 527),
            (1000.0, 1029),
        ] {
            assert_eq!(lines_for_blocking(a, 0.01).unwrap(), want, "A={a}");
        }
        let b = erlang_b(117, 100.0).unwrap();
        assert!((b - 0.00979).abs() < 0.000005, "{b}");
        let b = erlang_b(526, 500.0).unwrap();
        assert!(b > 0.01 && (b - 0.01015).abs() < 0.000005, "{b}");
        assert_eq!(lines_for_blocking(0.0, 0.01).unwrap(), 0);
        // 1200 calls/h × 100 s = 33.3 E needs 45 lines at 1% (erlang.com forum).
        assert_eq!(
            lines_for_blocking(1200.0 * 100.0 / 3600.0, 0.01).unwrap(),
            45
        );
    }

    #[test]
    fn lines_for_blocking_is_the_smallest_n_by_log_space() {
        for a in [0.05, 0.7, 3.0, 12.5, 77.7, 250.0, 640.0] {
            for p in [0.001, 0.01, 0.03, 0.1] {
                let n = lines_for_blocking(a, p).unwrap();
                assert!(ln_b_ref(n, a).exp() <= p, "A={a} p={p} N={n}");
                assert!(ln_b_ref(n - 1, a).exp() > p, "A={a} p={p} N={n}");
            }
        }
    }

    #[test]
    fn large_inputs_stay_fast_and_finite() {
        let n = lines_for_blocking(3000.0, 0.01).unwrap();
        assert!(n > 3000 && n < 3200, "{n}");
        let a = traffic_for_lines(5000, 0.01).unwrap();
        assert!(a > 4800.0 && a < 5000.0, "{a}");
        let agents = agents_for_service_level(3000.0, 180.0, 20.0, 0.8).unwrap();
        assert!(agents > 3000 && agents < 3100, "{agents}");
    }

    #[test]
    fn pyworkforce_example_ten_erlangs_needs_14_agents() {
        // pyworkforce README: 100 calls per 30 min, AHT 3 min → A = 10 E; 80% in 20 s.
        let a = 100.0 * 180.0 / 1800.0;
        assert_eq!(a, 10.0);
        assert_eq!(agents_for_service_level(a, 180.0, 20.0, 0.8).unwrap(), 14);
        let sl = service_level(14, a, 180.0, 20.0).unwrap();
        assert!((sl - 0.8884).abs() < 0.00005, "{sl}");
        let c = erlang_c(14, a).unwrap();
        assert!((c - 0.1741).abs() < 0.00005, "{c}");
        let occ = occupancy(14, a).unwrap();
        assert!((occ - 0.714).abs() < 0.0005, "{occ}");
        let w = asa(14, a, 180.0).unwrap();
        assert!(close(w, c * 180.0 / 4.0, 1e-12), "{w}");
        // 13 agents fall short.
        assert!(service_level(13, a, 180.0, 20.0).unwrap() < 0.8);
        // With 30% shrinkage, 20 positions.
        assert_eq!(positions_with_shrinkage(14, 0.3).unwrap(), 20);
        assert_eq!(positions_with_shrinkage(14, 0.0).unwrap(), 14);
        assert_eq!(positions_with_shrinkage(15, 0.3).unwrap(), 22);
        assert_eq!(positions_with_shrinkage(0, 0.3).unwrap(), 0);

        let m = queue_metrics(14, a, 180.0, 20.0).unwrap();
        assert!(!m.understaffed);
        assert!(close(m.p_wait, c, 1e-15) && close(m.service_level, sl, 1e-15));
        assert!(close(m.queue_len, c * a / 4.0, 1e-12));
        assert!(close(m.wait_of_waiting_secs, 45.0, 1e-12));
    }

    #[test]
    fn staffing_with_caps() {
        let base = StaffingTarget {
            service_level: 0.8,
            target_secs: 20.0,
            max_occupancy: None,
            max_asa_secs: None,
        };
        let p = staffing(10.0, 180.0, &base).unwrap();
        assert_eq!((p.agents, p.limited_by), (14, Binding::ServiceLevel));
        // Occupancy ≤ 65% needs ⌈10/0.65⌉ = 16.
        let p = staffing(
            10.0,
            180.0,
            &StaffingTarget {
                max_occupancy: Some(0.65),
                ..base
            },
        )
        .unwrap();
        assert_eq!(p.agents, 16);
        assert_eq!(p.agents_for_service_level, 14);
        assert_eq!(p.limited_by, Binding::Occupancy);
        assert!(p.metrics.occupancy <= 0.65);
        // A loose cap does not bind.
        let p = staffing(
            10.0,
            180.0,
            &StaffingTarget {
                max_occupancy: Some(0.85),
                ..base
            },
        )
        .unwrap();
        assert_eq!((p.agents, p.limited_by), (14, Binding::ServiceLevel));
        // Occupancy cap exactly reachable: 10 E at 50% → 20 agents.
        let p = staffing(
            10.0,
            180.0,
            &StaffingTarget {
                max_occupancy: Some(0.5),
                ..base
            },
        )
        .unwrap();
        assert_eq!(p.agents, 20);
        // An ASA cap of 2 s needs more than 14.
        let p = staffing(
            10.0,
            180.0,
            &StaffingTarget {
                max_asa_secs: Some(2.0),
                ..base
            },
        )
        .unwrap();
        assert_eq!(p.limited_by, Binding::Asa);
        assert!(p.metrics.asa_secs <= 2.0);
        assert!(asa(p.agents - 1, 10.0, 180.0).unwrap() > 2.0);
        // No traffic, no agents.
        let p = staffing(0.0, 180.0, &base).unwrap();
        assert_eq!((p.agents, p.limited_by), (0, Binding::NoTraffic));
    }

    #[test]
    fn agents_search_matches_brute_force() {
        for a in [0.3, 1.0, 2.5, 10.0, 37.0, 120.5] {
            for (t, target) in [(20.0, 0.8), (0.0, 0.5), (60.0, 0.95), (15.0, 0.9)] {
                let n = agents_for_service_level(a, 240.0, t, target).unwrap();
                let first = (1..)
                    .find(|&k| {
                        f64::from(k) > a && {
                            let c = c_ref(k, a);
                            1.0 - c * (-(f64::from(k) - a) * t / 240.0).exp() >= target
                        }
                    })
                    .unwrap();
                assert_eq!(n, first, "A={a} T={t} SL={target}");
            }
        }
    }

    #[test]
    fn offered_from_carried_worked_examples() {
        // analytics.md §8.
        let e = offered_from_carried(4, 3.5).unwrap().unwrap();
        assert!((e.offered - 9.39).abs() < 0.005, "{e:?}");
        assert!((e.blocking - 0.63).abs() < 0.005, "{e:?}");
        assert!(e.reliable);
        assert!(close(e.lost, e.offered - 3.5, 1e-9), "{e:?}");
        assert!(close(e.load, 0.875, 1e-15));

        let e = offered_from_carried(10, 7.0).unwrap().unwrap();
        assert!((e.offered - 7.95).abs() < 0.005, "{e:?}");
        assert!((e.blocking - 0.119).abs() < 0.0005, "{e:?}");
        assert!(e.reliable);
        assert!(close(e.lost, e.offered - 7.0, 1e-9), "{e:?}");

        // 60 trunks carrying 59 E imply ~116 E offered, but that is past 95% load.
        let e = offered_from_carried(60, 59.0).unwrap().unwrap();
        assert!((e.offered - 116.0).abs() < 1.0, "{e:?}");
        assert!(!e.reliable);
        let (lo, hi) = offered_range(60, 59.0, 0.01).unwrap();
        assert!(
            lo < e.offered && hi.is_none_or(|h| h > e.offered),
            "{lo} {hi:?}"
        );

        // Exactly 95% is still reliable; just above is not.
        assert!(offered_from_carried(20, 19.0).unwrap().unwrap().reliable);
        assert!(!offered_from_carried(20, 19.01).unwrap().unwrap().reliable);
    }

    #[test]
    fn offered_from_carried_round_trips_and_edges() {
        for (n, a) in grid().step_by(11) {
            let y = carried_traffic(n, a).unwrap();
            let e = offered_from_carried(n, y).unwrap().unwrap();
            assert!(
                close(e.offered, a, 1e-8),
                "N={n} A={a}: Y={y} → {}",
                e.offered
            );
        }
        assert_eq!(offered_from_carried(4, 4.0).unwrap(), None);
        assert_eq!(offered_from_carried(4, 5.0).unwrap(), None);
        assert_eq!(offered_from_carried(0, 0.0).unwrap(), None);
        let e = offered_from_carried(4, 0.0).unwrap().unwrap();
        assert_eq!((e.offered, e.lost, e.blocking), (0.0, 0.0, 0.0));
        // So close to N that A is astronomical: no finite estimate.
        assert_eq!(offered_from_carried(4, 4.0 - 1e-14).unwrap(), None);
    }
}
