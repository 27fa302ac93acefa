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
