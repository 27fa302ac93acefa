//! The phonebook table (migration 5): replaced as a whole by an upload, in one transaction, so
//! a reader sees the old book or the new one, never a mix.

use super::Store;
use crate::phonebook::{Entry, Tag};
use anyhow::{Context, Result};
use rusqlite::{params, Connection};
use std::path::Path;

/// The book's rows in file order; empty when the table does not exist yet (a database the
/// daemon has not migrated, read by the CLI).
pub(super) fn load(conn: &Connection) -> Result<Vec<Entry>> {
    let exists: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'phonebook'",
            [],
            |r| r.get(0),
        )
        .context("looking for the phonebook table")?;
    if !exists {
        return Ok(Vec::new());
    }
    let mut st =
        conn.prepare_cached("SELECT number, name, tag, note FROM phonebook ORDER BY line")?;
    let rows = st.query_map([], |r| {
        let tag: Option<String> = r.get(2)?;
        Ok(Entry {
            number: r.get(0)?,
            name: r.get(1)?,
            // The table's CHECK allows only the keys.
            tag: tag.as_deref().and_then(Tag::from_key),
            note: r.get(3)?,
        })
    })?;
    rows.collect::<rusqlite::Result<_>>()
        .context("reading the phonebook")
}

impl Store {
    /// Replace the phonebook of the database at `db` with `entries`, in one transaction, on a
    /// connection of its own (the daemon's writer keeps its own; WAL and the busy timeout let
    /// both write). Opening migrates the schema if needed. Returns how many were stored.
    pub fn replace_phonebook(db: &Path, entries: &[Entry]) -> Result<usize> {
        let mut store = Store::open(db)?;
        let tx = store.conn.transaction()?;
        tx.execute("DELETE FROM phonebook", [])
            .context("clearing the phonebook")?;
        {
            let mut st = tx.prepare(
                "INSERT INTO phonebook(line, number, name, tag, note) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (i, e) in entries.iter().enumerate() {
                st.execute(params![
                    i as i64 + 1,
                    e.number,
                    e.name,
                    e.tag.map(Tag::key),
                    e.note
                ])
                .with_context(|| format!("storing phonebook entry {}", e.number))?;
            }
        }
        tx.commit()
            .with_context(|| format!("saving the phonebook in {}", db.display()))?;
        Ok(entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::read::Reader;

    #[test]
    fn replaced_as_a_whole_and_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        drop(Store::open(&db).unwrap());
        assert!(Reader::open(&db).unwrap().phonebook().unwrap().is_empty());
        let first = crate::phonebook::parse(
            "number;name;tag\n+7 495 1234567;Acme;vip\n0364538740;Rossi;\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(Store::replace_phonebook(&db, &first).unwrap(), 2);
        assert_eq!(Reader::open(&db).unwrap().phonebook().unwrap(), first);
        let second = crate::phonebook::parse(b"0441234567,Kyiv,competitor\n").unwrap();
        Store::replace_phonebook(&db, &second).unwrap();
        assert_eq!(Reader::open(&db).unwrap().phonebook().unwrap(), second);
    }
}
