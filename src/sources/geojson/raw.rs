//! The document as serde reads it: only the members mapfig uses. Coordinates, ids and
//! properties are kept as borrowed raw JSON text (serde only checks it is well-formed);
//! coordinates are read by [`coords`](super::coords). The `features` array is not
//! collected: each member goes to the [`Parse`] as soon as it is read.

use super::{check_depth, Failure, Parse, BATCH};
use crate::sources::exact;
use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

pub struct Document<'a> {
    pub kind: String,
    pub features: Features<'a>,
    /// `Some(None)` for `"geometry": null`, `None` when the member is missing.
    pub geometry: Option<Option<Geometry<'a>>>,
    pub id: Option<&'a RawValue>,
    pub properties: Option<&'a RawValue>,
    pub coordinates: Option<&'a RawValue>,
    pub geometries: Option<Vec<Geometry<'a>>>,
    /// The legacy (GeoJSON 2008) `crs` member, raw.
    pub crs: Option<&'a RawValue>,
}

/// What became of a document's `features` member.
pub enum Features<'a> {
    Absent,
    /// Read into the parse state as it went by (`"type"` came first, as usual).
    Streamed,
    /// Met before the document said it is a FeatureCollection: read after.
    Later(&'a RawValue),
}

pub struct Feature<'a> {
    pub id: Option<&'a RawValue>,
    pub properties: Option<&'a RawValue>,
    pub geometry: Option<Geometry<'a>>,
}

pub struct Geometry<'a> {
    pub kind: Cow<'static, str>,
    pub coordinates: Option<&'a RawValue>,
    pub geometries: Option<Vec<Geometry<'a>>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Geometry<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Geometry<'a>, D::Error> {
        d.deserialize_map(GeometryVisitor(std::marker::PhantomData))
    }
}

struct GeometryVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for GeometryVisitor<'a> {
    type Value = Geometry<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON geometry object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Geometry<'a>, A::Error> {
        let mut kind: Option<TypeName> = None;
        let mut coordinates: Option<&'a RawValue> = None;
        let mut geometries: Option<Vec<Geometry<'a>>> = None;
        while let Some(key) = map.next_key::<Name>()? {
            match key {
                Name::Type => once(&mut kind, "type", &mut map)?,
                Name::Coordinates => once(&mut coordinates, "coordinates", &mut map)?,
                Name::Geometries => once(&mut geometries, "geometries", &mut map)?,
                _ => {
                    map.next_value::<Checked>()?;
                }
            }
        }
        Ok(Geometry {
            kind: kind.ok_or_else(|| A::Error::missing_field("type"))?.0,
            coordinates,
            geometries,
        })
    }
}

/// A member mapfig does not use, walked (not built) so serde counts its nesting
/// against the recursion limit, which skipping it as `IgnoredAny` would not.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Checked, D::Error> {
        d.deserialize_any(Checked)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Checked, S::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value::<Checked>()?;
        }
        Ok(Checked)
    }
}

const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// A member name, read without allocating.
#[derive(Clone, Copy, PartialEq)]
enum Name {
    Type,
    Features,
    Geometry,
    Id,
    Properties,
    Coordinates,
    Geometries,
    Crs,
    Other,
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Name, E> {
                Ok(match s {
                    "type" => Name::Type,
                    "features" => Name::Features,
                    "geometry" => Name::Geometry,
                    "id" => Name::Id,
                    "properties" => Name::Properties,
                    "coordinates" => Name::Coordinates,
                    "geometries" => Name::Geometries,
                    "crs" => Name::Crs,
                    _ => Name::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// A `"type"` value; the GeoJSON names without allocating.
struct TypeName(Cow<'static, str>);

impl<'de> Deserialize<'de> for TypeName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TypeName, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TypeName;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a GeoJSON type name")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<TypeName, E> {
                Ok(TypeName(
                    GEOMETRY_TYPES
                        .iter()
                        .chain(&["Feature", "FeatureCollection"])
                        .find(|&&t| t == s)
                        .map_or_else(|| Cow::Owned(s.to_string()), |&t| Cow::Borrowed(t)),
                ))
            }
        }
        d.deserialize_str(V)
    }
}

/// Sets `slot` once, refusing a member given twice (JSON allows it; GeoJSON means one).
fn once<'de, T, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    name: &'static str,
    map: &mut A,
) -> Result<(), A::Error>
where
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

pub struct DocumentSeed<'r, 'a>(pub &'r mut Parse<'a>);

impl<'a> DeserializeSeed<'a> for DocumentSeed<'_, 'a> {
    type Value = Document<'a>;

    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<Document<'a>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'a> Visitor<'a> for DocumentSeed<'_, 'a> {
    type Value = Document<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON object")
    }

    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Document<'a>, A::Error> {
        let mut kind: Option<TypeName> = None;
        let mut features = Features::Absent;
        let mut geometry = None;
        let mut id = None;
        let mut properties: Option<&'a RawValue> = None;
        let mut coordinates = None;
        let mut geometries = None;
        let mut crs = None;
        while let Some(key) = map.next_key::<Name>()? {
            match key {
                Name::Type => once(&mut kind, "type", &mut map)?,
                Name::Crs => once(&mut crs, "crs", &mut map)?,
                Name::Features => {
                    if !matches!(features, Features::Absent) {
                        return Err(A::Error::duplicate_field("features"));
                    }
                    if kind.as_ref().map(|k| k.0.as_ref()) == Some("FeatureCollection") {
                        map.next_value_seed(FeaturesSeed(&mut *self.0))?;
                        features = Features::Streamed;
                    } else {
                        features = Features::Later(map.next_value()?);
                    }
                }
                Name::Geometry => {
                    if geometry.is_some() {
                        return Err(A::Error::duplicate_field("geometry"));
                    }
                    geometry = Some(map.next_value::<Option<Geometry<'a>>>()?);
                }
                Name::Id => once(&mut id, "id", &mut map)?,
                Name::Properties => once(&mut properties, "properties", &mut map)?,
                Name::Coordinates => once(&mut coordinates, "coordinates", &mut map)?,
                Name::Geometries => once(&mut geometries, "geometries", &mut map)?,
                Name::Other => {
                    map.next_value::<Checked>()?;
                }
            }
        }
        if let Some(p) = properties {
            if let Err(e) = check_depth(p.get(), 1, &self.0.src) {
                self.0.failure = Some(Failure::Done(e));
                return Err(A::Error::custom("too deep"));
            }
        }
        Ok(Document {
            kind: kind
                .ok_or_else(|| A::Error::missing_field("type"))?
                .0
                .into_owned(),
            features,
            geometry,
            id,
            properties,
            coordinates,
            geometries,
            crs,
        })
    }
}

/// Reads a `features` array member by member into the parse state.
pub struct FeaturesSeed<'r, 'a>(pub &'r mut Parse<'a>);

impl<'a> DeserializeSeed<'a> for FeaturesSeed<'_, 'a> {
    type Value = ();

    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'a> Visitor<'a> for FeaturesSeed<'_, 'a> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence (the \"features\" array)")
    }

    fn visit_seq<S: SeqAccess<'a>>(self, mut seq: S) -> Result<(), S::Error> {
        let state = self.0;
        let mut index = state.pending.len() + state.sent;
        loop {
            let seed = FeatureSeed {
                index,
                state: &mut *state,
            };
            let Some(f) = seq.next_element_seed(seed)? else {
                return Ok(());
            };
            state.pending.push((index, f));
            if state.pending.len() >= BATCH && state.flush().is_err() {
                return Err(S::Error::custom("stopped"));
            }
            index += 1;
        }
    }
}

/// One member of `features`, which must be a Feature object.
struct FeatureSeed<'r, 'a> {
    index: usize,
    state: &'r mut Parse<'a>,
}

impl<'a> FeatureSeed<'_, 'a> {
    fn refuse<T, E: serde::de::Error>(self, message: String) -> Result<T, E> {
        self.state.failure = Some(Failure::NotAFeature(self.index, message));
        Err(E::custom("not a Feature"))
    }

    fn not_an_object<T, E: serde::de::Error>(self, what: &str) -> Result<T, E> {
        self.refuse(format!(
            "each member of \"features\" must be a Feature object {{\"type\": \"Feature\", \"geometry\": …}}, this one is {what}"
        ))
    }
}

impl<'a> DeserializeSeed<'a> for FeatureSeed<'_, 'a> {
    type Value = Feature<'a>;

    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<Feature<'a>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'a> Visitor<'a> for FeatureSeed<'_, 'a> {
    type Value = Feature<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Feature object")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Feature<'a>, E> {
        self.not_an_object("a boolean")
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Feature<'a>, E> {
        self.not_an_object("a number")
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Feature<'a>, E> {
        self.not_an_object("a number")
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Feature<'a>, E> {
        self.not_an_object("a number")
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Feature<'a>, E> {
        self.not_an_object("a string")
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Feature<'a>, E> {
        self.not_an_object("null")
    }
    fn visit_seq<S: SeqAccess<'a>>(self, _: S) -> Result<Feature<'a>, S::Error> {
        self.not_an_object("an array")
    }

    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Feature<'a>, A::Error> {
        let mut kind: Option<TypeName> = None;
        let mut geometry: Option<Option<Geometry<'a>>> = None;
        let mut id: Option<&'a RawValue> = None;
        let mut properties: Option<&'a RawValue> = None;
        while let Some(key) = map.next_key::<Name>()? {
            match key {
                Name::Type => once(&mut kind, "type", &mut map)?,
                Name::Geometry => {
                    if geometry.is_some() {
                        return Err(A::Error::duplicate_field("geometry"));
                    }
                    geometry = Some(map.next_value()?);
                }
                Name::Id => once(&mut id, "id", &mut map)?,
                Name::Properties => once(&mut properties, "properties", &mut map)?,
                _ => {
                    map.next_value::<Checked>()?;
                }
            }
        }
        match kind.as_ref().map(|k| k.0.as_ref()) {
            Some("Feature") => {}
            None => return self.refuse(
                "has no \"type\": each member of \"features\" must be a Feature object {\"type\": \"Feature\", \"geometry\": …}".into(),
            ),
            Some(t) if GEOMETRY_TYPES.contains(&t) => return self.refuse(format!(
                "is a bare {t} geometry, not a Feature: wrap it as {{\"type\": \"Feature\", \"properties\": {{}}, \"geometry\": …}}"
            )),
            Some(t) => return self.refuse(format!(
                "has \"type\": {t:?}; each member of \"features\" must be a Feature"
            )),
        }
        let Some(geometry) = geometry else {
            return self.refuse(
                "has no \"geometry\" member: a Feature needs one (null is allowed)".into(),
            );
        };
        if let Some(p) = properties {
            if !(p.get().starts_with('{') || p.get() == "null") {
                return self.refuse("\"properties\" must be an object or null".into());
            }
            // Inside the document, the features array and the feature: 3 levels.
            if let Err(e) = check_depth(p.get(), 3, &self.state.src) {
                self.state.failure = Some(Failure::Done(e));
                return Err(A::Error::custom("too deep"));
            }
        }
        if let Some(i) = id {
            let t = i.get();
            if !(t.starts_with('"') || t == "null" || exact::is_number(t)) {
                return self.refuse("\"id\" must be a string or a number".into());
            }
        }
        Ok(Feature {
            id,
            properties,
            geometry,
        })
    }
}
