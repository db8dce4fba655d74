//! Map projections (proj4rs) and fitting projected data to a pixel frame.
//!
//! A [`Projection`] turns lon/lat degrees into projected metres; a [`Fit`] turns metres into
//! pixels (uniform scale, y down). Keeping the two apart means scale bars and north arrows can
//! ask the projection about the ground while layout only deals in pixels.
//!
//! ```
//! use mapfig::projection::{Fit, Projection};
//!
//! // Kabul in a Lambert conformal conic centred on Afghanistan…
//! let p = Projection::parse("+proj=lcc +lat_1=30.9 +lat_2=37 +lat_0=33.9 +lon_0=67.7").unwrap();
//! let kabul = p.forward(69.17, 34.53).unwrap();
//! assert!(kabul[0] > 0.0 && kabul[1] > 0.0); // east and north of the centre
//! // …and into a 400×300 px frame fitted to a 2000 km square round the centre.
//! let fit = Fit::new([-1e6, -1e6, 1e6, 1e6], [0.0, 0.0, 400.0, 300.0], 0.0);
//! let [x, y] = fit.to_pixel(kabul);
//! assert!(x > 200.0 && y < 150.0); // right of and above the middle (y points down)
//! ```

mod albers_usa;

pub use albers_usa::{AlbersUsa, UsaPart};
use proj4rs::transform::{transform, Transform, TransformClosure};
use proj4rs::Proj;

/// The name of the composite projection of the United States (see [`AlbersUsa`]).
pub const ALBERS_USA: &str = "albers-usa";

/// The latitude limit of Web Mercator (EPSG:3857), where the projected map is square.
pub const WEB_MERCATOR_MAX_LAT: f64 = 85.051_128_779_806_59;

/// A cartographic projection from WGS84 longitude/latitude.
pub struct Projection {
    geographic: Proj,
    target: Proj,
    /// The definition it was built from (`EPSG:…` or a proj string).
    pub definition: String,
    /// Data in planar coordinates, drawn as they are (see [`Projection::planar`]).
    planar: Option<Planar>,
    /// The composite `albers-usa`, which draws by parts instead of through proj4rs.
    composite: Option<AlbersUsa>,
}

impl std::fmt::Debug for Projection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Projection({})", self.definition)
    }
}

struct Points<'a>(&'a mut [[f64; 2]]);

impl Transform for Points<'_> {
    fn transform_coordinates<F: TransformClosure>(
        &mut self,
        f: &mut F,
    ) -> proj4rs::errors::Result<()> {
        for p in self.0.iter_mut() {
            let (x, y, _) = f(p[0], p[1], 0.0)?;
            *p = [x, y];
        }
        Ok(())
    }
}

impl Projection {
    /// Parses `EPSG:nnnn`, a `+proj=…` string or `albers-usa`.
    pub fn parse(definition: &str) -> Result<Projection, String> {
        let def = definition.trim();
        if def.eq_ignore_ascii_case(ALBERS_USA) {
            return Projection::albers_usa();
        }
        let target = Proj::from_user_string(def).map_err(|e| {
            format!("unknown or unsupported projection {def:?} ({e}); use \"EPSG:nnnn\", a proj string such as \"+proj=lcc +lat_1=33 +lat_2=38 +lon_0=68\", \"albers-usa\" or \"auto\"")
        })?;
        let geographic = Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs")
            .map_err(|e| format!("internal: WGS84 definition rejected ({e})"))?;
        let p = Projection {
            geographic,
            target,
            definition: def.to_string(),
            planar: None,
            composite: None,
        };
        // Reject definitions that cannot project an ordinary point near their origin.
        let lon0 = p.target.longitude_of_origin().to_degrees();
        let lat0 = p
            .target
            .latitude_of_origin()
            .to_degrees()
            .clamp(-80.0, 80.0);
        if p.forward(lon0, lat0).is_none() && p.forward(0.0, 0.0).is_none() {
            return Err(format!(
                "projection {def:?} cannot project points near its own origin"
            ));
        }
        Ok(p)
    }

    /// A projection suited to data covering `bbox` (west, south, east, north; `east < west`
    /// means the box crosses the antimeridian). Valid for every box, points and poles
    /// included:
    /// - wider or taller than 40°: Robinson centred on the box, or a polar Lambert azimuthal
    ///   equal-area when the whole box lies poleward of 45°;
    /// - regional boxes reaching a pole or centred poleward of 70°: polar Lambert azimuthal;
    /// - regional boxes centred within 20° of the equator: Mercator (transverse Mercator
    ///   when taller than wide), since a conic's cone flattens out there and proj4rs rejects
    ///   standard parallels symmetric about the equator;
    /// - otherwise a Lambert conformal conic with standard parallels at 1/6 and 5/6 of the
    ///   latitude span.
    pub fn auto(bbox: [f64; 4]) -> Result<Projection, String> {
        let def = auto_definition(bbox);
        Projection::parse(&def).or_else(|first| {
            // Not expected for any box; a world map is still a right map of the data.
            Projection::parse("+proj=robin +datum=WGS84 +units=m")
                .map_err(|m| format!("no projection fits the extent {bbox:?}: {first}; {m}"))
        })
    }

    /// The "projection" of data in planar coordinates (a layer's `crs = "screen"` or
    /// `"planar"`): none. Positions are drawn as they are, fitted to the frame, y flipped
    /// for screen coordinates; there is no longitude/latitude behind them, so no inverse
    /// (no scale bar, north arrow or graticule) and no domain to clip to.
    pub fn planar(kind: Planar) -> Result<Projection, String> {
        let longlat = || {
            Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs")
                .map_err(|e| format!("internal: WGS84 definition rejected ({e})"))
        };
        Ok(Projection {
            geographic: longlat()?,
            target: longlat()?,
            definition: kind.name().to_string(),
            planar: Some(kind),
            composite: None,
        })
    }

    /// The composite projection of the United States, as d3.geoAlbersUsa (see
    /// [`AlbersUsa`]): the lower 48 in Albers, Alaska and Hawaii in insets.
    pub fn albers_usa() -> Result<Projection, String> {
        let longlat = || {
            Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs")
                .map_err(|e| format!("internal: WGS84 definition rejected ({e})"))
        };
        Ok(Projection {
            geographic: longlat()?,
            target: longlat()?,
            definition: ALBERS_USA.to_string(),
            planar: None,
            composite: Some(AlbersUsa::new()),
        })
    }

    /// The composite projection this is, if it is one.
    pub fn composite(&self) -> Option<&AlbersUsa> {
        self.composite.as_ref()
    }

    /// Whether the map draws planar coordinates as they are.
    pub fn is_planar(&self) -> bool {
        self.planar.is_some()
    }

    /// The central meridian in degrees (where the map's antimeridian cut goes opposite).
    pub fn central_meridian(&self) -> f64 {
        if let Some(c) = &self.composite {
            return c.central_meridian();
        }
        self.target.longitude_of_origin().to_degrees()
    }

    /// Projects lon/lat degrees; `None` where the projection is undefined.
    pub fn forward(&self, lon: f64, lat: f64) -> Option<[f64; 2]> {
        let mut p = [[lon, lat]];
        self.forward_in_place(&mut p).then_some(p[0])
    }

    /// Projects in place; returns false (leaving garbage) if any point fails.
    pub fn forward_in_place(&self, points: &mut [[f64; 2]]) -> bool {
        if let Some(kind) = self.planar {
            if kind == Planar::Screen {
                // y grows down the screen, up the map.
                points.iter_mut().for_each(|p| p[1] = -p[1]);
            }
            return points.iter().all(|p| p[0].is_finite() && p[1].is_finite());
        }
        if let Some(c) = &self.composite {
            let mut ok = true;
            for p in points.iter_mut() {
                match c.forward(p[0], p[1]) {
                    Some(m) => *p = m,
                    None => ok = false,
                }
            }
            return ok;
        }
        for p in points.iter_mut() {
            *p = [p[0].to_radians(), p[1].to_radians()];
        }
        let ok = transform(&self.geographic, &self.target, &mut Points(points)).is_ok();
        if self.target.is_latlong() {
            for p in points.iter_mut() {
                *p = [p[0].to_degrees(), p[1].to_degrees()];
            }
        }
        ok && points.iter().all(|p| p[0].is_finite() && p[1].is_finite())
    }

    /// Projects each point on its own, dropping those the projection cannot represent.
    pub fn forward_lenient(&self, points: &[[f64; 2]]) -> Vec<[f64; 2]> {
        let mut all = points.to_vec();
        if self.forward_in_place(&mut all) {
            return all;
        }
        points
            .iter()
            .filter_map(|p| self.forward(p[0], p[1]))
            .collect()
    }

    /// Projected metres back to lon/lat degrees.
    pub fn inverse(&self, x: f64, y: f64) -> Option<[f64; 2]> {
        if self.planar.is_some() {
            return None;
        }
        if let Some(c) = &self.composite {
            return c.inverse(x, y);
        }
        let mut p = if self.target.is_latlong() {
            [[x.to_radians(), y.to_radians()]]
        } else {
            [[x, y]]
        };
        transform(&self.target, &self.geographic, &mut Points(&mut p)).ok()?;
        let [lon, lat] = [p[0][0].to_degrees(), p[0][1].to_degrees()];
        (lon.is_finite() && lat.is_finite()).then_some([lon, lat])
    }
}

/// The proj string [`Projection::auto`] picks for `bbox` (see there for the rule).
fn auto_definition(bbox: [f64; 4]) -> String {
    let [w, s, e, n] = bbox.map(|v| if v.is_finite() { v } else { 0.0 });
    let (s, n) = (s.clamp(-90.0, 90.0), n.clamp(-90.0, 90.0));
    let (s, n) = (s.min(n), s.max(n));
    let dx = if e >= w { e - w } else { e - w + 360.0 }.clamp(0.0, 360.0);
    let dy = n - s;
    let lon_0 = if dx >= 359.0 {
        0.0
    } else {
        wrap_longitude(w + dx / 2.0)
    };
    let lat_c = (s + n) / 2.0;
    let polar = |north: bool| {
        format!(
            "+proj=laea +lat_0={} +lon_0={lon_0:.2} +datum=WGS84 +units=m",
            if north { 90 } else { -90 }
        )
    };
    if dx >= 40.0 || dy >= 40.0 {
        if s >= 45.0 {
            polar(true)
        } else if n <= -45.0 {
            polar(false)
        } else {
            format!("+proj=robin +lon_0={lon_0:.2} +datum=WGS84 +units=m")
        }
    } else if n >= 89.0 || lat_c >= 70.0 {
        polar(true)
    } else if s <= -89.0 || lat_c <= -70.0 {
        polar(false)
    } else if lat_c.abs() < 20.0 {
        if dy > dx {
            format!("+proj=tmerc +lat_0={lat_c:.2} +lon_0={lon_0:.2} +k=1 +datum=WGS84 +units=m")
        } else {
            format!("+proj=merc +lon_0={lon_0:.2} +datum=WGS84 +units=m")
        }
    } else {
        // Both parallels lie on the same side of the equator (|lat_c| >= 20, dy < 40), so
        // they are never symmetric about it.
        format!(
            "+proj=lcc +lat_1={:.2} +lat_2={:.2} +lat_0={lat_c:.2} +lon_0={lon_0:.2} +datum=WGS84 +units=m",
            s + dy / 6.0,
            n - dy / 6.0,
        )
    }
}

/// The narrowest arc of longitude `[west, east]` holding every span `[min, max]` (degrees,
/// -180..=180): the circle minus its widest empty gap. `east < west` when that arc crosses
/// the antimeridian. `None` for no spans; O(n log n).
pub fn longitude_arc(mut spans: Vec<[f64; 2]>) -> Option<[f64; 2]> {
    spans.retain(|s| s[0].is_finite() && s[1].is_finite() && s[0] <= s[1]);
    spans.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let first = *spans.first()?;
    // Sweep west to east, merging overlaps; the widest gap between merged runs (or the one
    // across ±180, from the last run's end round to the first's start) is left out.
    let mut reach = first[1];
    // The widest gap between merged runs inside -180..180: (width, [its east end, its west end]).
    let mut inner: Option<(f64, [f64; 2])> = None;
    for s in &spans[1..] {
        if s[0] > reach && inner.is_none_or(|(w, _)| s[0] - reach > w) {
            inner = Some((s[0] - reach, [s[0], reach]));
        }
        reach = reach.max(s[1]);
    }
    // The gap across ±180, from the last run's end round to the first's start.
    let across = first[0] + 360.0 - reach;
    match inner {
        // The widest gap is inside: the data wraps round the antimeridian.
        Some((width, arc)) if width > across => Some(arc),
        _ => Some([first[0], reach]),
    }
}

/// A longitude in degrees brought into -180..=180.
fn wrap_longitude(lon: f64) -> f64 {
    let l = (lon + 180.0).rem_euclid(360.0) - 180.0;
    if l == -180.0 && lon > 0.0 {
        180.0
    } else {
        l
    }
}

/// Where a projection draws correctly: lon/lat geometry is clipped to this before it is
/// projected, so no vertex the projection cannot represent is dropped and its neighbours
/// joined across the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Domain {
    /// The whole globe cut at the antimeridian opposite `lon_0`, within these latitudes
    /// (Mercator cannot reach the poles, a conformal conic not the pole away from its cone).
    World { min_lat: f64, max_lat: f64 },
    /// A cap round the projection's centre: an azimuthal projection's horizon, or the part of
    /// it that stays finite and readable (stereographic, gnomonic, transverse Mercator).
    Cap(crate::geom::sphere::Cap),
}

impl Projection {
    /// The lon/lat domain this projection draws (see [`Domain`]).
    pub fn domain(&self) -> Domain {
        let lon0 = self.central_meridian();
        let lat0 = self.target.latitude_of_origin().to_degrees();
        let cap = |centre: [f64; 2], radius: f64| {
            Domain::Cap(crate::geom::sphere::Cap { centre, radius })
        };
        match self.target.projname() {
            // The horizon, a hair inside so that its points still project.
            "ortho" => cap([lon0, lat0], 90.0 - 1e-6),
            "tpers" | "nsper" | "geos" => cap([lon0, lat0], self.horizon([lon0, lat0])),
            // Finite everywhere but the antipode; beyond these the map is mostly distortion
            // (d3-geo's choices).
            "stere" | "ups" | "sterea" => cap([lon0, lat0], 142.0),
            "gnom" => cap([lon0, lat0], 60.0),
            "laea" | "aeqd" => cap([lon0, lat0], 180.0 - 1e-3),
            // Infinite 90° from the central meridian.
            // Infinite 90° from the central meridian, and its series lose their way well
            // before: only as far as points still come back where they were.
            "tmerc" | "etmerc" | "utm" => {
                cap([lon0, 0.0], self.round_trip_reach([lon0, 0.0], 90.0 - 1e-6))
            }
            "omerc" | "somerc" | "cass" | "poly" => cap(
                [lon0, lat0],
                self.round_trip_reach([lon0, lat0], 90.0 - 1e-6),
            ),
            "merc" | "webmerc" => Domain::World {
                min_lat: -WEB_MERCATOR_MAX_LAT,
                max_lat: WEB_MERCATOR_MAX_LAT,
            },
            "lcc" => {
                // The pole away from the cone is at infinity.
                let finite = |lat: f64| {
                    self.forward(lon0, lat)
                        .is_some_and(|p| p[0].abs() < 1e9 && p[1].abs() < 1e9)
                };
                Domain::World {
                    min_lat: if finite(-90.0) { -90.0 } else { -89.0 },
                    max_lat: if finite(90.0) { 90.0 } else { 89.0 },
                }
            }
            _ => Domain::World {
                min_lat: -90.0,
                max_lat: 90.0,
            },
        }
    }

    /// How far from `centre` (degrees, at most `max`) points project and come back through
    /// the inverse to within a millionth of a degree, in every direction.
    fn round_trip_reach(&self, centre: [f64; 2], max: f64) -> f64 {
        let good = |d: f64| {
            (0..16).all(|k| {
                let cap = crate::geom::sphere::Cap { centre, radius: d };
                let p = cap.point_at(f64::from(k) * 22.5);
                self.forward(p[0], p[1])
                    .and_then(|m| self.inverse(m[0], m[1]))
                    .is_some_and(|q| crate::geom::sphere::angular_distance(p, q) < 1e-6)
            })
        };
        if good(max) {
            return max;
        }
        let (mut lo, mut hi) = (0.0, max);
        for _ in 0..30 {
            let mid = (lo + hi) / 2.0;
            if good(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        // Points this close to the centre always come back; below it the data is the map.
        lo.max(1.0)
    }

    /// How far from `centre` (degrees) points still project, searched along its meridian.
    fn horizon(&self, centre: [f64; 2]) -> f64 {
        let probe = |d: f64| {
            (0..8).all(|k| {
                let cap = crate::geom::sphere::Cap { centre, radius: d };
                let p = cap.point_at(f64::from(k) * 45.0);
                self.forward(p[0], p[1]).is_some()
            })
        };
        let (mut lo, mut hi) = (1.0, 179.0);
        if !probe(lo) {
            return 90.0 - 1e-6;
        }
        for _ in 0..30 {
            let mid = (lo + hi) / 2.0;
            if probe(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo * 0.999
    }
}

/// Maps projected coordinates into a pixel rectangle: uniform scale, y pointing down,
/// the projected box centred in the frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub scale: f64,
    pub x0: f64,
    pub y0: f64,
    pub ox: f64,
    pub oy: f64,
}

impl Fit {
    /// Fits projected box `[minx, miny, maxx, maxy]` into `frame` `[x, y, w, h]` with `pad`
    /// (a share of the frame) kept free on every side.
    pub fn new(projected: [f64; 4], frame: [f64; 4], pad: f64) -> Fit {
        let [minx, miny, maxx, maxy] = projected;
        let [fx, fy, fw, fh] = frame;
        let (iw, ih) = (fw * (1.0 - 2.0 * pad), fh * (1.0 - 2.0 * pad));
        let (dw, dh) = ((maxx - minx).max(1e-9), (maxy - miny).max(1e-9));
        let scale = (iw / dw).min(ih / dh);
        Fit {
            scale,
            x0: (minx + maxx) / 2.0,
            y0: (miny + maxy) / 2.0,
            ox: fx + fw / 2.0,
            oy: fy + fh / 2.0,
        }
    }

    pub fn to_pixel(&self, p: [f64; 2]) -> [f64; 2] {
        [
            self.ox + (p[0] - self.x0) * self.scale,
            self.oy - (p[1] - self.y0) * self.scale,
        ]
    }

    pub fn to_projected(&self, px: [f64; 2]) -> [f64; 2] {
        [
            self.x0 + (px[0] - self.ox) / self.scale,
            self.y0 - (px[1] - self.oy) / self.scale,
        ]
    }
}

/// Projects lon/lat geometry into metres, dropping points the projection cannot represent.
pub fn project_flat(flat: &crate::geom::Flat, projection: &Projection) -> crate::geom::Flat {
    if let Some(c) = projection.composite() {
        return c.project_flat(flat);
    }
    flat.map(|pts| projection.forward_lenient(pts))
}

/// Metres → pixels, clipped to `clip` `[x0, y0, x1, y1]`, with consecutive points that
/// would print identically merged.
pub fn to_pixels(flat: &crate::geom::Flat, fit: &Fit, clip: [f64; 4]) -> crate::geom::Flat {
    let px = |pts: &[crate::geom::Pt]| -> Vec<crate::geom::Pt> {
        pts.iter().map(|p| fit.to_pixel(*p)).collect()
    };
    crate::geom::Flat {
        polygons: flat
            .polygons
            .iter()
            .filter_map(|poly| {
                // A polygon whose exterior is clipped away is gone, holes and all.
                let mut rings = poly
                    .iter()
                    .map(|r| crate::geom::dedupe(crate::geom::clip_ring(&px(r), clip), true));
                let exterior = rings.next().filter(|r| r.len() >= 4)?;
                Some(
                    std::iter::once(exterior)
                        .chain(rings.filter(|r| r.len() >= 4))
                        .collect(),
                )
            })
            .collect(),
        lines: flat
            .lines
            .iter()
            .flat_map(|l| crate::geom::clip_line(&px(l), clip))
            .map(|l| crate::geom::dedupe(l, false))
            .filter(|l| l.len() >= 2)
            .collect(),
        points: px(&flat.points)
            .into_iter()
            .filter(|p| p[0] >= clip[0] && p[0] <= clip[2] && p[1] >= clip[1] && p[1] <= clip[3])
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epsg_and_proj_strings_parse() {
        assert!(Projection::parse("EPSG:32642").is_ok());
        assert!(Projection::parse("+proj=robin +datum=WGS84").is_ok());
        assert!(Projection::parse("+proj=banana").is_err());
        assert!(Projection::parse("EPSG:999999").is_err());
    }

    #[test]
    fn forward_and_inverse_round_trip() {
        let p = Projection::auto([60.5, 29.4, 74.9, 38.5]).unwrap();
        let xy = p.forward(68.86, 36.73).unwrap();
        let back = p.inverse(xy[0], xy[1]).unwrap();
        assert!(
            (back[0] - 68.86).abs() < 1e-7 && (back[1] - 36.73).abs() < 1e-7,
            "{back:?}"
        );
    }

    #[test]
    fn auto_picks_robinson_for_the_world() {
        assert!(Projection::auto([-180.0, -90.0, 180.0, 90.0])
            .unwrap()
            .definition
            .contains("robin"));
    }

    #[test]
    fn auto_is_valid_for_every_extent() {
        // Boxes all over the globe, from points to the whole world, poles and equator
        // included, and boxes crossing the antimeridian (east < west).
        let mut n = 0;
        for w in (-180..=180).step_by(15) {
            for s in (-90..=90).step_by(10) {
                for dx in [0.0, 0.001, 3.0, 11.0, 39.9, 41.0, 120.0, 360.0] {
                    for dy in [0.0, 0.001, 4.0, 11.0, 39.9, 60.0, 180.0] {
                        let (w, s) = (f64::from(w), f64::from(s));
                        let e = wrap_longitude(w + dx);
                        let north = (s + dy).min(90.0);
                        let b = [w, s, e, north];
                        let p = Projection::auto(b).unwrap();
                        let def = auto_definition(b);
                        assert_eq!(p.definition, def, "{b:?} fell back");
                        let c = [wrap_longitude(w + dx / 2.0), (s + north) / 2.0];
                        let c = [c[0], c[1].clamp(-85.0, 85.0)];
                        assert!(p.forward(c[0], c[1]).is_some(), "{b:?} {def}: centre {c:?}");
                        n += 1;
                    }
                }
            }
        }
        assert!(n > 10_000);
    }

    #[test]
    fn auto_fits_the_kind_of_extent() {
        let def = |b| Projection::auto(b).unwrap().definition;
        assert!(def([33.5, -5.5, 42.5, 5.5]).contains("merc"));
        assert!(def([36.8, 0.0, 36.8, 0.0]).contains("+proj=merc"));
        assert!(def([-80.0, -20.0, -75.0, 5.0]).contains("+proj=tmerc"));
        assert!(def([60.5, 29.4, 74.9, 38.5]).contains("+proj=lcc"));
        assert!(def([0.0, 90.0, 0.0, 90.0]).contains("+proj=laea +lat_0=90"));
        assert!(def([-180.0, -90.0, 180.0, -60.0]).contains("+proj=laea +lat_0=-90"));
        assert!(def([170.0, -20.0, -170.0, -10.0]).contains("+lon_0=180"));
    }

    #[test]
    fn longitude_arcs_cross_the_antimeridian_only_when_narrower() {
        assert_eq!(
            longitude_arc(vec![[10.0, 20.0], [15.0, 30.0]]),
            Some([10.0, 30.0])
        );
        // Fiji: parts at 177..180 and -180..-178.
        assert_eq!(
            longitude_arc(vec![[177.0, 180.0], [-180.0, -178.0]]),
            Some([177.0, -178.0])
        );
        assert_eq!(
            longitude_arc(vec![[-170.0, -100.0], [100.0, 170.0]]),
            Some([100.0, -100.0])
        );
        assert_eq!(
            longitude_arc(vec![[-180.0, 180.0], [0.0, 1.0]]),
            Some([-180.0, 180.0])
        );
        assert_eq!(longitude_arc(vec![]), None);
    }

    #[test]
    fn fit_centres_and_flips_y() {
        let f = Fit::new([0.0, 0.0, 100.0, 50.0], [0.0, 0.0, 200.0, 200.0], 0.0);
        assert_eq!(f.scale, 2.0);
        assert_eq!(f.to_pixel([0.0, 50.0]), [0.0, 50.0]);
        assert_eq!(f.to_pixel([100.0, 0.0]), [200.0, 150.0]);
        assert_eq!(f.to_projected([200.0, 150.0]), [100.0, 0.0]);
    }
}

/// Coordinates that are not longitude/latitude and are drawn as they are, fitted to the
/// frame without a projection: a layer's `crs = "screen"` or `crs = "planar"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planar {
    /// Screen or pixel coordinates, y pointing down (us-atlas's `*-albers-10m.json`).
    Screen,
    /// Plane coordinates in unknown units, y pointing up.
    Plane,
}

impl Planar {
    /// `"screen"` (or `"pixels"`) and `"planar"`, in lower case.
    pub fn parse(lower: &str) -> Option<Planar> {
        match lower {
            "screen" | "pixels" => Some(Planar::Screen),
            "planar" => Some(Planar::Plane),
            _ => None,
        }
    }

    /// The name a spec and `inspect` use.
    pub fn name(self) -> &'static str {
        match self {
            Planar::Screen => "screen",
            Planar::Plane => "planar",
        }
    }
}
