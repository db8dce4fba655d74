//! The first stage of a map: each layer's features picked from its data by the layer's
//! `where` filter, as indices into the loaded dataset (geometry is flattened and projected
//! feature by feature later, so no second full copy of the data is ever held).

use crate::error::{Error, Result};
use crate::projection::Planar;
use crate::sources::{DataCache, Dataset, Feature};
use crate::spec::{Filter, Layer, Spec};
use std::sync::Arc;

/// One layer's selected features: indices into its dataset, each with geometry.
pub struct SelectedLayer<'a> {
    pub spec: &'a Layer,
    pub dataset: Arc<Dataset>,
    /// Indices of the features the filter matched that have geometry, in file order.
    pub features: Vec<usize>,
}

impl SelectedLayer<'_> {
    /// The source features behind the selection, in order.
    pub fn source_features(&self) -> impl Iterator<Item = &Feature> {
        self.features
            .iter()
            .filter_map(|i| self.dataset.features.get(*i))
    }
}

/// Every layer of `spec` with its features selected, loading data through `cache`. A
/// layer whose file holds no features, or whose filter matches none, is an error.
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
    spec.layers
        .iter()
        .map(|l| select_layer(spec, l, cache.get_with(&l.source, &l.read)?))
        .collect()
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

fn select_layer<'a>(spec: &Spec, l: &'a Layer, dataset: Arc<Dataset>) -> Result<SelectedLayer<'a>> {
    let mut features = Vec::new();
    let mut matched = 0usize;
    let range = dataset
        .object_range(l.object.as_deref(), &format!("layer {:?}", l.id))
        .map_err(|m| Error::render(&spec.file, m))?;
    let in_object = range.len();
    // Features without geometry draw nothing and take no slot (a file of millions of them).
    for (i, f) in dataset.features[range.clone()].iter().enumerate() {
        let i = i + range.start;
        if f.matches(&l.filter) {
            matched += 1;
            if f.geometry.is_some() {
                features.push(i);
            }
        }
    }
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
    if matched == 0 {
        return Err(Error::render(
            &spec.file,
            format!(
                "layer {:?}: {} matches none of the {} features in {}",
                l.id,
                describe_filter(&l.filter),
                in_object,
                l.source.display()
            ),
        ));
    }
    Ok(SelectedLayer {
        spec: l,
        dataset,
        features,
    })
}

/// A `where` filter in words, for errors: "the layer" when it selects everything.
pub fn describe_filter(f: &Filter) -> String {
    if f.0.is_empty() {
        return "the layer".into();
    }
    let parts: Vec<String> =
        f.0.iter()
            .map(|(k, v)| {
                let vs: Vec<String> = v.iter().map(|x| x.to_string()).collect();
                format!("{k} = {}", vs.join(" | "))
            })
            .collect();
    format!("`where` {}", parts.join(", "))
}
