//! The README stays true to the code it documents.

#[test]
fn readme_documents_every_csv_column() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for (name, _) in smdrbox::export::COLUMNS {
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "README.md does not document CSV column {name}"
        );
    }
}

#[test]
fn readme_report_settings_parse_as_a_configuration() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let after = readme
        .split_once("Report settings in the configuration")
        .expect("README has the report settings")
        .1;
    let block = after
        .split_once("```toml\n")
        .and_then(|(_, b)| b.split_once("```"))
        .expect("a toml block")
        .0;
    let text = format!("[source]\npath = \"/dev/smdr0\"\n{block}");
    let c = smdrbox::config::Config::parse(std::path::Path::new("README.md"), &text)
        .unwrap_or_else(|e| panic!("{e}"));
    let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let o = c.report_options(d, d);
    assert_eq!(o.tariff_currency, "EUR");
    assert_eq!(o.tariffs.len(), 2);
}

/// The README's section "Status LEDs", up to the next section.
fn readme_led_section() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let after = readme
        .split_once("\n## Status LEDs\n")
        .expect("README has a Status LEDs section")
        .1;
    after.split("\n## ").next().unwrap_or_default().to_string()
}

#[test]
fn readme_led_table_is_the_one_in_the_code() {
    let section = readme_led_section();
    let table = smdrbox::core::leds::markdown_table();
    assert!(
        section.contains(&table),
        "README.md's Status LEDs table differs from core::leds::TABLE; it should read:\n{table}"
    );
}

#[test]
fn readme_led_settings_parse_as_a_configuration() {
    use smdrbox::config::{Config, LedBackend};
    use smdrbox::core::leds::Led;
    let section = readme_led_section();
    let blocks: Vec<&str> = section
        .split("```toml\n")
        .skip(1)
        .filter_map(|b| b.split_once("```").map(|(b, _)| b))
        .collect();
    assert_eq!(blocks.len(), 2, "a sysfs and a gpio example");
    let parse = |block: &str| {
        let text = format!("[source]\npath = \"/dev/smdr0\"\n{block}");
        Config::parse(std::path::Path::new("README.md"), &text)
            .unwrap_or_else(|e| panic!("{e}"))
            .leds
    };
    let sysfs = parse(blocks[0]);
    assert_eq!(sysfs.backend(), LedBackend::Sysfs);
    assert_eq!(
        sysfs.sysfs_name(Led::Amber),
        Some("smdrbox:amber:link"),
        "the README shows the defaults"
    );
    let gpio = parse(blocks[1]);
    assert_eq!(gpio.backend(), LedBackend::Gpio);
    assert_eq!(gpio.gpio_line(Led::Red), Some(22));
}

#[test]
fn readme_tcp_source_examples_parse_as_configurations() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split_once("### SMDR over the network")
        .expect("README has the TCP section")
        .1
        .split_once("\n## ")
        .expect("a section after it")
        .0;
    let blocks: Vec<&str> = section
        .split("```toml\n")
        .skip(1)
        .filter_map(|b| b.split_once("```").map(|(t, _)| t))
        .collect();
    assert_eq!(blocks.len(), 3, "client with login, client, listener");
    for block in blocks {
        smdrbox::config::Config::parse(std::path::Path::new("README.md"), block)
            .unwrap_or_else(|e| panic!("{e}\n{block}"));
    }
}
