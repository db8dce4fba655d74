//! The `mapfig` command: flags become plain options, the library does the work.

use clap::{Parser, Subcommand};
use mapfig::color::Paint;
use mapfig::data::DataCache;
use mapfig::layout::{peak_memory, Timings};
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
    },
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
        None => render_all(Vec::new(), Options::default(), false),
        Some(Command::Render {
            specs,
            out,
            format,
            scale,
            strict_labels,
            theme,
            text_as_paths,
            timings,
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

fn render_all(specs: Vec<PathBuf>, options: Options, timings: bool) -> Result<()> {
    // The default job renders every spec in maps/ into one folder, so it also writes that
    // folder's gallery page; a render of chosen specs must not replace it with a partial one.
    let default_job = specs.is_empty();
    let specs = if default_job {
        render::default_specs(std::path::Path::new("."))?
    } else {
        specs
    };
    let mut cache = DataCache::default();
    let mut gallery = Vec::new();
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
        gallery.push(r.gallery);
    }
    if default_job && options.formats.contains(&Format::Svg) {
        mapfig::gallery::write_gallery(&options.out_dir, &gallery)?;
        eprintln!("wrote {}", options.out_dir.join("index.html").display());
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
