//! `mapfig serve` through the binary: the page shows every map inline with its notes, a
//! change to a spec reaches a browser that has the page open within two seconds, and no
//! URL reaches a file.

mod common;

use common::{mapfig, root, scratch};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `mapfig serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `mapfig serve dir --port 0` and waits for the address it prints.
fn serve(dir: &Path) -> Server {
    let mut child = mapfig()
        .args(["serve", "--port", "0"])
        .arg(dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = lines.next().unwrap().unwrap();
    // Keep reading stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    Server { child, addr }
}

/// `GET path`: the status code and body.
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    // HTTP/1.0: the body comes whole, not in chunks.
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let code = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or("", |b| b.1).to_string();
    (code, body)
}

/// A project of one map of the Afghan provinces filled with `fill`.
fn project(name: &str) -> PathBuf {
    let dir = scratch("serve", name);
    std::fs::create_dir_all(dir.join("maps")).unwrap();
    write_spec(&dir, "#123456");
    std::fs::write(dir.join("secret.txt"), "not for the web").unwrap();
    dir
}

fn write_spec(dir: &Path, fill: &str) {
    std::fs::write(
        dir.join("maps/provinces.toml"),
        format!(
            "title = \"Provinces\"\nsize = [400, 300]\n[[layer]]\nid = \"provinces\"\nsource = {:?}\nfill = \"{fill}\"\nlabel = \"{{name}}\"\nlabel_size = 30\n",
            root()
                .join("geodata/afghanistan-provinces.geojson")
                .display()
                .to_string()
        ),
    )
    .unwrap();
}

#[test]
fn the_page_shows_the_maps_and_nothing_else_is_served() {
    let dir = project("page");
    let server = serve(&dir);
    let (code, page) = get(&server.addr, "/");
    assert_eq!(code, 200);
    assert!(page.contains("fill=\"#123456\""), "the map inline");
    assert!(
        page.contains("dropped: no room without overlap"),
        "labels too big to fit are reported beside the map"
    );
    assert_eq!(get(&server.addr, "/generation"), (200, "1".to_string()));
    let (code, svg) = get(&server.addr, "/map/provinces.svg");
    assert_eq!(code, 200);
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"));
    for path in [
        "/secret.txt",
        "/../secret.txt",
        "/map/../secret.txt",
        "/map/..%2Fsecret.txt",
        "/maps/provinces.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let (code, body) = get(&server.addr, path);
        assert_eq!(code, 404, "{path}");
        assert!(!body.contains("not for the web"));
    }
    // Nothing was written into the project.
    assert!(!dir.join("out").exists());
}

/// playwright-core (npm, pinned) in target/node-test, installed the first time: it drives
/// Debian's Chromium, so the test watches a real page reload itself.
fn playwright() -> PathBuf {
    let dir = root().join("target/node-test");
    if !dir
        .join("node_modules/playwright-core/package.json")
        .exists()
    {
        std::fs::create_dir_all(&dir).unwrap();
        let ok = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg("playwright-core@1.64.1")
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "installing playwright-core failed: run `npm install --prefix target/node-test playwright-core@1.64.1` (needs Node.js and npm)");
    }
    dir
}

/// Opens the page in Chromium, says READY, waits for a line on stdin, then says SHOWN and
/// the milliseconds until the page's DOM held `want` (it reloads itself), or NOT SHOWN.
const WATCH: &str = r#"
const { chromium } = require("playwright-core");
const readline = require("readline");
(async () => {
  const [url, want, exe] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: exe, args: ["--no-sandbox"] });
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector("svg");
  console.log("READY");
  await new Promise((done) => readline.createInterface({ input: process.stdin }).once("line", done));
  const t0 = Date.now();
  let shown = -1;
  while (Date.now() - t0 < 2000) {
    try {
      if ((await page.content()).includes(want)) { shown = Date.now() - t0; break; }
    } catch (e) {}
    await new Promise((r) => setTimeout(r, 25));
  }
  console.log(shown >= 0 ? "SHOWN " + shown : "NOT SHOWN");
  await browser.close();
})().catch((e) => { console.log("ERROR " + e.message); process.exit(1); });
"#;

#[test]
fn a_browser_shows_an_edit_within_two_seconds() {
    let chromium = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
        .expect("chromium is not installed: apt-get update && apt-get install -y chromium");
    let modules = playwright();
    let dir = project("live");
    let server = serve(&dir);
    let script = dir.join("watch.js");
    std::fs::write(&script, WATCH).unwrap();
    let mut node = Command::new("node")
        .arg(&script)
        .arg(format!("http://{}/", server.addr))
        .arg("fill=\"#654321\"")
        .arg(&chromium)
        .env("NODE_PATH", modules.join("node_modules"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node is not installed (the machine's Node.js)");
    let mut out = BufReader::new(node.stdout.take().unwrap()).lines();
    assert_eq!(out.next().unwrap().unwrap(), "READY");
    write_spec(&dir, "#654321");
    writeln!(node.stdin.as_mut().unwrap(), "edited").unwrap();
    let said = out.next().unwrap().unwrap();
    let _ = node.wait();
    let ms: u64 = said
        .strip_prefix("SHOWN ")
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| panic!("the page did not show the edit within 2 s: {said}"));
    assert!(ms <= 2000, "{ms} ms");
    eprintln!("the edit showed in the browser after {ms} ms");
    assert_eq!(get(&server.addr, "/generation").1, "2");
}
