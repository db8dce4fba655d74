//! CSV and TSV tables (RFC 4180: quoted cells, embedded newlines, CRLF, a byte-order
//! mark). The delimiter (tab, comma or semicolon) is read off the header line. A table
//! with longitude and latitude columns, found by name (`lon`/`lng`/`long`/`longitude`/`x`,
//! `lat`/`latitude`/`y`) or named by the layer (`x = "..."`, `y = "..."`), is a table of
//! points; one without them is a table of features without geometry, for joins. Each row
//! keeps its cells' text in one string ([`Properties::from_row`]): two allocations a row,
//! not two a cell, so a 15 MB table of 300,000 rows is held in about 100 MB.

use super::dataset::{Dataset, Feature};
use super::properties::Properties;
use super::reader::{Budget, Input, Reader};
use super::validate::Validator;
use crate::error::{Error, Result};
use crate::spec::ReadOptions;
use geo::{Geometry, Point};
use std::path::Path;
use std::sync::Arc;

/// The CSV/TSV format.
pub struct Csv;

/// Header names taken for longitude (or easting) and latitude (or northing), compared
/// without regard to case.
const X_NAMES: &[&str] = &["lon", "lng", "long", "longitude", "x"];
const Y_NAMES: &[&str] = &["lat", "latitude", "y"];

/// File extensions a table may have: a table has no signature, so its name must say.
const EXTENSIONS: &[&str] = &["csv", "tsv", "tab", "txt"];

impl Reader for Csv {
    fn name(&self) -> &'static str {
        "CSV"
    }

    /// A text file named as a table (`.csv`, `.tsv`, `.tab`, `.txt`) that does not start
    /// like JSON (`{`, `[`) or a GeoJSON text sequence (RS).
    fn sniff(&self, head: &[u8], path: &Path) -> bool {
        let named = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)));
        let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        named && !head.contains(&0) && !matches!(first, Some(b'{' | b'[' | 0x1E))
    }

    fn read(&self, input: &Input, budget: &Budget) -> Result<Dataset> {
        crate::limits::check_text(input.path, input.bytes)?;
        read_table(input.bytes, input.path, input.options, budget)
    }
}

/// The delimiter of a table: the most frequent of tab, comma and semicolon outside quotes
/// on the header line (comma when the header holds none: a table of one column).
pub fn delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b'\t', 0), (b';', 0)];
    let mut quoted = false;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
                    c.1 += 1;
                }
            }
            _ => {}
        }
    }
    // The first of the most frequent: comma wins a tie.
    let best = counts
        .iter()
        .fold(counts[0], |best, &c| if c.1 > best.1 { c } else { best });
    best.0
}

/// Where a table's points are: the columns of x (longitude) and y (latitude).
#[derive(Debug, Clone, Copy, PartialEq)]
struct PointColumns {
    x: usize,
    y: usize,
}

/// Reads a table; `path` names the file in errors.
fn read_table(
    bytes: &[u8],
    path: &Path,
    options: &ReadOptions,
    budget: &Budget,
) -> Result<Dataset> {
    let rows = read_rows(bytes, path, Some(options), budget)?;
    let mut data = Dataset::new(path, rows.format, rows.features);
    data.crs = options.crs.clone();
    Ok(data)
}

/// A table's rows, each a feature, and its header.
pub(super) struct Rows {
    /// `"CSV"` or `"TSV"`.
    pub format: &'static str,
    pub columns: Arc<[String]>,
    pub features: Vec<Feature>,
}

/// A table read for a join: every row a feature without geometry, whatever its columns
/// are called.
pub(super) fn read_attribute_rows(bytes: &[u8], path: &Path) -> Result<Rows> {
    crate::limits::check_text(path, bytes)?;
    let budget = Budget { limit: 0, held: 0 };
    read_rows(bytes, path, None, &budget)
}

/// Reads a table's rows: points from its coordinate columns when `options` is given
/// (see [`point_columns`]), none when it is `None`.
fn read_rows(
    bytes: &[u8],
    path: &Path,
    options: Option<&ReadOptions>,
    budget: &Budget,
) -> Result<Rows> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let delimiter = delimiter(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    if !next_record(&mut reader, &mut record, path)? {
        return Err(Error::data(
            path,
            "",
            "the file is empty: a CSV table starts with a header line naming its columns",
        ));
    }
    let mut lines = Lines {
        bytes,
        at: 0,
        line: 1,
    };
    let header = lines.at(record.position().map_or(0, |p| p.byte()));
    let columns: Vec<String> = record
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cell_text(c, path, header, || format!("column {}", i + 1)).map(str::to_string)
        })
        .collect::<Result<_>>()?;
    let points = match options {
        Some(options) => point_columns(&columns, options, path, header)?,
        None => None,
    };
    let id_column = id_column(&columns);
    let columns: Arc<[String]> = columns.into();
    let table = Table {
        path,
        columns: &columns,
        points,
        id_column,
        check: Validator {
            path,
            place: "",
            planar: options.is_some_and(|o| o.crs.is_some()),
        },
    };
    let mut features = Vec::new();
    let mut vertices = 0u64;
    while next_record(&mut reader, &mut record, path)? {
        let line = lines.at(record.position().map_or(0, |p| p.byte()));
        let f = table.row(&record, features.len(), line)?;
        if f.geometry.is_some() {
            vertices += 1;
            if vertices > budget.left() {
                return Err(budget.exceeded(path, features.len()));
            }
        }
        features.push(f);
    }
    let format = if delimiter == b'\t' { "TSV" } else { "CSV" };
    Ok(Rows {
        format,
        columns,
        features,
    })
}

/// Line numbers of byte offsets met in increasing order, counted as the read goes (the
/// csv crate's own line count misses CRLF line ends).
struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl Lines<'_> {
    /// The line of the record the csv crate places at byte `offset`: it places a record
    /// after the previous one's terminator, before the line feed of a CRLF and any blank
    /// lines, which a record never starts with.
    fn at(&mut self, offset: u64) -> u64 {
        let mut offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while matches!(self.bytes.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        if let Some(skipped) = self.bytes.get(self.at..offset) {
            self.line += skipped.iter().filter(|&&b| b == b'\n').count() as u64;
            self.at = offset;
        }
        self.line
    }
}

/// Reads the next record into `record`; `false` at the end of the file.
fn next_record(
    reader: &mut csv::Reader<&[u8]>,
    record: &mut csv::ByteRecord,
    path: &Path,
) -> Result<bool> {
    reader
        .read_byte_record(record)
        .map_err(|e| Error::data(path, line_place(record), format!("unreadable CSV ({e})")))
}

/// The line a record starts on, as an error place.
fn line_place(record: &csv::ByteRecord) -> String {
    record
        .position()
        .map_or_else(String::new, |p| format!("line {}", p.line()))
}

/// A cell as text: an error naming the line and column when it is not UTF-8.
fn cell_text<'a>(
    cell: &'a [u8],
    path: &Path,
    line: u64,
    column: impl Fn() -> String,
) -> Result<&'a str> {
    std::str::from_utf8(cell).map_err(|_| {
        Error::data(
            path,
            format!("line {line}, {}", column()),
            "not UTF-8 text: save the table as UTF-8 (for example `iconv -f latin1 -t utf-8`)",
        )
    })
}

/// The column of row ids: `id`, else the one column named so in any case.
fn id_column(columns: &[String]) -> Option<usize> {
    columns.iter().position(|c| c == "id").or_else(|| {
        let mut found = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.eq_ignore_ascii_case("id"));
        match (found.next(), found.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    })
}

/// The point columns of a table: the ones the layer names, else the one pair found by
/// name; `None` for a table without coordinates. A named column that is not there, a
/// half pair or several candidates is an error that lists the columns and says how to
/// name them.
fn point_columns(
    columns: &[String],
    options: &ReadOptions,
    path: &Path,
    header: u64,
) -> Result<Option<PointColumns>> {
    let how =
        "name them with the layer keys x = \"lon\" and y = \"lat\" (or `draw --x lon --y lat`)";
    let list = || {
        columns
            .iter()
            .map(|c| format!("{c:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let named = |name: &str, key: &str| -> Result<usize> {
        columns
            .iter()
            .position(|c| c == name)
            .or_else(|| columns.iter().position(|c| c.eq_ignore_ascii_case(name)))
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{}: {key} = {name:?} names no column of the table; its columns are {}",
                    path.display(),
                    list()
                ))
            })
    };
    let detect = |names: &[&str]| -> Vec<usize> {
        (0..columns.len())
            .filter(|&i| {
                columns
                    .get(i)
                    .is_some_and(|c| names.iter().any(|n| c.eq_ignore_ascii_case(n)))
            })
            .collect()
    };
    let xs = match &options.x {
        Some(n) => vec![named(n, "x")?],
        None => detect(X_NAMES),
    };
    let ys = match &options.y {
        Some(n) => vec![named(n, "y")?],
        None => detect(Y_NAMES),
    };
    let names = |is: &[usize]| -> String {
        is.iter()
            .filter_map(|&i| columns.get(i))
            .map(|c| format!("{c:?}"))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let chosen = options.x.is_some() || options.y.is_some();
    match (xs.as_slice(), ys.as_slice()) {
        ([], []) if !chosen => Ok(None),
        ([x], [y]) if x == y => Err(Error::Usage(format!(
            "{}: column {} cannot be both x and y: {how}",
            path.display(),
            names(&[*x])
        ))),
        ([x], [y]) => Ok(Some(PointColumns { x: *x, y: *y })),
        (_, []) | ([], _) => {
            let (found, missing) = if xs.is_empty() {
                (format!("latitude {}", names(&ys)), "longitude (x)")
            } else {
                (format!("longitude {}", names(&xs)), "latitude (y)")
            };
            Err(Error::data(
                path,
                format!("line {header}"),
                format!(
                    "the table has a {found} column but no {missing} column; its columns are {}: {how}",
                    list()
                ),
            ))
        }
        _ => {
            let many = if xs.len() > 1 { &xs } else { &ys };
            Err(Error::data(
                path,
                format!("line {header}"),
                format!(
                    "several columns could hold the points' coordinates ({}): {how}",
                    names(many)
                ),
            ))
        }
    }
}

/// What every row of one table shares.
struct Table<'a> {
    path: &'a Path,
    columns: &'a Arc<[String]>,
    points: Option<PointColumns>,
    id_column: Option<usize>,
    check: Validator<'a>,
}

impl Table<'_> {
    /// Row `index` (its record read from the file) as a feature.
    fn row(&self, record: &csv::ByteRecord, index: usize, line: u64) -> Result<Feature> {
        if record.len() != self.columns.len() {
            return Err(Error::data(
                self.path,
                format!("line {line}"),
                format!(
                    "the row has {} cells, the header has {}: quote cells that hold the delimiter",
                    record.len(),
                    self.columns.len()
                ),
            ));
        }
        let mut text = String::with_capacity(record.as_slice().len());
        let mut ends = Vec::with_capacity(record.len());
        for (i, cell) in record.iter().enumerate() {
            let name = self.columns.get(i).map_or("", String::as_str);
            text.push_str(cell_text(cell, self.path, line, || {
                format!("column {name:?}")
            })?);
            let end = u32::try_from(text.len()).map_err(|_| {
                Error::data(self.path, format!("line {line}"), "a row of over 4 GiB")
            })?;
            ends.push(end);
        }
        let cell = |i: usize| -> &str {
            let start = i
                .checked_sub(1)
                .and_then(|p| ends.get(p))
                .map_or(0, |&e| e as usize);
            let end = ends.get(i).map_or(start, |&e| e as usize);
            text.get(start..end).unwrap_or("")
        };
        let geometry = match self.points {
            Some(p) => self.point(cell(p.x), cell(p.y), p, line)?,
            None => None,
        };
        let id = match self.id_column.map(cell) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => index.to_string(),
        };
        Ok(Feature {
            id,
            properties: Properties::from_row(self.columns.clone(), text, ends),
            geometry,
        })
    }

    /// The point at cells `x`, `y` of line `line`; `None` when either is empty.
    fn point(&self, x: &str, y: &str, p: PointColumns, line: u64) -> Result<Option<Geometry>> {
        if x.is_empty() || y.is_empty() {
            return Ok(None);
        }
        let place = format!("line {line}");
        let (xs, ys) = if self.check.planar {
            ("x", "y")
        } else {
            ("longitude", "latitude")
        };
        let number = |cell: &str, what: &str, column: usize| -> Result<f64> {
            let name = self.columns.get(column).map_or("", String::as_str);
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => {
                    let hint = if cell.contains(',') {
                        " (write decimals with a point: 1.5, not 1,5)"
                    } else {
                        ""
                    };
                    Err(Error::data(
                        self.path,
                        &place,
                        format!("{what} {cell:?} (column {name:?}) is not a number{hint}"),
                    ))
                }
            }
        };
        let (vx, vy) = (number(x, xs, p.x)?, number(y, ys, p.y)?);
        if !self.check.planar && (vx.abs() > 180.0 + 1e-6 || vy.abs() > 90.0 + 1e-6) {
            return Err(Error::data(
                self.path,
                &place,
                format!(
                    "longitude {x}, latitude {y} is not a position in degrees (longitude -180..180, latitude -90..90); if the columns hold projected coordinates, give the layer's crs (crs = \"EPSG:...\")"
                ),
            ));
        }
        let check = Validator {
            place: &place,
            ..self.check
        };
        Ok(Some(Geometry::Point(Point(check.position([vx, vy], "")?))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::Value;

    fn read(text: &str, options: &ReadOptions) -> Result<Dataset> {
        let budget = Budget {
            limit: 1000,
            held: 0,
        };
        read_table(text.as_bytes(), Path::new("t.csv"), options, &budget)
    }

    fn points(d: &Dataset) -> Vec<Option<(f64, f64)>> {
        d.features
            .iter()
            .map(|f| match f.geometry {
                Some(Geometry::Point(p)) => Some((p.x(), p.y())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn delimiter_comes_from_the_header() {
        assert_eq!(delimiter(b"a,b,c\n1;2;3;4;5\n"), b',');
        assert_eq!(delimiter(b"a;b;c\n"), b';');
        assert_eq!(delimiter(b"id\trate\n"), b'\t');
        assert_eq!(delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(delimiter(b"name\n"), b',');
    }

    #[test]
    fn quoting_bom_crlf_and_semicolons() {
        let text = "\u{feff}name;Lat;LON;code\r\n\"Saint-Denis; \"\"Réunion\"\"\";-20.88;55.45;01001\r\n\"two\r\nlines\";1;2;\r\n";
        let d = read(text, &ReadOptions::default()).unwrap();
        assert_eq!(d.format, "CSV");
        assert_eq!(points(&d), [Some((55.45, -20.88)), Some((2.0, 1.0))]);
        let f = &d.features[0];
        assert_eq!(
            f.properties.value("name"),
            Some(Value::Text("Saint-Denis; \"Réunion\"".into()))
        );
        assert_eq!(
            f.properties.value("code"),
            Some(Value::Text("01001".into()))
        );
        assert_eq!(
            f.properties.value("Lat"),
            Some(Value::Number("-20.88".into()))
        );
        assert_eq!(f.id, "0");
        let g = &d.features[1];
        assert_eq!(
            g.properties.value("name"),
            Some(Value::Text("two\r\nlines".into()))
        );
        assert_eq!(g.properties.value("code"), Some(Value::Null));
        let names: Vec<String> = g
            .properties
            .members()
            .into_iter()
            .map(|(k, _)| k.into_owned())
            .collect();
        assert_eq!(names, ["name", "Lat", "LON", "code"]);
    }

    #[test]
    fn tables_without_coordinates_have_no_geometry() {
        let d = read(
            "id\trate\n1001\t.097\n1003\t.091\n",
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(d.format, "TSV");
        assert_eq!(points(&d), [None, None]);
        assert_eq!(d.features[1].id, "1003");
        assert_eq!(
            d.features[0].properties.value("rate"),
            Some(Value::Number("0.097".into()))
        );
    }

    #[test]
    fn empty_coordinates_are_no_geometry_and_bad_ones_errors() {
        let d = read("name,lat,lng\na,,\nb,1,2\n", &ReadOptions::default()).unwrap();
        assert_eq!(points(&d), [None, Some((2.0, 1.0))]);
        let e = read("name,lat,lng\na,1,2\nb,1,abc\n", &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "t.csv: line 3: longitude \"abc\" (column \"lng\") is not a number"
        );
        let e = read("lat,lng\n1,2\n\"1\n\",500\n", &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.csv: line 3: longitude 500, latitude 1"),
            "{e}"
        );
        let e = read("lat,lng\nNaN,1\n", &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().contains("\"NaN\""), "{e}");
        let e = read(
            "lat;lon\r\n1;2\r\n\r\n\"3\r\n\";x\r\n",
            &ReadOptions::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("t.csv: line 4: longitude \"x\""),
            "{e}"
        );
        let e = read("a,b\n1,2,3\n", &ReadOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.csv: line 2: the row has 3 cells, the header has 2: quote cells that hold the delimiter"
        );
        let e = read("", &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
    }

    #[test]
    fn coordinate_columns_are_one_pair_or_named() {
        let e = read("x,lon,lat\n1,2,3\n", &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().contains("\"x\" and \"lon\""), "{e}");
        assert!(e.to_string().contains("x = \"lon\""), "{e}");
        let e = read("\r\n\nname,latitude\na,1\n", &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().starts_with("t.csv: line 3: "), "{e}");
        assert!(
            e.to_string()
                .contains("latitude \"latitude\" column but no longitude"),
            "{e}"
        );
        let options = ReadOptions {
            x: Some("lon".into()),
            ..Default::default()
        };
        let d = read("x,lon,lat\n1,2,3\n", &options).unwrap();
        assert_eq!(points(&d), [Some((2.0, 3.0))]);
        let options = ReadOptions {
            x: Some("E".into()),
            y: Some("N".into()),
            crs: Some("EPSG:3857".into()),
        };
        let d = read("e,n\n500000,6000000\n", &options).unwrap();
        assert_eq!(points(&d), [Some((500000.0, 6000000.0))]);
        assert_eq!(d.crs.as_deref(), Some("EPSG:3857"));
        let options = ReadOptions {
            x: Some("east".into()),
            ..Default::default()
        };
        let e = read("e,n\n1,2\n", &options).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("\"e\", \"n\""), "{e}");
    }

    #[test]
    fn points_count_against_the_vertex_budget() {
        let budget = Budget { limit: 5, held: 3 };
        let text = "lat,lon\n1,1\n2,2\n3,3\n";
        let e = read_table(
            text.as_bytes(),
            Path::new("t.csv"),
            &Default::default(),
            &budget,
        )
        .unwrap_err();
        assert!(e.to_string().contains("feature 2"), "{e}");
    }

    #[test]
    fn sniff_needs_a_table_name_and_text() {
        let p = Path::new;
        assert!(Csv.sniff(b"a,b\n", p("t.CSV")));
        assert!(Csv.sniff(b"a\tb\n", p("t.tsv")));
        assert!(!Csv.sniff(b"a,b\n", p("t.json")));
        assert!(!Csv.sniff(b"{\"type\": 1}", p("t.txt")));
        assert!(!Csv.sniff(b"\x1e{", p("t.txt")));
        assert!(!Csv.sniff(b"a\0b", p("t.csv")));
    }
}
