//! `mapfig init DATA`: writes a starter spec for a data file (see `mapfig::starter`).

use mapfig::starter::{self, Starter};
use mapfig::Result;
use std::path::PathBuf;

/// The flags of `mapfig init`.
#[derive(clap::Args)]
pub struct InitArgs {
    /// The data file to map (any format mapfig reads).
    pub data: PathBuf,
    /// The spec to write; default maps/NAME.toml after the data file. Never replaced.
    #[arg(short, long, value_name = "SPEC")]
    pub output: Option<PathBuf>,
    /// Map this collection of a file of several (a TopoJSON object, a GeoPackage table);
    /// default: the first that has geometry.
    #[arg(long)]
    pub object: Option<String>,
    /// The CRS of the file's coordinates, when it declares none or declares it wrong.
    #[arg(long)]
    pub crs: Option<String>,
    /// A table's longitude (or easting) column, when not found by name.
    #[arg(long)]
    pub x: Option<String>,
    /// A table's latitude (or northing) column, when not found by name.
    #[arg(long)]
    pub y: Option<String>,
    #[command(flatten)]
    pub limits: crate::LimitArgs,
}

/// Writes the starter spec and says where.
pub fn run(a: InitArgs) -> Result<()> {
    let spec = a
        .output
        .unwrap_or_else(|| starter::default_spec_path(&a.data));
    let s = Starter {
        data: a.data,
        spec,
        object: a.object,
        read: mapfig::spec::ReadOptions {
            crs: a.crs,
            x: a.x,
            y: a.y,
        },
        limits: a.limits.limits(),
    };
    starter::write(&s)?;
    eprintln!(
        "wrote {}; render it with: mapfig render {}",
        s.spec.display(),
        s.spec.display()
    );
    Ok(())
}
