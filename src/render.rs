//! One map through the whole pipeline: a spec is laid out and encoded in memory into the
//! bytes of each output format ([`encode_map`], [`encode_spec`]), which are then staged into
//! a [`Transaction`] ([`stage_encoded`]) and written only when every output of the command
//! is complete, so a failure leaves no output file behind and never replaces some outputs
//! but not others. Many specs at once go through [`crate::build`]. Also here: the output
//! [`Options`] with the PNG scale checks, and the spec-less `draw` quick look.

use crate::emit::{pdf, svg, Transaction};
use crate::error::{Error, Result};
use crate::layout::{self, labels::Dropped};
use crate::limits::Limits;
use crate::sources::DataCache;
pub use crate::spec::draw::DrawOptions;
use crate::spec::{self, Spec};
use crate::timings::Timings;
use std::collections::HashMap;
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
    /// Overrides every spec's `theme`.
    pub theme: Option<crate::symbology::theme::Theme>,
    /// Write SVG text as glyph outlines (for SVGs that must look the same without the font).
    pub text_as_paths: bool,
    /// Give every SVG a dark variant (`prefers-color-scheme: dark`), whatever its spec says.
    pub dark_variant: bool,
    /// Font files every spec's text may use, after the spec's own `fonts` (the manifest's
    /// `fonts`, `--font`).
    pub fonts: Vec<PathBuf>,
    /// Embed a subset of each font used into the SVGs (`@font-face`), whatever the specs say.
    pub embed_fonts: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            out_dir: PathBuf::from("out"),
            formats: vec![Format::Svg, Format::Png],
            scale: 2.0,
            strict_labels: false,
            theme: None,
            text_as_paths: false,
            dark_variant: false,
            fonts: Vec::new(),
            embed_fonts: false,
        }
    }
}

pub use crate::limits::{check_scale, MAX_SCALE, MIN_SCALE};

/// A `w`×`h` map's PNG at `scale` must be at least a pixel a side and within the pixel
/// limit: checked before any data is read, as a usage error naming the flags.
pub fn check_png_size((w, h): (f64, f64), scale: f64, limits: &Limits) -> Result<()> {
    check_scale(scale).map_err(|m| Error::Usage(format!("--scale {m}")))?;
    let (pw, ph) = ((w * scale).round(), (h * scale).round());
    if pw < 1.0 || ph < 1.0 {
        let least = (0.5 / w.min(h) * 1e4).ceil() / 1e4;
        return Err(Error::Usage(format!(
            "--scale {scale} makes the {w}x{h} map a {pw}×{ph} PNG: use --scale {least:.4} or more (the PNG needs at least one pixel a side)"
        )));
    }
    if pw * ph > limits.max_pixels as f64 {
        return Err(Error::Usage(format!(
            "--scale {scale} makes the {w}x{h} map a {pw}×{ph} PNG ({} pixels), over the limit of {} pixels: lower --scale or the map's size, or raise --max-pixels",
            pw * ph,
            limits.max_pixels
        )));
    }
    Ok(())
}

/// A map laid out and encoded in memory: the bytes of each format asked for.
pub struct EncodedMap {
    pub svg: String,
    pub png: Option<Vec<u8>>,
    pub pdf: Option<Vec<u8>>,
    pub layout: layout::Layout,
}

/// Lays out and encodes a spec without writing anything. The SVG text is always made (the
/// PDF is converted from it); PNG and PDF only when `formats` asks for them.
pub fn encode_map(
    spec: &Spec,
    formats: &[Format],
    scale: f64,
    cache: &DataCache,
) -> Result<EncodedMap> {
    encode_formats(spec, true, formats, scale, cache)
}

/// Like [`encode_map`], choosing whether to write the SVG text when neither SVG nor
/// PDF is asked for (a big PNG-only render skips it).
pub fn encode_formats(
    spec: &Spec,
    always_svg: bool,
    formats: &[Format],
    scale: f64,
    cache: &DataCache,
) -> Result<EncodedMap> {
    let set = crate::text::FontSet::with_files(&spec.fonts)?;
    crate::text::fonts::with_set(set, || {
        encode_with_fonts(spec, always_svg, formats, scale, cache)
    })
}

/// [`encode_formats`] with the spec's font set installed.
fn encode_with_fonts(
    spec: &Spec,
    always_svg: bool,
    formats: &[Format],
    scale: f64,
    cache: &DataCache,
) -> Result<EncodedMap> {
    let mut layout = layout::build(spec, cache)?;
    let missing = layout::missing_glyph_warnings(&layout.scene);
    layout.warnings.extend(missing.iter().cloned());
    layout.missing_glyphs = missing;
    layout.timings.restart();
    let svg = if always_svg || formats.contains(&Format::Svg) || formats.contains(&Format::Pdf) {
        let s = if spec.embed_fonts {
            svg::to_svg_embedding_fonts(&layout.scene)
        } else {
            svg::to_svg(&layout.scene)
        };
        layout.timings.lap("write SVG");
        s
    } else {
        String::new()
    };
    let png = if formats.contains(&Format::Png) {
        let p = crate::emit::raster::render_png(&layout.scene, scale, &spec.file, cache.limits())?;
        // The scene's texts and structure ride along, so `check` can catch a changed
        // number that moves too few pixels to count as a pixel change.
        let p = crate::emit::outline::embed(p, &crate::emit::outline::outline(&layout.scene))
            .map_err(|m| Error::render(&spec.file, m))?;
        layout.timings.lap("rasterize PNG");
        Some(p)
    } else {
        None
    };
    let pdf = if formats.contains(&Format::Pdf) {
        // Print has no colour scheme: the PDF gets the page without its dark variant, and
        // its texts from their glyph runs.
        let p = pdf::render_scene(&layout.scene, &spec.file)?;
        layout.timings.lap("convert to PDF");
        Some(p)
    } else {
        None
    };
    Ok(EncodedMap {
        svg,
        png,
        pdf,
        layout,
    })
}

impl EncodedMap {
    /// The encoded bytes of `format`, if it was rendered.
    pub fn bytes(&self, format: Format) -> Option<&[u8]> {
        match format {
            Format::Svg => Some(self.svg.as_bytes()),
            Format::Png => self.png.as_deref(),
            Format::Pdf => self.pdf.as_deref(),
        }
    }
}

/// One spec encoded in memory: each output file's path and bytes, not yet written.
pub struct EncodedSpec {
    pub files: Vec<(PathBuf, Vec<u8>)>,
    pub dropped_labels: Vec<Dropped>,
    /// What layout shortened or left out to fit the page.
    pub warnings: Vec<String>,
    /// What each joined layer's join matched.
    pub joins: Vec<crate::sources::join::JoinReport>,
    pub timings: Timings,
    /// The spec's `output`: its files' name in the out folder, before the extension.
    pub output: String,
    /// The map's title and description, as in the SVG's `<title>` and `<desc>`.
    pub title: String,
    pub description: String,
    /// The map's size in CSS pixels.
    pub width: f64,
    pub height: f64,
    /// Every file the render read (the spec and its data): no output may replace one.
    pub inputs: Vec<PathBuf>,
}

/// The files a spec reads: itself and every data source it names.
pub fn spec_inputs(spec: &Spec) -> Vec<PathBuf> {
    let mut files = vec![spec.file.clone()];
    for l in &spec.layers {
        files.push(l.source.clone());
        files.extend(l.join.as_ref().map(|j| j.data.clone()));
        if let spec::LayerGeometry::BorderWith { source, .. } = &l.geometry {
            files.push(source.clone());
        }
    }
    for c in &spec.callouts {
        if let spec::Anchor::Feature { source, .. } = &c.anchor {
            files.push(source.clone());
        }
    }
    files.extend(
        spec.badges
            .iter()
            .filter_map(|b| b.source.as_ref().map(|(p, _)| p.clone())),
    );
    files.sort();
    files.dedup();
    files
}

/// Reads the spec file at `path` and encodes it into the bytes of each requested format,
/// each with the path in `options.out_dir` it is written to.
pub fn encode_spec(path: &Path, options: &Options, cache: &DataCache) -> Result<EncodedSpec> {
    encode_loaded(path, spec::load(path)?, options, cache)
}

/// [`encode_spec`] of a spec already loaded from `path`.
pub fn encode_loaded(
    path: &Path,
    mut spec: Spec,
    options: &Options,
    cache: &DataCache,
) -> Result<EncodedSpec> {
    if let Some(t) = options.theme {
        spec.theme = t;
    }
    spec.dark_variant |= options.dark_variant;
    spec.embed_fonts |= options.embed_fonts;
    for f in &options.fonts {
        if !spec.fonts.contains(f) {
            spec.fonts.push(f.clone());
        }
    }
    // With `text_as_paths` the SVG file is the outlined one, written below: the plain SVG
    // text is then made only when the PDF needs it.
    let encoded: Vec<Format> = options
        .formats
        .iter()
        .copied()
        .filter(|f| !(options.text_as_paths && *f == Format::Svg))
        .collect();
    let out = encode_formats(&spec, false, &encoded, options.scale, cache)?;
    if options.strict_labels || spec.strict_text {
        if let Some(m) = out.layout.missing_glyphs.first() {
            return Err(Error::render(path, m.clone()));
        }
    }
    if options.strict_labels {
        if let Some(d) = out.layout.dropped_labels.iter().find(|d| d.required) {
            return Err(Error::render(
                path,
                format!("required label {:?} (layer {:?}, feature {:?}) could not be placed without overlapping", d.text, d.layer, d.feature),
            ));
        }
    }
    let mut files = Vec::new();
    for f in &options.formats {
        let file = options
            .out_dir
            .join(format!("{}.{}", spec.output, f.extension()));
        let bytes = match f {
            Format::Svg if options.text_as_paths => {
                svg::to_svg_outlined(&out.layout.scene).into_bytes()
            }
            other => out.bytes(*other).map(<[u8]>::to_vec).unwrap_or_default(),
        };
        files.push((file, bytes));
    }
    let inputs = spec_inputs(&spec);
    Ok(EncodedSpec {
        files,
        dropped_labels: out.layout.dropped_labels,
        warnings: out.layout.warnings,
        joins: out.layout.joins,
        timings: out.layout.timings,
        output: spec.output,
        title: out.layout.scene.title,
        description: out.layout.scene.description,
        width: out.layout.scene.width,
        height: out.layout.scene.height,
        inputs,
    })
}

/// Which spec writes each output file of a command, so two specs that would write one file
/// fail with both named instead of one silently replacing the other.
#[derive(Default)]
pub struct OutputClaims(HashMap<PathBuf, PathBuf>);

impl OutputClaims {
    /// Claims `encoded`'s files for `spec`; an error names both specs on a clash.
    pub fn claim(&mut self, spec: &Path, encoded: &EncodedSpec) -> Result<()> {
        for (file, _) in &encoded.files {
            match self.0.get(file) {
                Some(other) if other != spec => {
                    return Err(Error::Usage(format!(
                        "{} and {} both write {}: two specs cannot share an output name (change `output` in one of them)",
                        other.display(),
                        spec.display(),
                        file.display()
                    )))
                }
                _ => {
                    self.0.insert(file.clone(), spec.to_path_buf());
                }
            }
        }
        Ok(())
    }
}

/// Stages one rendered spec's files into `tx`, its inputs protected from being replaced.
pub fn stage_encoded(tx: &mut Transaction, encoded: &EncodedSpec) -> Result<()> {
    for input in &encoded.inputs {
        tx.protect(input);
    }
    for (file, bytes) in &encoded.files {
        // Specs write into the out folder, made if missing.
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            tx.allow_folder(dir);
        }
        tx.stage(file, bytes)?;
    }
    Ok(())
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

/// The output format an output file's extension names.
fn format_of(file: &Path) -> Result<Format> {
    file.extension()
        .and_then(|e| e.to_str())
        .and_then(|e| Format::parse(e).ok())
        .ok_or_else(|| {
            Error::Usage(format!(
                "{}: output must end in .svg, .png or .pdf",
                file.display()
            ))
        })
}

/// The named collections of a file (TopoJSON objects) as `draw` plans them.
fn draw_objects(data: &crate::sources::Dataset) -> Vec<spec::draw::DrawObject> {
    let polygonal = |g: &geo::Geometry<f64>| {
        use geo::Geometry::*;
        match g {
            Polygon(_) | MultiPolygon(_) | Rect(_) | Triangle(_) => true,
            GeometryCollection(c) => {
                c.0.iter()
                    .any(|g| matches!(g, Polygon(_) | MultiPolygon(_)))
            }
            _ => false,
        }
    };
    data.objects
        .iter()
        .map(|o| spec::draw::DrawObject {
            name: o.name.clone(),
            polygons: data
                .features
                .get(o.features.clone())
                .unwrap_or_default()
                .iter()
                .filter_map(|f| f.geometry.as_ref())
                .any(polygonal),
        })
        .collect()
}

/// Renders any GeoJSON or TopoJSON file to SVG, PNG or PDF (chosen by each output's extension). Data
/// is read, projected and laid out once however many outputs there are.
pub fn draw(o: &DrawOptions) -> Result<Timings> {
    if o.outputs.is_empty() {
        return Err(Error::Usage("draw needs an output file (-o FILE)".into()));
    }
    let formats = o
        .outputs
        .iter()
        .map(|f| format_of(f))
        .collect::<Result<Vec<_>>>()?;
    // Refuse an output that is the input, or no place for a file, before the work.
    let mut preflight = Transaction::new();
    preflight.protect(&o.input);
    for f in &o.outputs {
        preflight.check_output(f)?;
    }
    // A wrong size or projection is refused before the file is read.
    spec::draw::plan(o, &[])?;
    let mut cache = DataCache::new(o.limits);
    cache.one_shot = true;
    // The plan depends on the file's objects: read it first (once: the render reuses it).
    let started = std::time::Instant::now();
    let read_options = spec::ReadOptions {
        crs: o.crs.clone(),
        x: o.x.clone(),
        y: o.y.clone(),
    };
    let data = cache.get_with(&o.input, &read_options)?;
    let read = started.elapsed();
    if let Some(name) = &o.object {
        // A wrong --object is a wrong argument: say which objects there are.
        data.object_range(Some(name), "--object")
            .map_err(Error::Usage)?;
    }
    let spec = spec::draw::plan(o, &draw_objects(&data))?;
    drop(data);
    let mut out = encode_formats(&spec, false, &formats, o.scale, &cache)?;
    // The file was read before the render: its time belongs to the render's "load".
    if let Some((_, load)) = out
        .layout
        .timings
        .stages
        .iter_mut()
        .find(|(n, _)| n == "load")
    {
        *load += read;
    }
    out.layout.timings.restart();
    // All or nothing: every output is staged before any replaces what is there.
    let mut tx = Transaction::new();
    tx.protect(&o.input);
    for (file, format) in o.outputs.iter().zip(&formats) {
        tx.stage(file, out.bytes(*format).unwrap_or_default())?;
    }
    tx.commit()?;
    out.layout.timings.lap("write files");
    Ok(out.layout.timings)
}
