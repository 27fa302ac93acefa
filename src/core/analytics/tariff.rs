//! A tariff table: what a call probably cost, from the number dialled and the talk time, for
//! calls the PBX printed no charge for (Pattern A has no cost column).
//!
//! Money is exact: prices are integers of [`UNITS_PER_CURRENCY_UNIT`] (ten-thousandths of the
//! currency unit, so `0.0195` per minute is exact), parsed from decimal text ([`parse_price`]),
//! never floats.
//!
//! A call is priced by the tariff whose `prefix` is the **longest** one its normalised number
//! (digits, `+` as `00`: [`crate::core::calls::normalise_number`]) starts with. Its talk time
//! is billed in whole increments of `billing_secs`, each one begun charged in full (a 5 s call
//! on 60 s billing pays one minute), plus `setup` once per connected call:
//!
//! ```text
//! cost = setup + per_minute × ceil(talk / billing_secs) × billing_secs / 60
//! ```
//!
//! rounded half up to the ten-thousandth (only per-second prices that do not divide by 60 need
//! it). A call with no talk time (busy, unanswered, failed) costs 0: carriers charge connected
//! calls only.

use serde::Serialize;

/// Decimals of a price: prices are integers of 1/10 000 of the currency unit.
pub const PRICE_DECIMALS: usize = 4;
/// Price units in one currency unit.
pub const UNITS_PER_CURRENCY_UNIT: u64 = 10_000;

/// One line of the tariff table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tariff {
    /// Digits the normalised dialled number starts with, e.g. `00` (international), `3` (Italian
    /// mobiles), `0` (national).
    pub prefix: String,
    /// What reports call it ("International"); the prefix when the configuration names none.
    pub name: String,
    /// Price per minute of talk, in 1/10 000 of the currency unit.
    pub per_minute: u64,
    /// Price once per connected call, in 1/10 000 of the currency unit.
    pub setup: u64,
    /// Billing increment in seconds (60: per started minute; 1: per second).
    pub billing_secs: u32,
}

/// What [`price`] found for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Priced<'a> {
    /// The estimated cost, in 1/10 000 of the currency unit.
    pub units: u64,
    /// The tariff that priced it (the longest matching prefix).
    pub tariff: &'a Tariff,
}

/// The tariff with the longest prefix `number` starts with (`number` normalised: digits only,
/// `00` for `+`). Among equal prefixes (the configuration refuses them) the first wins.
pub fn lookup<'a>(number: &str, tariffs: &'a [Tariff]) -> Option<&'a Tariff> {
    let mut best: Option<&Tariff> = None;
    for t in tariffs {
        let longer = best.is_none_or(|b| t.prefix.len() > b.prefix.len());
        if !t.prefix.is_empty() && number.starts_with(t.prefix.as_str()) && longer {
            best = Some(t);
        }
    }
    best
}

/// The estimated cost of a call to `number` (normalised) that talked `talk_secs`, and the
/// tariff that priced it; `None` when no tariff's prefix matches.
pub fn price<'a>(number: &str, talk_secs: u32, tariffs: &'a [Tariff]) -> Option<Priced<'a>> {
    let tariff = lookup(number, tariffs)?;
    Some(Priced {
        units: cost_units(tariff, talk_secs),
        tariff,
    })
}

/// The cost of `talk_secs` at `t`, in 1/10 000 of the currency unit (saturating; no realistic
/// call comes near).
pub fn cost_units(t: &Tariff, talk_secs: u32) -> u64 {
    if talk_secs == 0 {
        return 0;
    }
    let inc = u128::from(t.billing_secs.max(1));
    let billed = u128::from(talk_secs).div_ceil(inc) * inc;
    // per_minute × billed / 60, rounded half up: (2 × p × s + 60) / 120.
    let talk = (2 * u128::from(t.per_minute) * billed + 60) / 120;
    let total = talk + u128::from(t.setup);
    u64::try_from(total).unwrap_or(u64::MAX)
}

/// Decimal text of an amount of units: `1200` -> `0.12`, `1250` -> `0.125`, `5` -> `0.0005`:
/// at least two decimals, trailing zeros beyond them dropped.
pub fn units_text(units: u128) -> String {
    let scale = u128::from(UNITS_PER_CURRENCY_UNIT);
    let frac = format!("{:0width$}", units % scale, width = PRICE_DECIMALS);
    let kept = frac.trim_end_matches('0');
    let kept = if kept.len() < 2 { &frac[..2] } else { kept };
    format!("{}.{kept}", units / scale)
}

/// A price written as decimal text (`0.12`, `1`, `0.0195`) as units of 1/10 000; refuses
/// signs, exponents, more than [`PRICE_DECIMALS`] decimals and amounts of a billion or more.
pub fn parse_price(text: &str) -> Result<u64, String> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) {
        return Err(format!(
            "{text}: a price is a plain non-negative decimal such as 0.12"
        ));
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > PRICE_DECIMALS {
        return Err(format!(
            "{text}: at most {PRICE_DECIMALS} decimals (1/10000 of the currency unit)"
        ));
    }
    let int = int.trim_start_matches('0');
    if int.len() > 9 {
        return Err(format!("{text}: a price must be below 1000000000"));
    }
    let whole: u64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| format!("{text}: not a price"))?
    };
    let part: u64 = format!("{frac:0<width$}", width = PRICE_DECIMALS)
        .parse()
        .map_err(|_| format!("{text}: not a price"))?;
    Ok(whole * UNITS_PER_CURRENCY_UNIT + part)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(prefix: &str, name: &str, per_minute: &str, setup: &str, billing_secs: u32) -> Tariff {
        Tariff {
            prefix: prefix.into(),
            name: name.into(),
            per_minute: parse_price(per_minute).unwrap(),
            setup: parse_price(setup).unwrap(),
            billing_secs,
        }
    }

    fn table() -> Vec<Tariff> {
        vec![
            t("0", "National", "0.02", "0", 60),
            t("00", "International", "0.12", "0.05", 60),
            t("0041", "Switzerland", "0.25", "0", 30),
            t("3", "Mobile", "0.0195", "0.1", 1),
        ]
    }

    /// (number, talk, expected (cost as text, tariff name))
    type Case = (&'static str, u32, Option<(&'static str, &'static str)>);

    #[test]
    fn exact_costs_by_increment_setup_and_longest_prefix() {
        let tariffs = table();
        let cases: &[Case] = &[
            // 60 s billing, every minute begun in full: 1 s and 60 s are one minute, 61 s two.
            ("0364538740", 1, Some(("0.02", "National"))),
            ("0364538740", 60, Some(("0.02", "National"))),
            ("0364538740", 61, Some(("0.04", "National"))),
            ("0364538740", 3600, Some(("1.20", "National"))),
            // Setup once, then the minutes: 0.05 + 3 × 0.12.
            ("00441234567", 125, Some(("0.41", "International"))),
            // Longest prefix: 0041 over 00 over 0; 30 s increments: 31 s is 60 s = 0.25.
            ("0041441234567", 31, Some(("0.25", "Switzerland"))),
            ("0041441234567", 30, Some(("0.125", "Switzerland"))),
            ("0041441234567", 91, Some(("0.50", "Switzerland"))),
            // Per second: 0.10 + 0.0195 × 7 / 60 = 0.102275, rounded half up to the
            // ten-thousandth: 0.1023.
            ("3331234567", 7, Some(("0.1023", "Mobile"))),
            // 0.0195 × 40 / 60 = 0.013 exactly.
            ("3331234567", 40, Some(("0.113", "Mobile"))),
            // Not connected: nothing, not even the setup.
            ("00441234567", 0, Some(("0.00", "International"))),
            // No prefix matches.
            ("80012345", 100, None),
            ("", 100, None),
        ];
        for &(number, talk, want) in cases {
            let got = price(number, talk, &tariffs)
                .map(|p| (units_text(u128::from(p.units)), p.tariff.name.clone()));
            let want = want.map(|(c, n)| (c.to_string(), n.to_string()));
            assert_eq!(got, want, "{number} {talk} s");
        }
    }

    #[test]
    fn the_longest_prefix_wins_whatever_the_order() {
        let mut tariffs = table();
        tariffs.reverse();
        assert_eq!(
            lookup("0041791234567", &tariffs).unwrap().name,
            "Switzerland"
        );
        assert_eq!(lookup("0033123", &tariffs).unwrap().name, "International");
        assert_eq!(lookup("0123", &tariffs).unwrap().name, "National");
        assert_eq!(lookup("123", &tariffs), None);
        assert_eq!(lookup("0041", &[]), None);
    }

    #[test]
    fn huge_values_saturate_instead_of_overflowing() {
        let x = t("1", "x", "999999999.9999", "999999999.9999", 3600);
        assert!(cost_units(&x, u32::MAX) > 0);
        assert_eq!(cost_units(&x, 0), 0);
    }

    #[test]
    fn prices_parse_exactly_or_are_refused() {
        for (text, units) in [
            ("0.12", 1200),
            ("0", 0),
            ("1", 10_000),
            ("0.0195", 195),
            ("0.10000", 1000),
            ("007.5", 75_000),
            ("999999999.9999", 9_999_999_999_999),
        ] {
            assert_eq!(parse_price(text), Ok(units), "{text}");
        }
        for (text, why) in [
            ("0.00001", "at most 4 decimals"),
            ("-0.1", "plain non-negative decimal"),
            ("1e-3", "plain non-negative decimal"),
            (".5", "plain non-negative decimal"),
            ("", "plain non-negative decimal"),
            ("1000000000", "below 1000000000"),
        ] {
            let e = parse_price(text).unwrap_err();
            assert!(e.contains(why), "{text}: {e}");
        }
        assert_eq!(units_text(0), "0.00");
        assert_eq!(units_text(5), "0.0005");
        assert_eq!(units_text(123_456_789), "12345.6789");
        assert_eq!(units_text(10_000), "1.00");
    }
}
