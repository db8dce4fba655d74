//! The composite projection `albers-usa`, as d3-geo's `geoAlbersUsa`: the lower 48 states in
//! a conic equal-area (Albers) projection, Alaska (scaled to 0.35) and Hawaii moved into
//! insets below the south-west. Written from d3-geo 3.1's `albersUsa.js` and
//! `conicEqualArea.js`; on the sphere, as d3 is, so that it draws what d3 (and us-atlas's
//! pre-projected `*-albers-10m.json`) draws.
//!
//! d3 works in units of its scale `k` with y pointing down: the lower 48 part is centred on
//! 0, and each part draws only inside its own box (its `clipExtent`). A point belongs to the
//! first part, in the order lower 48, Alaska, Hawaii, whose box holds its projection;
//! a point in none of them (Puerto Rico, Guam, the rest of the world) is not drawn. One
//! departure from d3: the lower 48's box reaches under the insets, and a point it would
//! put there (Mexico's Pacific coast) is not drawn, as d3's own inverse gives those
//! positions to the insets; graticule lines of the mainland then stop at the insets.
//! d3 streams every geometry through all three parts, each clipped to its box; here a
//! polygon goes to one part — the one most of its exterior's points belong to — so that no
//! ring is ever split between the mainland and an inset, and is then clipped to that part's
//! box. Lines are cut where their points change part.
//!
//! Projected coordinates are d3's units times the Earth's mean radius, y up: metres at the
//! lower 48's scale (Alaska's inset is drawn at 0.35 of its true size).

use crate::geom::{clip_ring, Flat, Pt, Ring};

/// The Earth's mean radius in metres (IUGG), the sphere d3's unit scale stands for.
const RADIUS: f64 = 6_371_008.8;

/// d3's clip-box epsilon for the insets, in pixels at its default scale 1070.
const EPSILON: f64 = 1e-6 / 1070.0;

/// One part of the composite: a conic equal-area projection, scaled and moved.
#[derive(Debug, Clone, Copy)]
struct Part {
    /// Degrees added to longitude before projecting (d3's `rotate([r, 0])`).
    rotate: f64,
    conic: Conic,
    /// The raw projection of d3's `center`, which lands on `offset`.
    centre: Pt,
    /// Scale relative to the lower 48.
    scale: f64,
    /// Where `centre` lands, in d3 units from the lower 48's translate, y down.
    offset: Pt,
    /// Where the part draws, `[x0, y0, x1, y1]` in d3 units, y down (inclusive).
    clip: [f64; 4],
}

/// d3's `conicEqualAreaRaw` for two standard parallels (radians), y up.
#[derive(Debug, Clone, Copy)]
struct Conic {
    n: f64,
    c: f64,
    r0: f64,
}

impl Conic {
    fn new(phi0: f64, phi1: f64) -> Conic {
        let s0 = phi0.sin();
        let n = (s0 + phi1.sin()) / 2.0;
        let c = 1.0 + s0 * (2.0 * n - s0);
        Conic {
            n,
            c,
            r0: c.sqrt() / n,
        }
    }

    fn forward(&self, lambda: f64, phi: f64) -> Pt {
        let r = (self.c - 2.0 * self.n * phi.sin()).max(0.0).sqrt() / self.n;
        let a = lambda * self.n;
        [r * a.sin(), self.r0 - r * a.cos()]
    }

    fn inverse(&self, x: f64, y: f64) -> Pt {
        let sign = |v: f64| {
            if v > 0.0 {
                1.0
            } else if v < 0.0 {
                -1.0
            } else {
                0.0
            }
        };
        let r0y = self.r0 - y;
        let mut l = x.atan2(r0y.abs()) * sign(r0y);
        if r0y * self.n < 0.0 {
            l -= std::f64::consts::PI * sign(x) * sign(r0y);
        }
        let s = (self.c - (x * x + r0y * r0y) * self.n * self.n) / (2.0 * self.n);
        [l / self.n, s.clamp(-1.0, 1.0).asin()]
    }
}

impl Part {
    fn new(
        rotate: f64,
        centre: Pt,
        parallels: [f64; 2],
        scale: f64,
        offset: Pt,
        clip: [f64; 4],
    ) -> Part {
        let conic = Conic::new(parallels[0].to_radians(), parallels[1].to_radians());
        Part {
            rotate,
            conic,
            centre: conic.forward(centre[0].to_radians(), centre[1].to_radians()),
            scale,
            offset,
            clip,
        }
    }

    /// Lon/lat degrees → d3 units (y down), wherever it lands.
    fn unit(&self, lon: f64, lat: f64) -> Pt {
        let lambda = wrap_pi((lon + self.rotate).to_radians());
        let [x, y] = self.conic.forward(lambda, lat.to_radians());
        [
            self.offset[0] + self.scale * (x - self.centre[0]),
            self.offset[1] - self.scale * (y - self.centre[1]),
        ]
    }

    /// Lon/lat degrees → d3 units when the point lands inside this part's box.
    fn forward(&self, lon: f64, lat: f64) -> Option<Pt> {
        let u = self.unit(lon, lat);
        let [x0, y0, x1, y1] = self.clip;
        (u[0] >= x0 && u[0] <= x1 && u[1] >= y0 && u[1] <= y1).then_some(u)
    }

    /// d3 units → lon/lat degrees.
    fn inverse(&self, u: Pt) -> Pt {
        let x = (u[0] - self.offset[0]) / self.scale + self.centre[0];
        let y = self.centre[1] - (u[1] - self.offset[1]) / self.scale;
        let [lambda, phi] = self.conic.inverse(x, y);
        [
            wrap_pi(lambda - self.rotate.to_radians()).to_degrees(),
            phi.to_degrees(),
        ]
    }
}

/// An angle in radians brought into -π..=π (d3's rotation wraps this way).
fn wrap_pi(a: f64) -> f64 {
    use std::f64::consts::{PI, TAU};
    if a > PI {
        a - TAU * ((a + PI) / TAU).floor()
    } else if a < -PI {
        a + TAU * ((PI - a) / TAU).floor()
    } else {
        a
    }
}

/// The inset (1 Alaska, 2 Hawaii) whose box holds `u` (d3 units, y down), by d3's
/// `invert`.
fn inset_at(u: Pt) -> Option<usize> {
    let [x, y] = u;
    if (0.120..0.234).contains(&y) && (-0.425..-0.214).contains(&x) {
        Some(1)
    } else if (0.166..0.234).contains(&y) && (-0.214..-0.115).contains(&x) {
        Some(2)
    } else {
        None
    }
}

/// d3 units (y down) → projected metres (y up), and back.
fn to_metres(u: Pt) -> Pt {
    [u[0] * RADIUS, -u[1] * RADIUS]
}

fn to_units(m: Pt) -> Pt {
    [m[0] / RADIUS, -m[1] / RADIUS]
}

/// The composite projection: its three parts, lower 48 first.
///
/// ```
/// use mapfig::projection::{AlbersUsa, UsaPart};
///
/// let usa = AlbersUsa::new();
/// // Washington DC where d3.geoAlbersUsa() draws it at its default scale and translate…
/// let dc = usa.d3_pixel(-77.0, 38.9, 1070.0, [480.0, 250.0]).unwrap();
/// assert!((dc[0] - 760.335).abs() < 1e-3 && (dc[1] - 219.010).abs() < 1e-3);
/// // …Anchorage in the Alaska inset, and San Juan, Puerto Rico, in no part at all.
/// assert_eq!(usa.part_of(-149.9, 61.2), Some(UsaPart::Alaska));
/// assert_eq!(usa.forward(-66.1, 18.4), None);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct AlbersUsa {
    parts: [Part; 3],
}

/// Which part of the composite a position is drawn by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsaPart {
    Lower48,
    Alaska,
    Hawaii,
}

const PARTS: [UsaPart; 3] = [UsaPart::Lower48, UsaPart::Alaska, UsaPart::Hawaii];

impl Default for AlbersUsa {
    fn default() -> Self {
        Self::new()
    }
}

impl AlbersUsa {
    /// d3.geoAlbersUsa's parts and boxes (its `translate` function, at scale 1).
    pub fn new() -> AlbersUsa {
        let e = EPSILON;
        AlbersUsa {
            parts: [
                Part::new(
                    96.0,
                    [-0.6, 38.7],
                    [29.5, 45.5],
                    1.0,
                    [0.0, 0.0],
                    [-0.455, -0.238, 0.455, 0.238],
                ),
                // EPSG:3338's parallels.
                Part::new(
                    154.0,
                    [-2.0, 58.5],
                    [55.0, 65.0],
                    0.35,
                    [-0.307, 0.201],
                    [-0.425 + e, 0.120 + e, -0.214 - e, 0.234 - e],
                ),
                // ESRI:102007's parallels.
                Part::new(
                    157.0,
                    [-3.0, 19.9],
                    [8.0, 18.0],
                    1.0,
                    [-0.205, 0.212],
                    [-0.214 + e, 0.166 + e, -0.115 - e, 0.234 - e],
                ),
            ],
        }
    }

    /// The lower 48's central meridian, in degrees.
    pub fn central_meridian(&self) -> f64 {
        -96.0
    }

    /// Lon/lat degrees → d3 units (y down) and the part drawing it; `None` outside every
    /// part's box.
    fn locate(&self, lon: f64, lat: f64) -> Option<(usize, Pt)> {
        self.parts
            .iter()
            .enumerate()
            .find_map(|(k, p)| p.forward(lon, lat).map(|u| (k, u)))
            // The lower 48's box reaches under the insets (Mexico's coast lands there): d3
            // would draw such points over Alaska, but its own inverse gives those positions
            // to the insets, and so does this.
            .filter(|&(k, u)| k != 0 || inset_at(u).is_none())
    }

    /// The part that draws `lon`/`lat`, if any.
    pub fn part_of(&self, lon: f64, lat: f64) -> Option<UsaPart> {
        self.locate(lon, lat).map(|(k, _)| PARTS[k])
    }

    /// Lon/lat degrees → projected metres; `None` outside every part.
    pub fn forward(&self, lon: f64, lat: f64) -> Option<Pt> {
        if !(lon.is_finite() && lat.is_finite()) {
            return None;
        }
        self.locate(lon, lat).map(|(_, u)| to_metres(u))
    }

    /// Lon/lat degrees → pixels of d3's `geoAlbersUsa().scale(scale).translate(translate)`.
    pub fn d3_pixel(&self, lon: f64, lat: f64, scale: f64, translate: Pt) -> Option<Pt> {
        let (_, u) = self.locate(lon, lat)?;
        Some([translate[0] + scale * u[0], translate[1] + scale * u[1]])
    }

    /// Projected metres → pixels of d3's `geoAlbersUsa().scale(scale).translate(translate)`
    /// (the pixels us-atlas's pre-projected `*-albers-10m.json` files are in, at scale 1300
    /// and translate `[487.5, 305]`).
    pub fn metres_to_d3_pixel(&self, m: Pt, scale: f64, translate: Pt) -> Pt {
        let u = to_units(m);
        [translate[0] + scale * u[0], translate[1] + scale * u[1]]
    }

    /// Projected metres → lon/lat degrees: by the inset whose box holds the position (d3's
    /// `invert`), else the lower 48; `None` outside the lower 48's box too.
    pub fn inverse(&self, x: f64, y: f64) -> Option<Pt> {
        let u = to_units([x, y]);
        let part = match inset_at(u) {
            Some(k) => &self.parts[k],
            None => {
                let [x0, y0, x1, y1] = self.parts[0].clip;
                if !(u[0] >= x0 && u[0] <= x1 && u[1] >= y0 && u[1] <= y1) {
                    return None;
                }
                &self.parts[0]
            }
        };
        let ll = part.inverse(u);
        (ll[0].is_finite() && ll[1].is_finite()).then_some(ll)
    }

    /// The boxes of the Alaska and Hawaii insets in projected metres `[x0, y0, x1, y1]`
    /// (y up): where the separator frames go.
    pub fn inset_boxes(&self) -> [[f64; 4]; 2] {
        [1, 2].map(|k| {
            let [x0, y0, x1, y1] = self.parts[k].clip;
            let (a, b) = (to_metres([x0, y1]), to_metres([x1, y0]));
            [a[0], a[1], b[0], b[1]]
        })
    }

    /// Projects lon/lat geometry (see the module's documentation for the rule): each
    /// polygon whole by one part and clipped to its box, lines cut where they change part,
    /// points outside every part dropped.
    pub fn project_flat(&self, flat: &Flat) -> Flat {
        let polygons = flat
            .polygons
            .iter()
            .filter_map(|poly| self.project_polygon(poly))
            .collect();
        let mut lines = Vec::new();
        for l in &flat.lines {
            self.project_line(l, &mut lines);
        }
        let points = flat
            .points
            .iter()
            .filter_map(|p| self.forward(p[0], p[1]))
            .collect();
        Flat {
            polygons,
            lines,
            points,
        }
    }

    /// A polygon drawn by the part most of its exterior's points belong to (the earliest
    /// part on a tie), clipped to that part's box; `None` when no point belongs to any part.
    fn project_polygon(&self, poly: &[Ring]) -> Option<Vec<Ring>> {
        let exterior = poly.first()?;
        let mut votes = [0usize; 3];
        for p in exterior {
            if let Some((k, _)) = self.locate(p[0], p[1]) {
                votes[k] += 1;
            }
        }
        let (k, most) =
            votes.iter().enumerate().fold(
                (0, 0),
                |best, (k, &v)| if v > best.1 { (k, v) } else { best },
            );
        if most == 0 {
            return None;
        }
        let part = &self.parts[k];
        let [x0, y0, x1, y1] = part.clip;
        let (a, b) = (to_metres([x0, y1]), to_metres([x1, y0]));
        let clip = [a[0], a[1], b[0], b[1]];
        let mut rings = poly.iter().map(|ring| {
            let projected: Ring = ring
                .iter()
                .map(|p| to_metres(part.unit(p[0], p[1])))
                .collect();
            clip_ring(&projected, clip)
        });
        let exterior = rings.next().filter(|r| r.len() >= 4)?;
        Some(
            std::iter::once(exterior)
                .chain(rings.filter(|r| r.len() >= 4))
                .collect(),
        )
    }

    /// A line cut into runs of points drawn by the same part, appended to `out`.
    fn project_line(&self, line: &[Pt], out: &mut Vec<Vec<Pt>>) {
        let mut run: Vec<Pt> = Vec::new();
        let mut run_part = None;
        for p in line {
            let located = self.locate(p[0], p[1]);
            let k = located.map(|(k, _)| k);
            if k != run_part || k.is_none() {
                if run.len() >= 2 {
                    out.push(std::mem::take(&mut run));
                }
                run.clear();
            }
            run_part = k;
            if let Some((_, u)) = located {
                run.push(to_metres(u));
            }
        }
        if run.len() >= 2 {
            out.push(run);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// d3.geoAlbersUsa() at its default scale 1070 and translate [480, 250], as d3-geo 3.1
    /// prints them (node -e 'console.log(d3.geoAlbersUsa()([lon, lat]))').
    #[test]
    fn points_land_where_d3_puts_them() {
        let p = AlbersUsa::new();
        let at = |lon, lat| p.d3_pixel(lon, lat, 1070.0, [480.0, 250.0]);
        for (lon, lat, want) in D3_POINTS {
            let got = at(*lon, *lat).unwrap_or_else(|| panic!("{lon} {lat} not drawn"));
            assert!(
                (got[0] - want[0]).abs() < 1e-6 && (got[1] - want[1]).abs() < 1e-6,
                "{lon} {lat}: {got:?} != {want:?}"
            );
        }
        // Puerto Rico and London are in no part.
        assert_eq!(at(-66.1, 18.4), None);
        assert_eq!(at(-0.1, 51.5), None);
        // Baja California: d3 draws it at [215.82, 483.53], inside the Alaska inset, where
        // its own invert reads (-138.65, 54.68); here it is not drawn.
        assert_eq!(at(-112.0, 25.0), None);
        assert_eq!(
            p.inverse(
                p.parts[0].unit(-112.0, 25.0)[0] * RADIUS,
                -p.parts[0].unit(-112.0, 25.0)[1] * RADIUS
            )
            .map(|q| q[0].round()),
            Some(-139.0)
        );
    }

    #[test]
    fn inverse_undoes_forward_in_every_part() {
        let p = AlbersUsa::new();
        for (lon, lat, _) in D3_POINTS {
            let m = p.forward(*lon, *lat).unwrap();
            let back = p.inverse(m[0], m[1]).unwrap();
            assert!(
                (back[0] - lon).abs() < 1e-9 && (back[1] - lat).abs() < 1e-9,
                "{lon} {lat}: {back:?}"
            );
        }
        assert_eq!(p.part_of(-150.0, 61.2), Some(UsaPart::Alaska));
        assert_eq!(p.part_of(-157.9, 21.3), Some(UsaPart::Hawaii));
        assert_eq!(p.part_of(-77.0, 38.9), Some(UsaPart::Lower48));
    }

    #[test]
    fn a_polygon_is_never_split_between_parts() {
        let p = AlbersUsa::new();
        // A square round Anchorage, and a line from Anchorage to Washington DC.
        let square = vec![
            [-151.0, 60.0],
            [-149.0, 60.0],
            [-149.0, 62.0],
            [-151.0, 62.0],
            [-151.0, 60.0],
        ];
        let flat = Flat {
            polygons: vec![vec![square]],
            lines: vec![vec![[-150.0, 61.2], [-100.0, 40.0], [-77.0, 38.9]]],
            points: vec![[-66.1, 18.4], [-77.0, 38.9]],
        };
        let out = p.project_flat(&flat);
        assert_eq!(out.polygons.len(), 1);
        assert_eq!(out.polygons[0][0].len(), 5);
        let [alaska, _] = p.inset_boxes();
        for q in &out.polygons[0][0] {
            assert!(
                q[0] >= alaska[0] && q[0] <= alaska[2] && q[1] >= alaska[1] && q[1] <= alaska[3]
            );
        }
        // The line's Alaskan point alone makes no run; the mainland part is one line.
        assert_eq!(out.lines.len(), 1);
        assert_eq!(out.lines[0].len(), 2);
        assert_eq!(out.points.len(), 1);
    }

    /// (lon, lat, d3 pixel) at d3's default scale and translate, from d3-geo 3.1.1.
    #[rustfmt::skip]
    const D3_POINTS: &[(f64, f64, [f64; 2])] = &[
    (-77.0, 38.9, [760.3349101244819, 219.01026550738595]),
    (-122.4, 37.8, [107.8293996861774, 213.76568215360805]),
    (-69.0, 45.0, [839.9611857342438, 81.34539068542017]),
    (-80.2, 25.8, [755.6723596305307, 469.53116020106097]),
    (-124.6, 48.4, [135.90291515698652, 14.851657506996048]),
    (-97.7, 30.3, [461.29761928754067, 407.79852369507205]),
    (-150.0, 61.2, [170.85808656819816, 447.0817119964656]),
    (-147.7, 64.8, [175.81733250905432, 423.04032691411135]),
    (-134.4, 58.3, [224.45093369806392, 456.65358323548855]),
    (-165.4, 64.5, [126.42206350627654, 423.08887490327334]),
    (-157.9, 21.3, [297.74753198210556, 451.11291168817405]),
    (-155.5, 19.6, [339.98244867785814, 482.6569464497551]),
    (-159.5, 22.1, [269.8599425658818, 436.1070547454601]),
    (-140.0, 61.0, [202.18778271584924, 444.13034209448324]),
    (-170.0, 52.5, [95.01915188960993, 496.7409077942918]),
    (172.9, 52.9, [32.746271960615005, 469.8410128960351]),
    (-179.5, 51.9, [57.4756324121431, 488.7059224567902]),
    ];
}
