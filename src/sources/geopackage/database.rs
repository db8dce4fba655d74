//! The SQLite side of the GeoPackage reader: a private, read-only, in-memory database made
//! from the bytes already read, with SQLite's heap capped and long queries interrupted,
//! and SQLite's errors turned into mapfig's, naming the file and the table.

use crate::error::{Error, Result};
use crate::sources::reader::Input;
use rusqlite::limits::Limit;
use rusqlite::{Connection, ErrorCode, Row, ToSql, MAIN_DB};
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// `application_id`s (at byte 68 of the file) of GeoPackage 1.2+ (`GPKG`) and 1.0/1.1.
const APPLICATION_IDS: [&[u8; 4]; 3] = [b"GPKG", b"GP10", b"GP11"];

/// SQLite virtual-machine steps between checks of the query budget.
const STEPS_PER_CHECK: i32 = 10_000;

pub struct Database<'a> {
    conn: Connection,
    path: &'a Path,
}

/// `name` as an SQL identifier.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl<'a> Database<'a> {
    /// The database `input.bytes` hold.
    pub fn open(input: &Input<'a>) -> Result<Database<'a>> {
        let (path, bytes) = (input.path, input.bytes);
        let corrupt = |m: String| Error::data(path, "", m);
        if bytes.len() < 100 {
            return Err(corrupt(format!(
                "truncated SQLite database: {} bytes, less than its 100-byte header",
                bytes.len()
            )));
        }
        let mut conn = Connection::open_in_memory().map_err(|e| corrupt(e.to_string()))?;
        // One cap for the whole process (SQLite's heap is shared): room for the largest
        // input and as much again for SQLite's own work.
        let heap = input.limits.max_input_bytes.saturating_mul(2) + (256 << 20);
        let heap = i64::try_from(heap).unwrap_or(i64::MAX);
        conn.pragma_update(None, "hard_heap_limit", heap)
            .map_err(|e| corrupt(e.to_string()))?;
        // A database in WAL mode (bytes 18 and 19 are 2) cannot be opened from memory;
        // the copy is marked as a rollback-journal one, which reads the same pages.
        let mode = [1u8, 1];
        let copy = Read::chain(&bytes[..18], &mode[..]).chain(&bytes[20..]);
        conn.deserialize_read_exact(MAIN_DB, copy, bytes.len(), true)
            .map_err(|e| corrupt(format!("not a readable SQLite database: {e}")))?;
        // Reading the file's tables takes a few steps per byte (checked every 10,000
        // steps, 20 per byte and 2 million more allowed); a query that goes on far longer (a view that
        // recurses) is interrupted.
        let budget = (bytes.len() as u64 / 500).saturating_add(200);
        let checks = Arc::new(AtomicU64::new(0));
        conn.progress_handler(
            STEPS_PER_CHECK,
            Some(move || checks.fetch_add(1, Ordering::Relaxed) >= budget),
        )
        .map_err(|e| corrupt(e.to_string()))?;
        // No value read from a file can be longer than the file (a view could make one).
        let longest = i32::try_from(bytes.len().max(1 << 20)).unwrap_or(i32::MAX);
        conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, longest)
            .map_err(|e| corrupt(e.to_string()))?;
        for (pragma, value) in [("query_only", 1), ("trusted_schema", 0)] {
            conn.pragma_update(None, pragma, value)
                .map_err(|e| corrupt(e.to_string()))?;
        }
        let db = Database { conn, path };
        db.check_geopackage(bytes)?;
        Ok(db)
    }

    pub fn path(&self) -> &Path {
        self.path
    }

    fn check_geopackage(&self, bytes: &[u8]) -> Result<()> {
        let has_contents = self.query(
            "sqlite_master",
            "SELECT 1 FROM sqlite_master WHERE name = 'gpkg_contents' AND type IN ('table', 'view')",
            &[],
            |_| Ok(()),
        )?;
        if has_contents.is_empty() {
            let id = bytes.get(68..72).unwrap_or_default();
            let what = if APPLICATION_IDS.iter().any(|a| &a[..] == id) {
                "a GeoPackage without its gpkg_contents table: the file is not valid"
            } else {
                "an SQLite database, not a GeoPackage (no gpkg_contents table)"
            };
            return Err(Error::data(self.path, "", what));
        }
        Ok(())
    }

    /// The rows of `sql`, each made by `row`; `place` names what is read in errors.
    pub fn query<T>(
        &self,
        place: &str,
        sql: &str,
        params: &[&dyn ToSql],
        mut row: impl FnMut(&Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each_row(place, sql_params(sql, params), |r, _| {
            out.push(row(r).map_err(|e| self.error(place, e))?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` with each row of `sql` and its index; stops at the first error.
    pub fn each_row<'q>(
        &self,
        place: &str,
        sql: impl Into<Sql<'q>>,
        mut f: impl FnMut(&Row, usize) -> Result<()>,
    ) -> Result<()> {
        let sql = sql.into();
        let mut stmt = self
            .conn
            .prepare(sql.text)
            .map_err(|e| self.error(place, e))?;
        let mut rows = stmt.query(sql.params).map_err(|e| self.error(place, e))?;
        let mut index = 0;
        while let Some(row) = rows.next().map_err(|e| self.error(place, e))? {
            f(row, index)?;
            index += 1;
        }
        Ok(())
    }

    fn error(&self, place: &str, e: rusqlite::Error) -> Error {
        let message = match e.sqlite_error_code() {
            Some(ErrorCode::OperationInterrupted) => {
                "reading this ran far longer than the file's size explains (a recursive view?); the GeoPackage is refused".to_string()
            }
            Some(ErrorCode::OutOfMemory) => {
                "SQLite ran out of its memory allowance reading this; the GeoPackage is refused".to_string()
            }
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                format!("the GeoPackage's SQLite database is corrupt: {e}")
            }
            _ => match &e {
                rusqlite::Error::SqliteFailure(_, Some(m)) if m.contains("no such table") => {
                    format!("not a valid GeoPackage: {m}")
                }
                _ => format!("SQLite: {e}"),
            },
        };
        let place = if place.is_empty() {
            String::new()
        } else {
            format!("table {place:?}")
        };
        Error::data(self.path, place, message)
    }
}

/// A statement and its parameters.
pub struct Sql<'q> {
    text: &'q str,
    params: &'q [&'q dyn ToSql],
}

fn sql_params<'q>(text: &'q str, params: &'q [&'q dyn ToSql]) -> Sql<'q> {
    Sql { text, params }
}

impl<'q> From<&'q str> for Sql<'q> {
    fn from(text: &'q str) -> Sql<'q> {
        Sql { text, params: &[] }
    }
}

impl<'q> From<&'q String> for Sql<'q> {
    fn from(text: &'q String) -> Sql<'q> {
        Sql { text, params: &[] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::spec::ReadOptions;

    #[test]
    fn the_database_is_read_only_and_capped() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE gpkg_contents (table_name TEXT, data_type TEXT);")
            .unwrap();
        let bytes = conn.serialize(MAIN_DB).unwrap().to_vec();
        let limits = Limits {
            max_input_bytes: 1 << 20,
            ..Limits::default()
        };
        let input = Input {
            path: Path::new("t.gpkg"),
            bytes: &bytes,
            limits: &limits,
            options: &ReadOptions::default(),
        };
        let db = Database::open(&input).unwrap();
        let get = |pragma: &str| -> i64 {
            db.conn
                .query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(get("query_only"), 1);
        assert_eq!(get("trusted_schema"), 0);
        // The process-wide cap: this test's, or a lower one set first by another test.
        let heap = get("hard_heap_limit");
        assert!(heap > 0 && heap <= (2 << 20) + (256 << 20), "{heap}");
        let e = db
            .conn
            .execute_batch("CREATE TABLE x (a INTEGER)")
            .unwrap_err();
        assert!(
            e.to_string().contains("readonly")
                || e.to_string().contains("read-only")
                || e.to_string().contains("query_only"),
            "{e}"
        );
    }
}
