//! The first stage of a map: each layer's features picked from its data by the layer's
//! `where` filter, as indices into the loaded dataset (geometry is flattened and projected
//! feature by feature later, so no second full copy of the data is ever held).

use crate::error::{Error, Result};
use crate::projection::Planar;
use crate::sources::join::{self, JoinReport};
use crate::sources::{DataCache, Dataset, Feature};
use crate::spec::{Extent, Filter, Layer, Spec};
use std::sync::Arc;

/// One layer's selected features: indices into its dataset, each with geometry.
#[derive(Clone)]
pub struct SelectedLayer<'a> {
    pub spec: &'a Layer,
    pub dataset: Arc<Dataset>,
    /// Indices of the features the filter matched that have geometry, in file order.
    pub features: Vec<usize>,
    /// What the layer's join matched, when it has one.
    pub join: Option<JoinReport>,
    /// Why the layer draws nothing, when its `where` filter matched no feature (see
    /// [`select_warnings`]).
    pub warning: Option<String>,
}

impl SelectedLayer<'_> {
    /// The source features behind the selection, in order.
    pub fn source_features(&self) -> impl Iterator<Item = &Feature> {
        self.features
            .iter()
            .filter_map(|i| self.dataset.features.get(*i))
    }
}

/// Every layer of `spec` with its features selected, loading data through `cache`: each
/// layer's table joined to its features first (see [`crate::sources::join`]), then its
/// `where` filter applied. A layer whose file holds no features is an error; one whose
/// filter matches none draws nothing, with a warning (an error under the spec's
/// `strict = true`, or when the layers the map is fitted to all match none).
///
/// The first of the prepare stages, each taking and returning plain values:
///
/// ```
/// use mapfig::prepare::{extent::lon_lat_extent, select::select_layers};
/// let spec = mapfig::spec::parse(
///     "[[layer]]\nid = \"square\"\nsource = \"antimeridian.geojson\"\nwhere = { id = \"square-jump\" }\n",
///     std::path::Path::new("tests/data/map.toml"),
/// )?;
/// let layers = select_layers(&spec, &mut mapfig::sources::DataCache::default())?;
/// assert_eq!(layers[0].features.len(), 1);
/// let extent = lon_lat_extent(&spec, &layers)?;
/// assert_eq!(extent.bbox, [-170.0, -10.0, 170.0, 10.0]);
/// assert_eq!(extent.minimum, None);
/// # Ok::<(), mapfig::Error>(())
/// ```
pub fn select_layers<'a>(spec: &'a Spec, cache: &DataCache) -> Result<Vec<SelectedLayer<'a>>> {
    let layers = spec
        .layers
        .iter()
        .map(|l| select_layer(spec, l, cache))
        .collect::<Result<Vec<_>>>()?;
    let fitted = |l: &Layer| match &spec.extent {
        Extent::Fit { layers, .. } => layers.is_empty() || layers.contains(&l.id),
        Extent::BBox(_) => true,
    };
    let mut fitted_layers = layers.iter().filter(|s| fitted(s.spec)).peekable();
    let first_empty = fitted_layers.peek().and_then(|s| s.warning.clone());
    if let Some(w) = first_empty {
        if fitted_layers.all(|s| s.warning.is_some()) {
            // Nothing left to fit the map to: the filter is the mistake to report.
            return Err(Error::render(&spec.file, w));
        }
    }
    Ok(layers)
}

/// The warnings of the selection, one sentence each: a layer whose filter matched nothing.
pub fn select_warnings(layers: &[SelectedLayer]) -> Vec<String> {
    layers
        .iter()
        .filter_map(|s| s.warning.as_ref())
        .map(|w| format!("{w}: the layer draws nothing"))
        .collect()
}

/// What each joined layer's join matched, in layer order.
pub fn join_reports(layers: &[SelectedLayer]) -> Vec<JoinReport> {
    layers.iter().filter_map(|s| s.join.clone()).collect()
}

/// The planar coordinates the layers are in, if they are (see [`crate::projection::Planar`]),
/// `None` for longitude/latitude; an error when some are planar and others not (or
/// planar in the other sense), since nothing relates their coordinates.
pub fn planar_layers(spec: &Spec, layers: &[SelectedLayer]) -> Result<Option<Planar>> {
    let name = |p: Option<Planar>| match p {
        Some(p) => format!("crs = {:?}", p.name()),
        None => "longitude/latitude".to_string(),
    };
    let Some(first) = layers.first() else {
        return Ok(None);
    };
    let kind = first.dataset.planar();
    match layers.iter().find(|l| l.dataset.planar() != kind) {
        None => Ok(kind),
        Some(other) => Err(Error::render(
            &spec.file,
            format!(
                "layer {:?} is in {} but layer {:?} in {}: planar coordinates cannot be placed on the same map as other coordinates; give the pre-projected file its real CRS (crs = \"EPSG:…\") so it is reprojected, or draw the layers on separate maps",
                first.spec.id,
                name(kind),
                other.spec.id,
                name(other.dataset.planar())
            ),
        )),
    }
}

/// One layer of `spec` with its features selected (see [`select_layers`]).
pub fn select_layer<'a>(spec: &Spec, l: &'a Layer, cache: &DataCache) -> Result<SelectedLayer<'a>> {
    let mut dataset = cache.get_with(&l.source, &l.read)?;
    let mut features = Vec::new();
    let mut matched = 0usize;
    let range = dataset
        .object_range(l.object.as_deref(), &format!("layer {:?}", l.id))
        .map_err(|m| Error::render(&spec.file, m))?;
    let in_object = range.len();
    if in_object == 0 {
        // Valid data, but a map of nothing is a broken export far more often than a wish.
        let what = match &l.object {
            Some(o) => format!("its {} {o:?} holds no features", dataset.object_noun()),
            None if dataset.format == "GeoJSON" => {
                "holds no features (an empty FeatureCollection)".to_string()
            }
            None => "holds no features".to_string(),
        };
        return Err(Error::data(
            &l.source,
            "",
            format!("{what}: nothing to draw for layer {:?}", l.id),
        ));
    }
    let mut report = None;
    if let Some(j) = &l.join {
        let table = cache.get_table(&j.data)?;
        let strict = j.strict || spec.strict;
        // A key or column the table lacks is the spec's mistake: say which spec.
        let (joined, r) =
            join::join(&dataset, range.clone(), &table, j, &l.id, strict).map_err(|e| match e {
                Error::Usage(m) => Error::Usage(format!("{}: {m}", spec.file.display())),
                e => e,
            })?;
        dataset = Arc::new(joined);
        report = Some(r);
    }
    // Features without geometry draw nothing and take no slot (a file of millions of them).
    for (i, f) in dataset.features[range.clone()].iter().enumerate() {
        let i = i + range.start;
        if f.matches(&l.filter) && f.matches(&l.panel_filter) {
            matched += 1;
            if f.geometry.is_some() {
                features.push(i);
            }
        }
    }
    let mut warning = None;
    if matched == 0 {
        let message = format!(
            "layer {:?}: {} matches none of the {} features in {}",
            l.id,
            describe_filter(&l.filter),
            in_object,
            l.source.display()
        );
        if spec.strict {
            return Err(Error::render(
                &spec.file,
                format!("{message} (strict = true)"),
            ));
        }
        warning = Some(message);
    }
    Ok(SelectedLayer {
        spec: l,
        dataset,
        features,
        join: report,
        warning,
    })
}

/// A `where` filter in words, for errors: "the layer" when it selects everything.
pub fn describe_filter(f: &Filter) -> String {
    f.describe()
}
