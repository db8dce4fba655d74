//! Shared arcs a file stores (TopoJSON's), kept with its [`super::Dataset`] so prepare can
//! simplify and draw inner borders over the file's own topology instead of rebuilding it.

/// An arc as a geometry refers to it: its index, and whether it is walked backwards
/// (TopoJSON writes arc `i` reversed as `~i`, i.e. `-i - 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArcRef {
    pub arc: u32,
    pub reversed: bool,
}

/// One feature's polygons as arcs: polygons, each its rings (exterior first), each its arcs,
/// in the order [`crate::geom::flatten`] lists the feature's polygons.
pub type ShapeArcs = Vec<Vec<Vec<ArcRef>>>;

/// The arcs of a file: every arc's positions as the features hold them (longitude/latitude,
/// or the layer's `crs`), and for every feature of the dataset its polygons as arcs.
#[derive(Debug)]
pub struct SourceTopology {
    points: Vec<[f64; 2]>,
    starts: Vec<usize>,
    /// `shapes[feature]`: the feature's polygons, rings and arcs (empty for features
    /// without polygons).
    pub shapes: Vec<ShapeArcs>,
}

impl SourceTopology {
    /// Arcs `points[starts[a]..starts[a + 1]]`, and each feature's polygons as arcs.
    pub fn new(points: Vec<[f64; 2]>, starts: Vec<usize>, shapes: Vec<ShapeArcs>) -> Self {
        SourceTopology {
            points,
            starts,
            shapes,
        }
    }

    pub fn arc_count(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// The positions of arc `a` (empty when there is no such arc).
    pub fn arc(&self, a: usize) -> &[[f64; 2]] {
        match (self.starts.get(a), self.starts.get(a + 1)) {
            (Some(&s), Some(&e)) => self.points.get(s..e).unwrap_or(&[]),
            _ => &[],
        }
    }
}
