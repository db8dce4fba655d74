//! The sphere: spherical caps, great-circle distance, and the azimuthal equidistant plane
//! round a cap (where the cap clipper in [`crate::prepare::clip`] does its work).

use super::Pt;

/// A spherical cap: the points within `radius` degrees (great-circle) of `centre`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cap {
    /// Longitude, latitude in degrees.
    pub centre: Pt,
    /// Angular radius in degrees, 0 < radius < 180.
    pub radius: f64,
}

impl Cap {
    /// Whether the cap contains `p` (lon/lat).
    pub fn contains(&self, p: Pt) -> bool {
        angular_distance(self.centre, p) <= self.radius
    }

    /// The point on the cap's edge at `azimuth` degrees clockwise from north.
    pub fn point_at(&self, azimuth: f64) -> Pt {
        let (s, c) = azimuth.to_radians().sin_cos();
        Plane::new(*self).to_lon_lat([self.radius * s, self.radius * c], self.centre[0])
    }
}

/// Great-circle distance in degrees between two lon/lat points.
pub fn angular_distance(a: Pt, b: Pt) -> f64 {
    let (u, v) = (unit(a), unit(b));
    let c = cross(u, v);
    norm(c).atan2(dot(u, v)).to_degrees()
}

pub(crate) fn unit(p: Pt) -> [f64; 3] {
    let (lon, lat) = (p[0].to_radians(), p[1].to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

pub(crate) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub(crate) fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

pub(crate) fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

/// The azimuthal equidistant plane around the cap's centre.
pub(crate) struct Plane {
    pub(crate) cap: Cap,
    pub(crate) c: [f64; 3],
    pub(crate) east: [f64; 3],
    pub(crate) north: [f64; 3],
}

impl Plane {
    pub(crate) fn new(cap: Cap) -> Plane {
        let c = unit(cap.centre);
        let (lon, lat) = (cap.centre[0].to_radians(), cap.centre[1].to_radians());
        let east = [-lon.sin(), lon.cos(), 0.0];
        let north = [-lat.sin() * lon.cos(), -lat.sin() * lon.sin(), lat.cos()];
        Plane {
            cap,
            c,
            east,
            north,
        }
    }

    pub(crate) fn distance(&self, p: Pt) -> f64 {
        let v = unit(p);
        norm(cross(self.c, v)).atan2(dot(self.c, v)).to_degrees()
    }

    /// Plane coordinates of `p`: distance from the centre (degrees) along its azimuth.
    pub(crate) fn to_plane(&self, p: Pt) -> Pt {
        let mut v = unit(p);
        let mut d = dot(self.c, v);
        let mut t = [
            v[0] - d * self.c[0],
            v[1] - d * self.c[1],
            v[2] - d * self.c[2],
        ];
        if norm(t) < 1e-12 && d < 0.0 {
            // The antipode (a pole edge seen from the other pole): its azimuth is where the
            // point came from, so nudge it a hair towards the equator along its meridian.
            let nudged = [p[0], p[1] - p[1].signum() * 1e-7];
            v = unit(nudged);
            d = dot(self.c, v);
            t = [
                v[0] - d * self.c[0],
                v[1] - d * self.c[1],
                v[2] - d * self.c[2],
            ];
        }
        let s = norm(t);
        if s == 0.0 {
            return [0.0, 0.0];
        }
        let rho = s.atan2(d).to_degrees();
        [rho * dot(t, self.east) / s, rho * dot(t, self.north) / s]
    }

    /// Lon/lat of a plane point, its longitude taken by whole turns nearest to `near`.
    pub(crate) fn to_lon_lat(&self, xy: Pt, near: f64) -> Pt {
        let rho = xy[0].hypot(xy[1]);
        let (sx, sy) = if rho > 0.0 {
            (xy[0] / rho, xy[1] / rho)
        } else {
            (0.0, 0.0)
        };
        let (s, c) = rho.to_radians().sin_cos();
        let v = [
            c * self.c[0] + s * (sx * self.east[0] + sy * self.north[0]),
            c * self.c[1] + s * (sx * self.east[1] + sy * self.north[1]),
            c * self.c[2] + s * (sx * self.east[2] + sy * self.north[2]),
        ];
        let lat = v[2].clamp(-1.0, 1.0).asin().to_degrees();
        let mut lon = v[1].atan2(v[0]).to_degrees();
        if near.is_finite() {
            lon += 360.0 * ((near - lon) / 360.0).round();
        }
        [lon, lat]
    }
}
