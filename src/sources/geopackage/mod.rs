//! The GeoPackage reader (OGC 12-128r18): an SQLite database whose `gpkg_contents` lists
//! its tables. Every feature table (and every attribute table, as features without
//! geometry, for joins) becomes one [`Object`] named after it, in table-name order; a
//! layer picks one with `layer = "name"`. Geometry is GeoPackage binary (a small header,
//! then WKB); columns become properties; the primary key is the feature id.
//!
//! The bytes mapfig read (within `--max-input-bytes`) are handed to a private in-memory
//! SQLite, read-only: the file is never opened again, nothing is written next to it
//! (no `-wal` or `-shm`), no extension can load, SQLite's heap is capped and a query that
//! runs on far past what the file's size explains is interrupted.

mod blob;
mod database;

use super::authority;
use super::dataset::{Dataset, Feature, Object};
use super::properties::Properties;
use super::reader::{Budget, Input, Reader};
use super::validate::Validator;
use super::value::Value;
use crate::error::{Error, Result};
use database::{quote, Database};
use rusqlite::types::ValueRef;
use std::path::Path;

/// The GeoPackage format.
pub struct GeoPackage;

/// The SQLite file header.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Reader for GeoPackage {
    fn name(&self) -> &'static str {
        "GeoPackage"
    }

    /// Any SQLite database: one that is not a GeoPackage is told so by name
    /// ("an SQLite database, not a GeoPackage").
    fn sniff(&self, head: &[u8], _path: &Path) -> bool {
        head.starts_with(SQLITE_MAGIC)
    }

    fn read(&self, input: &Input, budget: &Budget) -> Result<Dataset> {
        let db = Database::open(input)?;
        read(&db, input, budget)
    }
}

/// One table `gpkg_contents` lists.
struct Table {
    name: String,
    /// The geometry column and its CRS, for a feature table.
    geometry: Option<(String, Option<String>)>,
}

fn read(db: &Database, input: &Input, budget: &Budget) -> Result<Dataset> {
    let path = input.path;
    let tables = tables(db)?;
    let declared = common_crs(path, &tables)?;
    let crs = input.options.crs.clone().or(declared);
    let mut features = Vec::new();
    let mut objects = Vec::new();
    let mut vertices = 0u64;
    for t in &tables {
        let start = features.len();
        let mut rows = TableRows {
            path,
            table: t,
            planar: crs.is_some(),
            budget,
            max_rows: input.bytes.len() / 4 + 16,
            vertices: &mut vertices,
            features: &mut features,
        };
        rows.read(db)?;
        objects.push(Object {
            name: t.name.clone(),
            features: start..features.len(),
        });
    }
    let mut data = Dataset::new(path, "GeoPackage", features);
    data.crs = crs;
    data.objects = objects;
    Ok(data)
}

/// The feature and attribute tables, by name.
fn tables(db: &Database) -> Result<Vec<Table>> {
    let listed = db.query(
        "gpkg_contents",
        "SELECT table_name, data_type FROM gpkg_contents \
         WHERE data_type IN ('features', 'attributes') ORDER BY table_name",
        &[],
        |row| {
            let name: String = row.get(0)?;
            let kind: String = row.get(1)?;
            Ok((name, kind))
        },
    )?;
    let mut out = Vec::with_capacity(listed.len());
    for (name, kind) in listed {
        let geometry = if kind == "features" {
            let column = db.query(
                "gpkg_geometry_columns",
                "SELECT g.column_name, s.organization, s.organization_coordsys_id, s.definition \
                 FROM gpkg_geometry_columns g \
                 LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id \
                 WHERE g.table_name = ?1",
                &[&name],
                |row| {
                    let column: String = row.get(0)?;
                    let org: Option<String> = row.get(1)?;
                    let code: Option<i64> = row.get(2)?;
                    let wkt: Option<String> = row.get(3)?;
                    let code = code.and_then(|c| i32::try_from(c).ok()).unwrap_or(0);
                    let crs = authority::declared(org.as_deref(), code, None, wkt.as_deref());
                    Ok((column, crs))
                },
            )?;
            match column.into_iter().next() {
                Some(c) => Some(c),
                None => {
                    return Err(Error::data(
                        db.path(),
                        format!("table {name:?}"),
                        "a features table without a row in gpkg_geometry_columns: the GeoPackage is not valid",
                    ))
                }
            }
        } else {
            None
        };
        out.push(Table { name, geometry });
    }
    if out.is_empty() {
        return Err(Error::data(
            db.path(),
            "gpkg_contents",
            "the GeoPackage lists no features or attributes tables",
        ));
    }
    Ok(out)
}

/// The one CRS of every feature table (a [`Dataset`] has one).
fn common_crs(path: &Path, tables: &[Table]) -> Result<Option<String>> {
    let mut crss = tables
        .iter()
        .filter_map(|t| Some((&t.name, &t.geometry.as_ref()?.1)));
    let Some((first_name, first)) = crss.next() else {
        return Ok(None);
    };
    for (name, crs) in crss {
        if crs != first {
            let show = |c: &Option<String>| c.clone().unwrap_or_else(|| "EPSG:4326".into());
            return Err(Error::data(
                path,
                "gpkg_geometry_columns",
                format!(
                    "tables {first_name:?} ({}) and {name:?} ({}) are in different CRSs; mapfig reads a GeoPackage whose feature tables share one: copy the table you need into its own file with `ogr2ogr -f GPKG out.gpkg {} {name}`",
                    show(first),
                    show(crs),
                    path.display()
                ),
            ));
        }
    }
    Ok(first.clone())
}

/// Reading one table's rows into features.
struct TableRows<'a> {
    path: &'a Path,
    table: &'a Table,
    planar: bool,
    budget: &'a Budget,
    /// More rows than this cannot be stored in the file (a row takes at least 4 bytes
    /// of a page); a view that makes more is refused, keeping memory to the file's size.
    max_rows: usize,
    vertices: &'a mut u64,
    features: &'a mut Vec<Feature>,
}

impl TableRows<'_> {
    fn read(&mut self, db: &Database) -> Result<()> {
        let name = &self.table.name;
        let columns = db.query(
            name,
            &format!(
                "SELECT name, pk FROM pragma_table_info({})",
                quote_text(name)
            ),
            &[],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)),
        )?;
        if columns.is_empty() {
            return Err(Error::data(
                self.path,
                format!("table {name:?}"),
                "gpkg_contents lists this table, but the database has no such table",
            ));
        }
        let pk = columns.iter().position(|(_, pk)| *pk == 1);
        let geometry_column = self.table.geometry.as_ref().map(|(c, _)| c);
        let geometry_at = geometry_column
            .and_then(|g| columns.iter().position(|(c, _)| c.eq_ignore_ascii_case(g)));
        if let (Some(g), None) = (geometry_column, geometry_at) {
            return Err(Error::data(
                self.path,
                format!("table {name:?}"),
                format!("gpkg_geometry_columns names geometry column {g:?}, which the table does not have"),
            ));
        }
        let sql = format!("SELECT * FROM {}", quote(name));
        db.each_row(name, &sql, |row, index| {
            self.feature(row, index, &columns, pk, geometry_at)
        })
    }

    fn feature(
        &mut self,
        row: &rusqlite::Row,
        index: usize,
        columns: &[(String, i64)],
        pk: Option<usize>,
        geometry_at: Option<usize>,
    ) -> Result<()> {
        let place = |what: &str| format!("table {:?}, row {index}{what}", self.table.name);
        if self.features.len() >= self.max_rows {
            return Err(Error::data(
                self.path,
                place(""),
                format!(
                    "the tables yield more rows ({}) than a file of this size can hold: a view that makes rows is refused",
                    self.max_rows
                ),
            ));
        }
        let sqlite = |e: rusqlite::Error| Error::data(self.path, place(""), e.to_string());
        let mut values = Vec::with_capacity(columns.len());
        let mut id = None;
        let mut blob_bytes = None;
        for (i, (name, _)) in columns.iter().enumerate() {
            let v = row.get_ref(i).map_err(sqlite)?;
            if Some(i) == geometry_at {
                blob_bytes = match v {
                    ValueRef::Blob(b) => Some(b),
                    ValueRef::Null => None,
                    _ => {
                        return Err(Error::data(
                            self.path,
                            place(""),
                            format!(
                            "geometry column {name:?} holds a {}, not a GeoPackage geometry blob",
                            v.data_type()
                        ),
                        ))
                    }
                };
                continue;
            }
            let value = match v {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::Number(n.to_string()),
                ValueRef::Real(x) if x.is_finite() => Value::Number(format!("{x}")),
                ValueRef::Real(_) => Value::Null,
                ValueRef::Text(t) => Value::Text(
                    std::str::from_utf8(t)
                        .map_err(|_| {
                            Error::data(
                                self.path,
                                place(""),
                                format!("column {name:?} holds text that is not UTF-8"),
                            )
                        })?
                        .to_string(),
                ),
                ValueRef::Blob(_) => continue,
            };
            if Some(i) == pk {
                // The feature id, as GDAL and QGIS use it; not a property.
                id = Some(match value {
                    Value::Number(t) | Value::Text(t) => t,
                    _ => index.to_string(),
                });
                continue;
            }
            values.push((name.clone(), value));
        }
        let properties = Properties::from_values(values);
        let id = id
            .or_else(|| match properties.value("id") {
                Some(Value::Number(t) | Value::Text(t)) => Some(t),
                _ => None,
            })
            .unwrap_or_else(|| index.to_string());
        let place = format!("{}, feature {id:?}", place(""));
        let v = Validator {
            path: self.path,
            place: &place,
            planar: self.planar,
        };
        let geometry = match blob_bytes {
            Some(b) => blob::read(b, &v)?,
            None => None,
        };
        use geo::CoordsIter;
        *self.vertices += geometry.as_ref().map_or(0, |g| g.coords_count() as u64);
        if *self.vertices > self.budget.left() {
            return Err(Error::data(
                self.path,
                place,
                self.budget.exceeded_message(),
            ));
        }
        self.features.push(Feature {
            id,
            properties,
            geometry,
        });
        Ok(())
    }
}

/// `name` as an SQL string literal.
fn quote_text(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

#[cfg(test)]
mod tests;
