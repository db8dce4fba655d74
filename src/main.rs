//! The `mapfig` command: flags become plain options, the library does the work.

use clap::{Parser, Subcommand};
use mapfig::color::Paint;
use mapfig::data::DataCache;
use mapfig::layout::{peak_memory, Timings};
use mapfig::limits::{self, Limits};
use mapfig::render::{self, DrawOptions, Format, Options};
use mapfig::theme::Theme;
use mapfig::{Error, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// Render static, annotated maps from GeoJSON to SVG and PNG.
///
/// With no arguments, renders every map spec in maps/*.toml into out/.
#[derive(Parser)]
#[command(name = "mapfig", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Render map specs (TOML) to SVG and PNG.
    Render {
        /// Spec files; default: maps/*.toml.
        specs: Vec<PathBuf>,
        /// Output folder.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// Comma-separated output formats: svg, png.
        #[arg(long, default_value = "svg,png")]
        format: String,
        /// PNG pixels per CSS pixel (2 gives PNGs twice the spec's size).
        #[arg(long, default_value_t = 2.0)]
        scale: f64,
        /// Fail when a label marked `label_required` cannot be placed.
        #[arg(long)]
        strict_labels: bool,
        /// Theme for every map: light, dark or print (overrides the specs' `theme`).
        #[arg(long)]
        theme: Option<String>,
        /// Write SVG text as glyph outlines, for SVGs that must look the same without the font.
        #[arg(long)]
        text_as_paths: bool,
        /// Print each stage's wall time and the peak memory to stderr.
        #[arg(long)]
        timings: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Render any GeoJSON file without a spec: a quick look.
    Draw {
        /// The GeoJSON file.
        data: PathBuf,
        /// Output file, .svg or .png.
        #[arg(short, long)]
        output: PathBuf,
        /// Projection: "auto", "EPSG:nnnn" or a proj string.
        #[arg(long)]
        proj: Option<String>,
        /// Canvas size in CSS pixels, WxH.
        #[arg(long, default_value = "1600x1200")]
        size: String,
        /// Fill colour (CSS syntax or none).
        #[arg(long, default_value = "#dddddd")]
        fill: String,
        /// Stroke colour (CSS syntax or none).
        #[arg(long, default_value = "#333333")]
        stroke: String,
        /// Stroke width in pixels.
        #[arg(long, default_value_t = 0.5)]
        stroke_width: f64,
        /// Background colour (CSS syntax or none).
        #[arg(long, default_value = "white")]
        background: String,
        /// PNG pixels per CSS pixel.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Print each stage's wall time and the peak memory to stderr.
        #[arg(long)]
        timings: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
}

/// Resource limits (see `mapfig::limits`): inputs over them fail with a message naming
/// the flag to raise.
#[derive(clap::Args)]
struct LimitArgs {
    /// Largest data file read, e.g. 512MiB or 4GiB.
    #[arg(long, default_value = "1GiB", value_parser = limits::parse_bytes)]
    max_input_bytes: u64,
    /// Most vertices all data files of this run may hold together, e.g. 100M.
    #[arg(long, default_value = "20M", value_parser = limits::parse_count)]
    max_vertices: u64,
    /// Largest PNG in pixels (width × height after --scale), e.g. 1G.
    #[arg(long, default_value = "400M", value_parser = limits::parse_count)]
    max_pixels: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_input_bytes: self.max_input_bytes,
            max_vertices: self.max_vertices,
            max_pixels: self.max_pixels,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mapfig: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        None => render_all(Vec::new(), Options::default(), Limits::default(), false),
        Some(Command::Render {
            specs,
            out,
            format,
            scale,
            strict_labels,
            theme,
            text_as_paths,
            timings,
            limits,
        }) => {
            let theme = theme
                .map(|t| Theme::parse(&t).map_err(|m| Error::Usage(format!("--theme: {m}"))))
                .transpose()?;
            let formats = format
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(Format::parse)
                .collect::<Result<Vec<_>>>()?;
            if formats.is_empty() {
                return Err(Error::Usage(
                    "--format needs at least one of svg, png".into(),
                ));
            }
            if !(scale.is_finite() && scale > 0.0 && scale <= 16.0) {
                return Err(Error::Usage(format!(
                    "--scale must be above 0 and at most 16, got {scale}"
                )));
            }
            render_all(
                specs,
                Options {
                    out_dir: out,
                    formats,
                    scale,
                    strict_labels,
                    theme,
                    text_as_paths,
                },
                limits.limits(),
                timings,
            )
        }
        Some(Command::Draw {
            data,
            output,
            proj,
            size,
            fill,
            stroke,
            stroke_width,
            background,
            scale,
            timings,
            limits,
        }) => {
            let size = parse_size(&size)?;
            let paint = |flag: &str, v: &str| {
                Paint::parse(v).map_err(|m| Error::Usage(format!("--{flag}: {m}")))
            };
            if !(stroke_width.is_finite() && (0.0..=100.0).contains(&stroke_width)) {
                return Err(Error::Usage(format!(
                    "--stroke-width must be from 0 to 100, got {stroke_width}"
                )));
            }
            let t = render::draw(&DrawOptions {
                input: data.clone(),
                output,
                projection: proj,
                size,
                fill: paint("fill", &fill)?,
                stroke: paint("stroke", &stroke)?,
                stroke_width,
                background: paint("background", &background)?,
                scale,
                limits: limits.limits(),
            })?;
            if timings {
                print_timings(&data.display().to_string(), &t);
            }
            Ok(())
        }
    }
}

fn print_timings(what: &str, t: &Timings) {
    let total: std::time::Duration = t.stages.iter().map(|(_, d)| *d).sum();
    eprintln!("timings for {what}:");
    for (stage, d) in &t.stages {
        eprintln!("  {stage:<20} {:>9.1} ms", d.as_secs_f64() * 1000.0);
    }
    eprintln!("  {:<20} {:>9.1} ms", "total", total.as_secs_f64() * 1000.0);
    if let Some(peak) = peak_memory() {
        eprintln!(
            "  {:<20} {:>9.1} MiB",
            "peak memory",
            peak as f64 / 1048576.0
        );
    }
}

fn render_all(specs: Vec<PathBuf>, options: Options, limits: Limits, timings: bool) -> Result<()> {
    let specs = if specs.is_empty() {
        render::default_specs(std::path::Path::new("."))?
    } else {
        specs
    };
    let mut cache = DataCache::new(limits);
    for spec in &specs {
        let r = render::render_spec(spec, &options, &mut cache)?;
        for d in &r.dropped_labels {
            eprintln!(
                "mapfig: warning: {}: label {:?} (layer {:?}, feature {:?}) dropped: no room without overlap{}",
                spec.display(),
                d.text,
                d.layer,
                d.feature,
                if d.required { " (required)" } else { "" }
            );
        }
        for f in &r.files {
            eprintln!("wrote {}", f.display());
        }
        if timings {
            print_timings(&spec.display().to_string(), &r.timings);
        }
    }
    Ok(())
}

fn parse_size(s: &str) -> Result<(f64, f64)> {
    let bad = || Error::Usage(format!("--size must look like 1600x1200, got {s:?}"));
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let w: f64 = w.trim().parse().map_err(|_| bad())?;
    let h: f64 = h.trim().parse().map_err(|_| bad())?;
    Ok((w, h))
}
