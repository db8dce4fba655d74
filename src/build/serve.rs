//! `mapfig serve`: a live preview of a project. Every map is rendered into memory (nothing
//! is written to the out folder) and shown on one local page with what its render reported
//! (dropped labels, layout warnings, join reports, missing glyphs, errors). A watcher
//! re-renders when a spec, the manifest or any file a spec reads changes, and the page,
//! which asks the server for the render's generation twice a second, reloads itself.
//! Only the rendered maps are served: no URL reads a file, so nothing outside the project
//! can be reached through it.

use super::{encode_in_parallel, expand_atlases, load_specs, Manifest};
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::render::{spec_inputs, Format, Options};
use crate::sources::DataCache;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

/// One map of the preview: its SVG, or why it could not be rendered.
struct Shown {
    spec: PathBuf,
    output: String,
    title: String,
    svg: Option<String>,
    /// Warnings and join reports, one sentence each.
    notes: Vec<String>,
    error: Option<String>,
}

/// What the page shows: the maps of the last render, and its number.
struct Preview {
    generation: u64,
    maps: Vec<Shown>,
    /// A problem with the project itself (the manifest or a spec that does not parse).
    error: Option<String>,
}

impl Preview {
    /// A render that stopped before any map: the project's problem, shown on the page.
    fn failed(generation: u64, e: &Error) -> Preview {
        Preview {
            generation,
            maps: Vec::new(),
            error: Some(e.to_string()),
        }
    }
}

/// Serves the project `manifest` describes on `addr` until the process ends; `ready` is
/// told the address bound (the port chosen when `addr`'s port is 0).
pub fn serve(
    manifest_path: Option<&Path>,
    root: &Path,
    addr: SocketAddr,
    limits: Limits,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let server = tiny_http::Server::http(addr)
        .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
    let bound = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Error::Usage(format!("cannot listen on {addr}")))?;
    let load = {
        let manifest_path = manifest_path.map(Path::to_path_buf);
        let root = root.to_path_buf();
        move || match &manifest_path {
            Some(p) => Manifest::load(p),
            None => Manifest::discover(&root),
        }
    };
    let preview = Arc::new(RwLock::new(render(&load(), &limits, 1)));
    ready(bound);
    {
        let preview = Arc::clone(&preview);
        let manifest_file = manifest_path
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.join(super::MANIFEST));
        std::thread::spawn(move || watch(&preview, &load, &manifest_file, &limits));
    }
    for request in server.incoming_requests() {
        let response = respond(request.url(), &preview);
        let _ = request.respond(response);
    }
    Ok(())
}

/// Renders every map of the project into memory.
fn render(manifest: &Result<Manifest>, limits: &Limits, generation: u64) -> Preview {
    let m = match manifest {
        Ok(m) => m,
        Err(e) => return Preview::failed(generation, e),
    };
    let options = Options {
        formats: vec![Format::Svg],
        ..m.options.clone()
    };
    let loaded = match load_specs(&m.specs, &options, limits, false) {
        Ok(l) => l,
        Err(e) => return Preview::failed(generation, &e),
    };
    let cache = DataCache::new(*limits);
    let (paths, pages, _) = match expand_atlases(&m.specs, loaded, &cache) {
        Ok(p) => p,
        Err(e) => return Preview::failed(generation, &e),
    };
    let outputs: Vec<String> = pages.iter().map(|p| p.output.clone()).collect();
    let encoded = encode_in_parallel(&paths, pages, &options, &cache, &|_, _, _| {});
    let maps = paths
        .into_iter()
        .zip(outputs)
        .zip(encoded)
        .map(|((spec, output), e)| match e {
            Ok(t) => {
                let e = t.encoded;
                let mut notes: Vec<String> = e
                    .dropped_labels
                    .iter()
                    .map(|d| {
                        format!(
                            "label {:?} (layer {:?}, feature {:?}) dropped: no room without overlap",
                            d.text, d.layer, d.feature
                        )
                    })
                    .collect();
                notes.extend(e.warnings.iter().cloned());
                notes.extend(e.joins.iter().map(|j| format!("join: {}", j.to_text())));
                let svg = e
                    .files
                    .into_iter()
                    .find(|(f, _)| f.extension().is_some_and(|x| x == "svg"))
                    .and_then(|(_, b)| String::from_utf8(b).ok());
                Shown {
                    spec,
                    output,
                    title: e.title,
                    svg,
                    notes,
                    error: None,
                }
            }
            Err(err) => Shown {
                spec,
                title: output.clone(),
                output,
                svg: None,
                notes: Vec::new(),
                error: Some(err.to_string()),
            },
        })
        .collect();
    Preview {
        generation,
        maps,
        error: None,
    }
}

/// Re-renders whenever a watched file's size or modification time changes (checked four
/// times a second): the manifest, the specs and every file they read.
fn watch(
    preview: &RwLock<Preview>,
    load: &dyn Fn() -> Result<Manifest>,
    manifest_file: &Path,
    limits: &Limits,
) {
    let mut generation = 1;
    let mut seen = stamps(&watched(&load(), manifest_file));
    loop {
        std::thread::sleep(Duration::from_millis(250));
        let manifest = load();
        let now = stamps(&watched(&manifest, manifest_file));
        if now == seen {
            continue;
        }
        seen = now;
        generation += 1;
        let fresh = render(&manifest, limits, generation);
        if let Ok(mut p) = preview.write() {
            *p = fresh;
        }
    }
}

/// The files a re-render depends on.
fn watched(manifest: &Result<Manifest>, manifest_file: &Path) -> Vec<PathBuf> {
    let mut files = vec![manifest_file.to_path_buf()];
    if let Ok(m) = manifest {
        for spec in &m.specs {
            files.push(spec.clone());
            if let Ok(s) = crate::spec::load(spec) {
                files.extend(spec_inputs(&s));
                files.extend(s.fonts.iter().cloned());
            }
        }
    }
    files.sort();
    files.dedup();
    files
}

type Stamp = Option<(u64, SystemTime)>;

fn stamps(files: &[PathBuf]) -> Vec<Stamp> {
    files
        .iter()
        .map(|f| {
            let m = std::fs::metadata(f).ok()?;
            Some((m.len(), m.modified().ok()?))
        })
        .collect()
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

fn respond(url: &str, preview: &RwLock<Preview>) -> Response {
    let Ok(p) = preview.read() else {
        return text(500, "text/plain", "the preview is unavailable".into());
    };
    let path = url.split(['?', '#']).next().unwrap_or("");
    match path {
        "/" | "/index.html" => text(200, "text/html; charset=utf-8", page(&p)),
        "/generation" => text(200, "text/plain", p.generation.to_string()),
        _ => match path
            .strip_prefix("/map/")
            .and_then(|name| name.strip_suffix(".svg"))
            .and_then(|name| p.maps.iter().find(|m| m.output == name))
            .and_then(|m| m.svg.clone())
        {
            Some(svg) => text(200, "image/svg+xml", svg),
            None => text(404, "text/plain", "not found".into()),
        },
    }
}

fn text(code: u16, content_type: &str, body: String) -> Response {
    let mut r = tiny_http::Response::from_data(body.into_bytes()).with_status_code(code);
    if let Ok(h) = tiny_http::Header::from_bytes(&b"Content-Type"[..], content_type.as_bytes()) {
        r.add_header(h);
    }
    if let Ok(h) = tiny_http::Header::from_bytes(&b"Cache-Control"[..], &b"no-store"[..]) {
        r.add_header(h);
    }
    r
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page: every map inline (its ids are prefixed, so many share one page), its notes
/// beside it, and a few lines of script that reload the page when the generation changes.
fn page(p: &Preview) -> String {
    let mut html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<title>mapfig preview</title>
<style>
body {{ margin: 0 auto; max-width: 1600px; padding: 1rem; font: 15px/1.5 "Noto Sans", "Helvetica Neue", Arial, sans-serif; color: #222; background: #fafaf8; }}
section {{ display: grid; grid-template-columns: minmax(0, 3fr) minmax(16rem, 1fr); gap: 1rem; margin: 0 0 2rem; }}
.map svg {{ width: 100%; height: auto; background: #fff; border: 1px solid #ddd; }}
.notes {{ font-size: 0.9rem; }}
.error {{ color: #a40000; white-space: pre-wrap; }}
h2 {{ font-size: 1.1rem; margin: 0 0 0.5rem; }}
</style>
</head>
<body data-generation="{}">
"#,
        p.generation
    );
    if let Some(e) = &p.error {
        html.push_str(&format!("<p class=\"error\">{}</p>\n", escape(e)));
    }
    for m in &p.maps {
        html.push_str(&format!(
            "<section id=\"map-{}\">\n<div class=\"map\">{}</div>\n<div class=\"notes\">\n<h2>{}</h2>\n<p><code>{}</code></p>\n",
            escape(&m.output),
            m.svg.as_deref().unwrap_or(""),
            escape(&m.title),
            escape(&m.spec.display().to_string()),
        ));
        if let Some(e) = &m.error {
            html.push_str(&format!("<p class=\"error\">{}</p>\n", escape(e)));
        }
        if !m.notes.is_empty() {
            html.push_str("<ul>\n");
            for n in &m.notes {
                html.push_str(&format!("<li>{}</li>\n", escape(n)));
            }
            html.push_str("</ul>\n");
        }
        html.push_str("</div>\n</section>\n");
    }
    html.push_str(
        r#"<script>
const shown = document.body.dataset.generation;
setInterval(async () => {
  try {
    const r = await fetch("/generation", { cache: "no-store" });
    if ((await r.text()) !== shown) location.reload();
  } catch (e) {}
}, 500);
</script>
</body>
</html>
"#,
    );
    html
}
