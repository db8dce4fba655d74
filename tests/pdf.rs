//! PDF output of a real story map, read back with poppler (`pdftotext`, `pdfinfo`): the text
//! is real text, the page is the spec's size in points, and the bytes are reproducible.

use mapfig::render::{encode_map, Format};
use mapfig::sources::DataCache;
use mapfig::spec;
use std::path::Path;
use std::process::Command;
mod common;
use common::root;

/// Runs a poppler tool on `pdf`; fails the test, saying what to install, if it is missing.
fn poppler(tool: &str, pdf: &Path) -> String {
    let out = Command::new(tool)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `{tool}` ({e}): install poppler-utils (apt-get install -y poppler-utils) to test PDF output")
        });
    assert!(
        out.status.success(),
        "{tool} {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn afghanistan_provinces_pdf_has_real_text_and_the_right_page() {
    let s = spec::load(&root().join("maps/afghanistan-provinces.toml")).unwrap();
    let cache = DataCache::default();
    let out = encode_map(&s, &[Format::Pdf], 2.0, &cache).unwrap();
    assert!(out.png.is_none(), "PNG was not asked for");
    let pdf = out.pdf.expect("PDF was asked for");
    assert!(pdf.starts_with(b"%PDF-"));

    let again = encode_map(&s, &[Format::Pdf], 2.0, &cache).unwrap();
    assert!(
        again.pdf.as_deref() == Some(pdf.as_slice()),
        "two renders differ"
    );

    let dir = std::env::temp_dir().join(format!("mapfig-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{}.pdf", s.output));
    std::fs::write(&file, &pdf).unwrap();

    let text = poppler("pdftotext", &file);
    for needle in ["Afghanistan", "Kunduz", "Kabul", "Badakhshan", "UZBEKISTAN"] {
        assert!(
            text.contains(needle),
            "{needle:?} not in pdftotext output:\n{text}"
        );
    }

    // pdfinfo takes the file only; "-" would be a second file name.
    let info = Command::new("pdfinfo")
        .arg(&file)
        .output()
        .expect("pdfinfo, from poppler-utils like pdftotext");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("Pages:           1"), "{info}");
    // 1200 × 900 CSS px at 0.75 pt each.
    assert!(info.contains("Page size:       900 x 675 pts"), "{info}");
    assert!(
        info.lines()
            .any(|l| l == "Title:           Afghanistan's 34 provinces"),
        "{info}"
    );

    let _ = std::fs::remove_dir_all(&dir);
}
