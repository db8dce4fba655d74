//! The whole pipeline as library calls: spec file → SVG/PNG/PDF files, and the spec-less
//! `draw` quick look. Everything is rendered in memory first and then written atomically,
//! so a failure leaves no output file behind.

use crate::color::Paint;
use crate::data::DataCache;
use crate::emit::{pdf, png, svg, write_atomic};
use crate::error::{Error, Result};
use crate::layout::{self, labels::Dropped};
use crate::spec::{self, Extent, Filter, Furniture, Layer, Marker, ProjectionChoice, Spec};
use std::path::{Path, PathBuf};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
    Pdf,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Pdf => "pdf",
        }
    }

    pub fn parse(s: &str) -> Result<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "svg" => Ok(Format::Svg),
            "png" => Ok(Format::Png),
            "pdf" => Ok(Format::Pdf),
            other => Err(Error::Usage(format!(
                "unknown format {other:?}: use svg, png or pdf"
            ))),
        }
    }
}

/// How to render specs.
#[derive(Debug, Clone)]
pub struct Options {
    pub out_dir: PathBuf,
    pub formats: Vec<Format>,
    /// PNG pixels per CSS pixel.
    pub scale: f64,
    /// A dropped label marked `label_required` fails the render.
    pub strict_labels: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            out_dir: PathBuf::from("out"),
            formats: vec![Format::Svg, Format::Png],
            scale: 2.0,
            strict_labels: false,
        }
    }
}

/// What one spec produced.
#[derive(Debug)]
pub struct Rendered {
    pub spec: PathBuf,
    pub files: Vec<PathBuf>,
    pub dropped_labels: Vec<Dropped>,
}

/// A rendered map in memory.
pub struct Outputs {
    pub svg: String,
    pub png: Option<Vec<u8>>,
    pub pdf: Option<Vec<u8>>,
    pub layout: layout::Layout,
}

/// Lays out and encodes a spec without writing anything. The SVG is always made (PNG and
/// PDF are converted from it); PNG and PDF only when `formats` asks for them.
pub fn render_in_memory(
    spec: &Spec,
    formats: &[Format],
    scale: f64,
    cache: &mut DataCache,
) -> Result<Outputs> {
    let layout = layout::build(spec, cache)?;
    let svg = svg::to_svg(&layout.scene);
    let png = if formats.contains(&Format::Png) {
        Some(png::render(&svg, scale, &spec.file)?)
    } else {
        None
    };
    let pdf = if formats.contains(&Format::Pdf) {
        Some(pdf::render(&svg, &spec.file)?)
    } else {
        None
    };
    Ok(Outputs {
        svg,
        png,
        pdf,
        layout,
    })
}

impl Outputs {
    /// The encoded bytes of `format`, if it was rendered.
    pub fn bytes(&self, format: Format) -> Option<&[u8]> {
        match format {
            Format::Svg => Some(self.svg.as_bytes()),
            Format::Png => self.png.as_deref(),
            Format::Pdf => self.pdf.as_deref(),
        }
    }

    fn write(&self, format: Format, path: &Path) -> Result<()> {
        let bytes = self.bytes(format).ok_or_else(|| {
            Error::render(path, format!("{} was not rendered", format.extension()))
        })?;
        write_atomic(path, bytes)
    }
}

/// Renders one spec file into `options.out_dir`.
pub fn render_spec(path: &Path, options: &Options, cache: &mut DataCache) -> Result<Rendered> {
    let spec = spec::load(path)?;
    let out = render_in_memory(&spec, &options.formats, options.scale, cache)?;
    if options.strict_labels {
        if let Some(d) = out.layout.dropped_labels.iter().find(|d| d.required) {
            return Err(Error::render(
                path,
                format!("required label {:?} (layer {:?}, feature {:?}) could not be placed without overlapping", d.text, d.layer, d.feature),
            ));
        }
    }
    std::fs::create_dir_all(&options.out_dir).map_err(|e| Error::io(&options.out_dir, &e))?;
    let mut files = Vec::new();
    for f in &options.formats {
        let file = options
            .out_dir
            .join(format!("{}.{}", spec.output, f.extension()));
        out.write(*f, &file)?;
        files.push(file);
    }
    Ok(Rendered {
        spec: path.to_path_buf(),
        files,
        dropped_labels: out.layout.dropped_labels,
    })
}

/// The spec files `mapfig` renders with no arguments: `maps/*.toml` under `root`, sorted.
pub fn default_specs(root: &Path) -> Result<Vec<PathBuf>> {
    let dir = root.join("maps");
    let entries = std::fs::read_dir(&dir).map_err(|e| Error::Io {
        path: dir.clone(),
        message: format!("{e}; with no arguments mapfig renders maps/*.toml (run it in a project folder, or use `mapfig render SPEC`)"),
    })?;
    let mut specs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(Error::Io {
            path: dir,
            message: "holds no .toml map specs".into(),
        });
    }
    Ok(specs)
}

/// Settings of a spec-less quick render.
#[derive(Debug, Clone)]
pub struct DrawOptions {
    pub input: PathBuf,
    pub output: PathBuf,
    pub projection: Option<String>,
    pub size: (f64, f64),
    pub fill: Paint,
    pub stroke: Paint,
    pub stroke_width: f64,
    pub background: Paint,
    pub scale: f64,
}

/// Renders any GeoJSON file to SVG, PNG or PDF (chosen by the output's extension).
pub fn draw(o: &DrawOptions) -> Result<()> {
    let format = match o
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => Format::Svg,
        Some("png") => Format::Png,
        Some("pdf") => Format::Pdf,
        _ => {
            return Err(Error::Usage(format!(
                "{}: output must end in .svg, .png or .pdf",
                o.output.display()
            )))
        }
    };
    let (w, h) = o.size;
    if !(w >= 1.0 && h >= 1.0 && w <= spec::MAX_SIDE && h <= spec::MAX_SIDE) {
        return Err(Error::Usage(format!(
            "--size must be WxH with each side from 1 to {}, got {w}x{h}",
            spec::MAX_SIDE
        )));
    }
    let projection = match &o.projection {
        None => ProjectionChoice::Auto,
        Some(p) if p.eq_ignore_ascii_case("auto") => ProjectionChoice::Auto,
        Some(p) => {
            crate::projection::Projection::parse(p).map_err(Error::Usage)?;
            ProjectionChoice::Named(p.clone())
        }
    };
    let name = o
        .input
        .file_name()
        .map_or_else(|| "map".into(), |n| n.to_string_lossy().into_owned());
    let spec = Spec {
        file: o.input.clone(),
        output: name.clone(),
        title: None,
        subtitle: None,
        credit: None,
        description: Some(format!("Map of {name}")),
        width: w,
        height: h,
        projection,
        extent: Extent::Fit {
            layers: Vec::new(),
            pad: 0.0,
        },
        background: o.background,
        panel: false,
        layers: vec![Layer {
            id: "data".into(),
            source: o.input.clone(),
            filter: Filter::default(),
            fill: Some(o.fill),
            stroke: Some(o.stroke),
            stroke_width: Some(o.stroke_width),
            dash: Vec::new(),
            opacity: 1.0,
            label: None,
            label_size: 11.0,
            label_color: Paint::rgb(0, 0, 0),
            label_bold: false,
            label_priority: 0.0,
            label_required: false,
            label_upper: false,
            marker: Marker::Circle,
            marker_size: 2.5,
            legend: None,
            arrow: false,
            curve: false,
            description: None,
        }],
        callouts: Vec::new(),
        badges: Vec::new(),
        furniture: Furniture {
            legend: false,
            scale_bar: false,
            north_arrow: false,
            frame: false,
        },
    };
    let mut cache = DataCache::default();
    let out = render_in_memory(&spec, &[format], o.scale, &mut cache)?;
    out.write(format, &o.output)
}
