//! The `mapfig` command: flags become plain options, the library does the work.

mod cli;

use clap::{CommandFactory, Parser, Subcommand};
use mapfig::build::{self, Batch, Built, FileStatus, Manifest, Shard};
use mapfig::color::Paint;
use mapfig::emit::Transaction;
use mapfig::limits::{self, Limits};
use mapfig::render::{self, DrawOptions, Format, Options};
use mapfig::symbology::theme::Theme;
use mapfig::timings::{peak_memory, Timings};
use mapfig::{Error, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// Render static, annotated maps from GeoJSON, TopoJSON, Shapefiles, FlatGeobuf, GeoPackage or CSV to SVG, PNG and PDF.
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
    /// Render every spec of the project (mapfig.toml, else maps/*.toml), in parallel.
    Build(BuildArgs),
    /// Re-render and compare with the committed files; exit 1 if any map changed.
    Check(CheckArgs),
    /// Render map specs (TOML) to SVG, PNG and PDF.
    Render(RenderArgs),
    /// Render any data file (GeoJSON, TopoJSON, Shapefile, FlatGeobuf, GeoPackage, CSV/TSV...)
    /// without a spec: a quick look.
    Draw(Box<DrawArgs>),
    /// Describe a data file: format, CRS, collections, geometry types, bounding box,
    /// vertices and a profile of each property (`--json` for scripts).
    Inspect(InspectArgs),
    /// Write a starter spec for a data file, its projection, extent and label guessed.
    Init(cli::init::InitArgs),
    /// A live preview of the project on a local web page, re-rendered when a spec or its
    /// data changes (nothing is written to the out folder).
    Serve(ServeArgs),
    /// Print the JSON Schema of a map spec, for completion and checks in editors.
    ///
    /// Save it and name it atop a spec, `#:schema mapfig.schema.json` (Taplo, Even Better
    /// TOML), or give the URL it is served from as the spec's `"$schema"`.
    Schema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(cli::docs::CompletionsArgs),
    /// Print the man page of mapfig and every command (roff), or write a page per command.
    Man(cli::docs::ManArgs),
}

// The flags of `mapfig serve`.
#[derive(clap::Args)]
struct ServeArgs {
    /// The project folder (its mapfig.toml, else maps/*.toml); default: the current folder.
    dir: Option<PathBuf>,
    /// The project manifest, instead of DIR's.
    #[arg(long, conflicts_with = "dir")]
    manifest: Option<PathBuf>,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The address to listen on. The default answers this machine only; another address
    /// lets anyone who can reach it see the maps.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    #[command(flatten)]
    limits: LimitArgs,
}

// The flags of `mapfig inspect`.
#[derive(clap::Args)]
struct InspectArgs {
    /// The data file (any format mapfig reads).
    data: PathBuf,
    /// Print JSON (the schema is in README) instead of text.
    #[arg(long)]
    json: bool,
    /// Describe only this collection (a TopoJSON object, a GeoPackage table).
    #[arg(long)]
    object: Option<String>,
    /// The CRS of the file's coordinates, when it declares none or declares it wrong.
    #[arg(long)]
    crs: Option<String>,
    /// A table's longitude (or easting) column, when not found by name.
    #[arg(long)]
    x: Option<String>,
    /// A table's latitude (or northing) column, when not found by name.
    #[arg(long)]
    y: Option<String>,
    #[command(flatten)]
    limits: LimitArgs,
}

// The flags of `mapfig build`.
#[derive(clap::Args)]
struct BuildArgs {
    /// The project manifest; default: ./mapfig.toml, else every maps/*.toml.
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// Write into this folder instead of the manifest's `out` (it must lie inside the
    /// project folder, as the manifest's own, unless --allow-outside); with --merge, the
    /// folder holding every shard's maps, where the gallery page goes (default: the out
    /// folder the reports name).
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Render only this part of the specs, e.g. 2/3 (the second of three, counted from 1),
    /// to split the work over several jobs.
    #[arg(long, value_name = "I/N", conflicts_with = "shard_count")]
    shard: Option<String>,
    /// Split the work into N shards and render the one whose index (counted from 0) is in
    /// $JOB_COMPLETION_INDEX (Kubernetes Indexed Job), $AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch
    /// array job) or $MAPFIG_SHARD_INDEX.
    #[arg(long, value_name = "N")]
    shard_count: Option<String>,
    /// Write a JSON summary: maps rendered, dropped labels, timings (with --merge: the
    /// merged report).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Combine the reports of every shard of one build into the report (--report) and
    /// gallery page an unsharded build writes; the shards' out folders must have been
    /// gathered into one.
    #[arg(long, value_name = "REPORT", num_args = 1..,
          conflicts_with_all = ["shard", "shard_count", "manifest", "allow_outside"])]
    merge: Vec<PathBuf>,
    /// Let the manifest's specs and out folder lie outside the manifest's folder.
    #[arg(long)]
    allow_outside: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

// The flags of `mapfig check`.
#[derive(clap::Args)]
struct CheckArgs {
    /// The project manifest; default: ./mapfig.toml, else every maps/*.toml.
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// Where to write the HTML report and diff images.
    #[arg(long, default_value = "check-report")]
    report_dir: PathBuf,
    /// Let the manifest's specs and out folder lie outside the manifest's folder.
    #[arg(long)]
    allow_outside: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

// The flags of `mapfig render`.
#[derive(clap::Args)]
struct RenderArgs {
    /// Spec files; default: maps/*.toml.
    specs: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    out: PathBuf,
    /// Comma-separated output formats: svg, png, pdf (PDF pages are 0.75 pt per CSS px).
    #[arg(long, default_value = "svg,png")]
    format: String,
    /// PNG pixels per CSS pixel (2 gives PNGs twice the spec's size).
    #[arg(long, default_value_t = 2.0)]
    scale: f64,
    /// Fail when a label marked `label_required` cannot be placed, or a text has a
    /// character no font has a glyph for.
    #[arg(long)]
    strict_labels: bool,
    /// A font file (TTF, OTF, TTC) text may be set in after the bundled ones and the spec's
    /// `fonts` (repeat for several).
    #[arg(long = "font", value_name = "FILE")]
    fonts: Vec<PathBuf>,
    /// Embed a subset of each font the texts use into every SVG (as the spec key
    /// `embed_fonts = true`), so browsers draw the same glyphs as the PNG.
    #[arg(long)]
    embed_fonts: bool,
    /// Theme for every map: light, dark or print (overrides the specs' `theme`).
    #[arg(long)]
    theme: Option<String>,
    /// Write SVG text as glyph outlines, for SVGs that must look the same without the font.
    #[arg(long)]
    text_as_paths: bool,
    /// Also write the dark theme's colours into each SVG, shown by browsers when the
    /// reader prefers a dark colour scheme (as the spec key `dark_variant = true`).
    #[arg(long)]
    dark_variant: bool,
    /// Print each stage's wall time and the peak memory to stderr.
    #[arg(long)]
    timings: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

// The flags of `mapfig draw`.
#[derive(clap::Args)]
struct DrawArgs {
    /// The data file (GeoJSON, TopoJSON, Shapefile, FlatGeobuf, GeoPackage, CSV/TSV, a
    /// GeoJSON text sequence...).
    data: PathBuf,
    /// Output file, .svg, .png or .pdf; repeat for several formats from one render
    /// (`-o map.svg -o map.png`).
    #[arg(short, long, required = true)]
    output: Vec<PathBuf>,
    /// Projection: "auto", "EPSG:nnnn", a proj string or "albers-usa".
    #[arg(long)]
    proj: Option<String>,
    /// The CRS of the data's coordinates when the file declares none, or to override what
    /// it declares: "EPSG:5070", a proj string, WKT, "screen" (pixels, y down, as in
    /// us-atlas's *-albers files) or "planar" (y up).
    #[arg(long)]
    crs: Option<String>,
    /// Canvas size in CSS pixels, WxH (each side 120 to 20000).
    #[arg(long, default_value = "1600x1200")]
    size: String,
    /// Fill colour (CSS syntax or none), or a colour scale as a spec's `fill` table:
    /// '{ by = "rate", scale = "quantile", classes = 5, scheme = "Blues" }'.
    #[arg(long, default_value = "#dddddd")]
    fill: String,
    /// Join a table to the features first, as a spec's `join` table:
    /// '{ data = "unemployment.tsv", key = "id", on = "id", pad = 5 }'.
    #[arg(long)]
    join: Option<String>,
    /// Proportional symbols, as a spec's `size` table: '{ by = "mag", max = 24 }'.
    #[arg(long)]
    size_by: Option<String>,
    /// The legend's title (a map with --fill or --size-by table gets a legend).
    #[arg(long)]
    legend: Option<String>,
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
    /// Keep this share of polygon vertices ("10%"), with shared borders kept shared.
    #[arg(long)]
    simplify: Option<String>,
    /// A table's longitude (or easting) column, when not found by name (lon, lng, x...).
    #[arg(long)]
    x: Option<String>,
    /// A table's latitude (or northing) column, when not found by name (lat, y...).
    #[arg(long)]
    y: Option<String>,
    /// Draw only this object of a TopoJSON file (without it, every object is drawn, each
    /// as its own layer, in file order).
    #[arg(long)]
    object: Option<String>,
    /// Print each stage's wall time and the peak memory to stderr.
    #[arg(long)]
    timings: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Resource limits (see `mapfig::limits`): inputs over them fail with a message naming
/// the flag to raise.
#[derive(clap::Args)]
struct LimitArgs {
    /// Largest data file read, e.g. 512MiB or 4GiB.
    #[arg(long, default_value = "1GiB", value_parser = limits::parse_bytes)]
    max_input_bytes: u64,
    /// Most vertices all data files of this run may hold together, e.g. 100M.
    #[arg(long, default_value = "50M", value_parser = limits::parse_count)]
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
            // A spec with several problems prints one `file:line:column: …` line each.
            for line in e.to_string().lines() {
                eprintln!("mapfig: error: {line}");
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        None => build_project(None, None, None, None, false, Limits::default()),
        Some(Command::Build(a)) if !a.merge.is_empty() => merge_reports(&a),
        Some(Command::Build(a)) => {
            let shard = match (&a.shard, &a.shard_count) {
                (Some(s), _) => Some(Shard::parse(s)?),
                (None, Some(n)) => Some(Shard::from_env(Shard::parse_count(n)?, |v| {
                    std::env::var_os(v)
                })?),
                (None, None) => None,
            };
            build_project(
                a.manifest,
                a.out,
                shard,
                a.report,
                a.allow_outside,
                a.limits.limits(),
            )
        }
        Some(Command::Check(a)) => check_project(
            a.manifest,
            &a.report_dir,
            a.allow_outside,
            &a.limits.limits(),
        ),
        Some(Command::Render(a)) => render_specs(a),
        Some(Command::Inspect(a)) => inspect(&a),
        Some(Command::Init(a)) => cli::init::run(a),
        Some(Command::Serve(a)) => serve(&a),
        Some(Command::Schema) => {
            let schema = mapfig::spec::schema::json_schema();
            let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
            text.push('\n');
            cli::print(text.as_bytes())
        }
        Some(Command::Completions(a)) => {
            cli::print(&cli::docs::completions(Cli::command(), a.shell))
        }
        Some(Command::Man(a)) => match a.out {
            None => cli::print(&cli::docs::man_page(Cli::command())?),
            Some(dir) => {
                for f in cli::docs::write_man_pages(Cli::command(), &dir)? {
                    eprintln!("wrote {}", f.display());
                }
                Ok(())
            }
        },
        Some(Command::Draw(a)) => {
            let timings = render::draw(&a.draw_options()?)?;
            if a.timings {
                print_timings(&a.data.display().to_string(), &timings);
            }
            Ok(())
        }
    }
}

impl RenderArgs {
    /// The output options the flags ask for, each flag checked.
    fn options(&self) -> Result<Options> {
        let theme = self
            .theme
            .as_deref()
            .map(|t| Theme::parse(t).map_err(|m| Error::Usage(format!("--theme: {m}"))))
            .transpose()?;
        let formats = self
            .format
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(Format::parse)
            .collect::<Result<Vec<_>>>()?;
        if formats.is_empty() {
            return Err(Error::Usage(
                "--format needs at least one of svg, png, pdf".into(),
            ));
        }
        render::check_scale(self.scale).map_err(|m| Error::Usage(format!("--scale {m}")))?;
        Ok(Options {
            out_dir: self.out.clone(),
            formats,
            scale: self.scale,
            strict_labels: self.strict_labels,
            theme,
            text_as_paths: self.text_as_paths,
            dark_variant: self.dark_variant,
            fonts: self.fonts.clone(),
            embed_fonts: self.embed_fonts,
        })
    }
}

impl DrawArgs {
    /// The layer keys that map data (`--fill` as a table, `--join`, `--size-by`,
    /// `--legend`), as TOML for the spec parser.
    fn data_keys(&self) -> Vec<(&'static str, String)> {
        let mut keys = Vec::new();
        if self.fill.trim_start().starts_with('{') {
            keys.push(("fill", self.fill.clone()));
        }
        if let Some(j) = &self.join {
            keys.push(("join", j.clone()));
        }
        if let Some(s) = &self.size_by {
            keys.push(("size", s.clone()));
        }
        if let Some(l) = &self.legend {
            // A TOML basic string: JSON's escaping is valid TOML.
            keys.push(("legend", serde_json::Value::String(l.clone()).to_string()));
        }
        keys
    }

    /// The quick look the flags ask for, each flag checked.
    fn draw_options(&self) -> Result<DrawOptions> {
        let simplify = self
            .simplify
            .as_deref()
            .map(|v| {
                mapfig::spec::parse_share(v).map_err(|m| Error::Usage(format!("--simplify: {m}")))
            })
            .transpose()?;
        let size = parse_size(&self.size)?;
        let limits = self.limits.limits();
        if self
            .output
            .iter()
            .any(|o| o.extension().is_some_and(|x| x.eq_ignore_ascii_case("png")))
        {
            render::check_png_size(size, self.scale, &limits)?;
        }
        let paint = |flag: &str, v: &str| {
            Paint::parse(v).map_err(|m| Error::Usage(format!("--{flag}: {m}")))
        };
        let stroke_width = self.stroke_width;
        if !(stroke_width.is_finite() && (0.0..=100.0).contains(&stroke_width)) {
            return Err(Error::Usage(format!(
                "--stroke-width must be from 0 to 100, got {stroke_width}"
            )));
        }
        if let Some(crs) = &self.crs {
            mapfig::sources::crs::Crs::parse(crs).map_err(|m| {
                Error::Usage(format!(
                    "--crs: {m}; {}",
                    mapfig::sources::crs::REPROJECT_HINT
                ))
            })?;
        }
        Ok(DrawOptions {
            input: self.data.clone(),
            outputs: self.output.clone(),
            projection: self.proj.clone(),
            crs: self.crs.clone(),
            size,
            fill: if self.fill.trim_start().starts_with('{') {
                Paint::rgb(0xdd, 0xdd, 0xdd)
            } else {
                paint("fill", &self.fill)?
            },
            data_keys: self.data_keys(),
            stroke: paint("stroke", &self.stroke)?,
            stroke_width,
            background: paint("background", &self.background)?,
            scale: self.scale,
            simplify,
            x: self.x.clone(),
            y: self.y.clone(),
            object: self.object.clone(),
            limits,
        })
    }
}

/// `mapfig inspect`: reads the file as a layer would and prints its summary.
fn inspect(a: &InspectArgs) -> Result<()> {
    use mapfig::sources::{load_with, Summary};
    let options = mapfig::spec::ReadOptions {
        crs: a.crs.clone(),
        x: a.x.clone(),
        y: a.y.clone(),
    };
    let data = load_with(&a.data, &a.limits.limits(), &options)?;
    let summary = Summary::of(&data, a.object.as_deref()).map_err(Error::Usage)?;
    let text = if a.json {
        summary.to_json()
    } else {
        summary.to_text()
    };
    cli::print(text.as_bytes())
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

fn manifest(path: Option<PathBuf>, allow_outside: bool) -> Result<Manifest> {
    match path {
        Some(p) => Manifest::load_with(&p, allow_outside),
        None => Manifest::discover_with(std::path::Path::new("."), allow_outside),
    }
}

/// One warning for each label dropped for want of room, and for each thing layout cut or
/// left out to fit the page (a title cut with an ellipsis, a credit or a legend dropped);
/// then each join's report: nothing a spec asked for is lost silently.
fn warn(built: &Built) {
    let spec = built.spec.display();
    for d in &built.dropped_labels {
        eprintln!(
            "mapfig: warning: {spec}: label {:?} (layer {:?}, feature {:?}) dropped: no room without overlap{}",
            d.text,
            d.layer,
            d.feature,
            if d.required { " (required)" } else { "" }
        );
    }
    for w in &built.warnings {
        eprintln!("mapfig: warning: {spec}: {w}");
    }
    for j in &built.joins {
        eprintln!("mapfig: join: {spec}: {}", j.to_text());
    }
}

/// `mapfig serve`: prints where the preview is, then serves until stopped.
fn serve(a: &ServeArgs) -> Result<()> {
    let root = a.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        return Err(Error::Usage(format!("{}: not a folder", root.display())));
    }
    if !a.bind.is_loopback() {
        eprintln!(
            "mapfig: warning: serving on {}: anyone who can reach this address can see the maps",
            a.bind
        );
    }
    let shown = a
        .manifest
        .as_ref()
        .map_or_else(|| root.display().to_string(), |m| m.display().to_string());
    build::serve::serve(
        a.manifest.as_deref(),
        &root,
        std::net::SocketAddr::new(a.bind, a.port),
        a.limits.limits(),
        |addr| eprintln!("mapfig: serving {shown} at http://{addr}/ (Ctrl-C to stop)"),
    )
}

/// A progress line on a terminal; nothing in CI or when stderr is piped.
fn progress_on() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// `mapfig: 12/40 maps (maps/kabul.toml)`, the spec's name cut so the line stays one
/// terminal line and `\r` can redraw it.
fn progress_line(done: usize, total: usize, spec: &std::path::Path) -> String {
    let name = spec.display().to_string();
    let name: String = match name.chars().count() {
        n if n > 40 => {
            let tail: String = name.chars().skip(n - 39).collect();
            format!("…{tail}")
        }
        _ => name,
    };
    format!("mapfig: {done}/{total} maps ({name})")
}

/// `mapfig build`: the project, or with `shard` the shard's part of its units.
fn build_project(
    manifest_path: Option<PathBuf>,
    out: Option<PathBuf>,
    shard: Option<Shard>,
    report: Option<PathBuf>,
    allow_outside: bool,
    limits: Limits,
) -> Result<()> {
    let mut m = manifest(manifest_path.clone(), allow_outside)?;
    if let Some(out) = out {
        m.set_out(out, allow_outside, "--out")?;
    }
    let show = progress_on();
    // Specs finish on several threads: the line only ever moves forward.
    let shown = std::sync::Mutex::new(0usize);
    let progress = |done: usize, total: usize, spec: &std::path::Path| {
        let Ok(mut last) = shown.lock() else { return };
        if show && done > *last {
            *last = done;
            eprint!("\r\x1b[K{}", progress_line(done, total, spec));
        }
    };
    // Every file of the build (maps, gallery, report) is written together or not at all.
    let mut tx = Transaction::new();
    // `--report` must not land on the manifest (the specs and data are protected too).
    tx.protect(&manifest_path.unwrap_or_else(|| PathBuf::from(build::MANIFEST)));
    let batch = Batch {
        // The whole project goes into one folder: its gallery page lists every map.
        gallery: shard.is_none(),
        progress: &progress,
        shard,
        ..Batch::new(m.options.clone(), limits)
    };
    // Every unit of the project (specs and atlas pages), before the shard takes its part.
    let plan = build::plan(&m.specs, &batch)?;
    // What every job's report says of the project, so `--merge` can tell they belong together.
    let project = match report {
        Some(_) => Some(build::Project::of(&m, plan.units())?),
        None => None,
    };
    let built = build::stage_plan(plan, &batch, &mut tx);
    if show {
        // The progress line goes, so what follows (the summary or an error) starts clean.
        eprint!("\r\x1b[K");
    }
    let built = built?;
    if let (Some(r), Some(project)) = (report, project) {
        tx.stage(&r, build::report_json(&built, shard, &project).as_bytes())?;
    }
    tx.commit()?;
    built.iter().for_each(warn);
    let files: usize = built.iter().map(|b| b.files.len()).sum();
    eprintln!(
        "mapfig: rendered {} maps ({files} files) into {}",
        built.len(),
        batch.options.out_dir.display()
    );
    Ok(())
}

/// `mapfig build --merge`: the shards' reports as one report and one gallery page.
fn merge_reports(a: &BuildArgs) -> Result<()> {
    let mut tx = Transaction::new();
    let merged = build::merge(&a.merge, a.out.as_deref(), &a.limits.limits(), &mut tx)?;
    if let Some(r) = &a.report {
        tx.stage(r, merged.report.as_bytes())?;
    }
    tx.commit()?;
    eprintln!(
        "mapfig: merged {} shard reports: {} maps{}{}",
        a.merge.len(),
        merged.maps,
        match &a.report {
            Some(r) => format!(", report {}", r.display()),
            None => String::new(),
        },
        if merged.gallery {
            format!(", gallery {}", merged.out_dir.join("index.html").display())
        } else {
            String::new()
        }
    );
    Ok(())
}

fn check_project(
    manifest_path: Option<PathBuf>,
    report_dir: &std::path::Path,
    allow_outside: bool,
    limits: &Limits,
) -> Result<()> {
    let m = manifest(manifest_path, allow_outside)?;
    let checked = build::check(&m.specs, &m.options, limits, report_dir)?;
    let mut changed = 0;
    for c in &checked {
        match &c.status {
            FileStatus::Same => {}
            FileStatus::Missing => {
                changed += 1;
                eprintln!(
                    "{}: missing (not rendered or not committed)",
                    c.file.display()
                );
            }
            FileStatus::Changed(list) => {
                changed += 1;
                eprintln!("{}: changed", c.file.display());
                for l in list.iter().take(10) {
                    eprintln!("  {l}");
                }
                if list.len() > 10 {
                    eprintln!("  … {} more", list.len() - 10);
                }
            }
        }
    }
    eprintln!(
        "mapfig check: {changed} of {} files changed; report in {}",
        checked.len(),
        report_dir.join("index.html").display()
    );
    if changed > 0 {
        return Err(Error::Render {
            file: report_dir.join("index.html"),
            message: format!("{changed} map files differ from a fresh render"),
        });
    }
    Ok(())
}

/// `mapfig render`: the chosen specs, or with none every `maps/*.toml`. Every spec's PNG
/// size is checked against `--scale` and `--max-pixels` before any data is read.
fn render_specs(args: RenderArgs) -> Result<()> {
    let options = args.options()?;
    // The default job renders every spec in maps/ into one folder, so it also writes that
    // folder's gallery page.
    let default_job = args.specs.is_empty();
    let specs = if default_job {
        render::default_specs(std::path::Path::new("."))?
    } else {
        args.specs
    };
    let batch = Batch {
        gallery: default_job,
        png_sizes_up_front: true,
        ..Batch::new(options, args.limits.limits())
    };
    let mut tx = Transaction::new();
    for b in build::stage_maps(&specs, &batch, &mut tx)? {
        warn(&b);
        if args.timings {
            print_timings(&b.spec.display().to_string(), &b.timings);
        }
    }
    for f in tx.commit()? {
        eprintln!("wrote {}", f.display());
    }
    Ok(())
}

fn parse_size(s: &str) -> Result<(f64, f64)> {
    let bad = || Error::Usage(format!("--size must look like 1600x1200, got {s:?}"));
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let w: f64 = w.trim().parse().map_err(|_| bad())?;
    let h: f64 = h.trim().parse().map_err(|_| bad())?;
    // A map spec's smallest size: the least page that holds the map frame.
    let sides = mapfig::spec::MIN_SIDE..=limits::MAX_SIDE;
    if !sides.contains(&w) || !sides.contains(&h) {
        return Err(Error::Usage(format!(
            "--size must be WxH with each side from {} to {}, got {s:?}",
            mapfig::spec::MIN_SIDE,
            limits::MAX_SIDE
        )));
    }
    Ok((w, h))
}
