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
