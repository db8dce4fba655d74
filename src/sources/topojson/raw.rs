//! The TopoJSON document as serde reads it: only the members mapfig uses, typed, in one
//! pass. Arcs are read straight into one flat list of positions (no allocation per
//! position or per arc); an object's `arcs` and `coordinates`, ids and properties stay
//! borrowed raw text until the geometry type says how to read them. `objects` keeps the
//! file's member order.

use serde::de::{Error as _, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::fmt;

#[derive(Deserialize)]
pub struct Document<'a> {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(borrow, default)]
    pub objects: Option<Objects<'a>>,
    #[serde(default)]
    pub arcs: Option<Arcs>,
    #[serde(default)]
    pub transform: Option<Transform>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transform {
    pub scale: [f64; 2],
    pub translate: [f64; 2],
}

/// The `objects` member: names and geometry objects, in file order.
pub struct Objects<'a>(pub Vec<(String, GeometryObject<'a>)>);

/// One geometry object. `kind` is `Some(None)` for `"type": null` (a null geometry),
/// `None` when the member is missing.
#[derive(Deserialize)]
pub struct GeometryObject<'a> {
    #[serde(rename = "type", default, deserialize_with = "present")]
    pub kind: Option<Option<String>>,
    #[serde(borrow, default)]
    pub id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub properties: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub arcs: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub coordinates: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub geometries: Option<Vec<GeometryObject<'a>>>,
}

/// A member that is there, even as `null`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl<'de: 'a, 'a> Deserialize<'de> for Objects<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Objects<'a>, D::Error> {
        d.deserialize_map(ObjectsVisitor(std::marker::PhantomData))
    }
}

struct ObjectsVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for ObjectsVisitor<'a> {
    type Value = Objects<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of named geometry objects")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Objects<'a>, A::Error> {
        let mut objects: Vec<(String, GeometryObject<'a>)> = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            if objects.iter().any(|(n, _)| *n == name) {
                return Err(A::Error::custom(format!(
                    "object {name:?} is named twice in \"objects\": a layer could not tell which one to draw"
                )));
            }
            let object = map.next_value::<GeometryObject<'a>>()?;
            objects.push((name, object));
        }
        Ok(Objects(objects))
    }
}

/// Every arc's positions back to back, as the file writes them (quantized and
/// delta-encoded when the topology has a transform): arc `a` is
/// `positions[starts[a]..starts[a + 1]]`.
pub struct Arcs {
    pub positions: Vec<[f64; 2]>,
    pub starts: Vec<usize>,
}

impl<'de> Deserialize<'de> for Arcs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Arcs, D::Error> {
        d.deserialize_seq(ArcsVisitor)
    }
}

struct ArcsVisitor;

impl<'de> Visitor<'de> for ArcsVisitor {
    type Value = Arcs;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of arcs, each an array of positions")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Arcs, S::Error> {
        let mut arcs = Arcs {
            positions: Vec::new(),
            starts: vec![0],
        };
        while seq
            .next_element_seed(OneArc(&mut arcs.positions))?
            .is_some()
        {
            let arc = arcs.starts.len() - 1;
            let start = arcs.starts[arc];
            let n = arcs.positions.len() - start;
            if n < 2 {
                return Err(S::Error::custom(format!(
                    "arc {arc} has {n} position{}: an arc needs at least 2",
                    if n == 1 { "" } else { "s" }
                )));
            }
            arcs.starts.push(arcs.positions.len());
        }
        Ok(arcs)
    }
}

/// One arc, its positions appended to a shared list.
struct OneArc<'p>(&'p mut Vec<[f64; 2]>);

impl<'de> serde::de::DeserializeSeed<'de> for OneArc<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for OneArc<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an arc: an array of positions")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(Position(p)) = seq.next_element::<Position>()? {
            self.0.push(p);
        }
        Ok(())
    }
}

/// A position: two numbers or more (altitude and beyond are read and ignored).
#[derive(Clone, Copy)]
pub struct Position(pub [f64; 2]);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Position, D::Error> {
        d.deserialize_seq(PositionVisitor)
    }
}

struct PositionVisitor;

impl<'de> Visitor<'de> for PositionVisitor {
    type Value = Position;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a position: an array of two numbers or more")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Position, S::Error> {
        let short = || S::Error::custom("a position needs at least two numbers");
        let x = seq.next_element::<f64>()?.ok_or_else(short)?;
        let y = seq.next_element::<f64>()?.ok_or_else(short)?;
        while seq.next_element::<f64>()?.is_some() {}
        Ok(Position([x, y]))
    }
}
