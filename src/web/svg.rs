//! Charts drawn on the server as SVG: no script, no external asset (the box has no internet),
//! readable on a phone (the SVG scales to the page width).

use crate::core::analytics::{Chart, Series};
use crate::i18n::{self, Lang};
use std::fmt::Write;

const W: f64 = 720.0;
const H: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 46.0;
/// Series colours: answered-like first (green), lost-like second (red), then neutrals.
const COLOURS: [&str; 6] = [
    "#2e7d32", "#c62828", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f",
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A round axis maximum at or above `max` (1, 2, 5 × 10^n).
fn nice_max(max: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * mag)
}

fn num(l: Lang, v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        i18n::int(l, v.round() as i64)
    } else {
        i18n::dec(l, v, 1)
    }
}

/// The chart in English, as the core wrote it.
pub fn chart(c: &Chart) -> String {
    chart_in(Lang::En, c)
}

/// The chart with its title, labels and legend in `l` (numbers too: `2,5`).
pub fn chart_in(l: Lang, c: &Chart) -> String {
    let labels_in = |v: &[String]| -> Vec<String> {
        v.iter()
            .map(|x| i18n::chart_label(l, x).into_owned())
            .collect()
    };
    match c {
        Chart::Bars {
            title,
            labels,
            series,
        } => xy(
            l,
            &i18n::report_text(l, title),
            &labels_in(labels),
            series,
            true,
        ),
        Chart::Lines {
            title,
            labels,
            series,
        } => xy(
            l,
            &i18n::report_text(l, title),
            &labels_in(labels),
            series,
            false,
        ),
        Chart::Heatmap {
            title,
            rows,
            columns,
            values,
        } => heatmap(
            l,
            &i18n::report_text(l, title),
            &labels_in(rows),
            &labels_in(columns),
            values,
        ),
    }
}

fn open(out: &mut String, title: &str, height: f64) {
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {height}\" width=\"100%\" role=\"img\" \
         aria-label=\"{t}\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" \
         font-size=\"11\"><title>{t}</title><text x=\"{LEFT}\" y=\"16\" font-size=\"13\" \
         font-weight=\"bold\">{t}</text>",
        t = esc(title)
    );
}

/// Bars (grouped per label) or lines, with a y axis, label ticks and a legend.
fn xy(l: Lang, title: &str, labels: &[String], series: &[Series], bars: bool) -> String {
    let mut out = String::new();
    open(&mut out, title, H);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let top = nice_max(max);
    let (x0, x1, y0, y1) = (LEFT, W - RIGHT, H - BOTTOM, TOP);
    let y = |v: f64| y0 - (v.max(0.0) / top) * (y0 - y1);
    for i in 0..=4 {
        let v = top * f64::from(i) / 4.0;
        let _ = write!(
            out,
            "<line x1=\"{x0}\" x2=\"{x1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\">{v}</text>",
            yy = y(v),
            tx = x0 - 4.0,
            ty = y(v) + 4.0,
            v = num(l, v)
        );
    }
    let n = labels.len().max(1) as f64;
    let slot = (x1 - x0) / n;
    // Thin out labels so they do not overlap: about 24 at most.
    let every = (labels.len() / 24).max(1);
    for (i, l) in labels.iter().enumerate() {
        if i % every == 0 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x0 + slot * (i as f64 + 0.5),
                y0 + 14.0,
                esc(l)
            );
        }
    }
    let k = series.len().max(1) as f64;
    for (si, s) in series.iter().enumerate() {
        let colour = COLOURS[si % COLOURS.len()];
        if bars {
            let bw = (slot * 0.8 / k).max(1.0);
            for (i, v) in s.values.iter().enumerate().take(labels.len()) {
                if !v.is_finite() {
                    continue;
                }
                let x = x0 + slot * i as f64 + slot * 0.1 + bw * si as f64;
                let _ = write!(
                    out,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" \
                     fill=\"{colour}\"><title>{}: {}</title></rect>",
                    y(*v),
                    y0 - y(*v),
                    esc(&labels[i]),
                    num(l, *v)
                );
            }
        } else {
            let pts: Vec<String> = s
                .values
                .iter()
                .enumerate()
                .take(labels.len())
                .filter(|(_, v)| v.is_finite())
                .map(|(i, v)| format!("{:.1},{:.1}", x0 + slot * (i as f64 + 0.5), y(*v)))
                .collect();
            let _ = write!(
                out,
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
                pts.join(" ")
            );
        }
        let lx = x0 + 140.0 * si as f64;
        let _ = write!(
            out,
            "<rect x=\"{lx}\" y=\"{ly}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>\
             <text x=\"{tx}\" y=\"{ty}\">{}</text>",
            esc(&i18n::report_text(l, &s.name)),
            ly = H - 18.0,
            tx = lx + 14.0,
            ty = H - 9.0
        );
    }
    out.push_str("</svg>");
    out
}

/// Rows by columns of coloured cells, darker for more; the value in each cell's tooltip.
fn heatmap(
    l: Lang,
    title: &str,
    rows: &[String],
    columns: &[String],
    values: &[Vec<f64>],
) -> String {
    let mut out = String::new();
    let cell_h = 22.0;
    let height = TOP + 20.0 + cell_h * rows.len() as f64 + 10.0;
    open(&mut out, title, height);
    let max = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let x0 = LEFT;
    let cw = (W - RIGHT - x0) / columns.len().max(1) as f64;
    let y0 = TOP + 14.0;
    for (ci, c) in columns.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x0 + cw * (ci as f64 + 0.5),
            y0,
            esc(c)
        );
    }
    for (ri, r) in rows.iter().enumerate() {
        let y = y0 + 6.0 + cell_h * ri as f64;
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 4.0,
            y + cell_h * 0.65,
            esc(r)
        );
        for (ci, column) in columns.iter().enumerate() {
            let v = values.get(ri).and_then(|row| row.get(ci)).copied();
            let v = v.filter(|v| v.is_finite()).unwrap_or(0.0);
            let share = if max > 0.0 { v / max } else { 0.0 };
            // From near-white to deep blue.
            let light = 97.0 - share * 62.0;
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" \
                 fill=\"hsl(212,70%,{light:.0}%)\"><title>{} {}: {}</title></rect>",
                x0 + cw * ci as f64,
                cw - 1.0,
                cell_h - 1.0,
                esc(r),
                esc(column),
                num(l, v)
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_maxima_are_round() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(3.2), 5.0);
        assert_eq!(nice_max(17.0), 20.0);
        assert_eq!(nice_max(100.0), 100.0);
        assert_eq!(nice_max(f64::NAN), 1.0);
    }

    #[test]
    fn bars_escape_and_scale() {
        let svg = chart(&Chart::Bars {
            title: "Calls <per> day".into(),
            labels: vec!["Mon".into(), "Tue".into()],
            series: vec![
                Series {
                    name: "answered".into(),
                    values: vec![10.0, 20.0],
                },
                Series {
                    name: "lost".into(),
                    values: vec![2.0, f64::NAN],
                },
            ],
        });
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Calls &lt;per&gt; day"));
        assert_eq!(
            svg.matches("<rect").count(),
            3 + 2,
            "3 bars and 2 legend keys"
        );
        assert!(svg.contains(">20</text>"), "axis up to 20");
    }

    #[test]
    fn heatmap_and_lines_draw_every_value() {
        let svg = chart(&Chart::Heatmap {
            title: "Load".into(),
            rows: vec!["Mon".into(), "Tue".into()],
            columns: (0..24).map(|h| format!("{h:02}")).collect(),
            values: vec![vec![1.0; 24], vec![0.0; 3]],
        });
        assert_eq!(svg.matches("<rect").count(), 48);
        let svg = chart(&Chart::Lines {
            title: "x".into(),
            labels: vec!["a".into(), "b".into(), "c".into()],
            series: vec![Series {
                name: "s".into(),
                values: vec![1.0, 2.0, 3.0],
            }],
        });
        assert!(svg.contains("<polyline"));
    }

    #[test]
    fn charts_in_russian_and_ukrainian() {
        let c = Chart::Bars {
            title: "Answered and lost calls per day".into(),
            labels: vec!["Mon 23 Nov".into(), "Tue 24 Nov".into()],
            series: vec![
                Series {
                    name: "Answered".into(),
                    values: vec![1.5, 2.0],
                },
                Series {
                    name: "Lost".into(),
                    values: vec![0.0, 1.0],
                },
            ],
        };
        let ru = chart_in(Lang::Ru, &c);
        assert!(ru.contains("Принятые и пропущенные звонки по дням"), "{ru}");
        assert!(ru.contains(">Пн 23 нояб.</text>"), "{ru}");
        assert!(ru.contains(">Пропущенные</text>"), "{ru}");
        assert!(ru.contains(": 1,5</title>"), "{ru}");
        let uk = chart_in(Lang::Uk, &c);
        assert!(
            uk.contains("Прийняті та пропущені дзвінки за днями"),
            "{uk}"
        );
        assert!(uk.contains(">Вт 24 лист.</text>"), "{uk}");
        assert_eq!(chart(&c), chart_in(Lang::En, &c));
        assert!(chart(&c).contains(">Mon 23 Nov</text>"));
    }
}
