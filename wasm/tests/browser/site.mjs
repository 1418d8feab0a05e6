// What the browser tests share: the site (the pages, the web bindings
// beside them, and any extra files, as a static server would serve them),
// a loopback server for it that records POSTs, and Debian's Chromium.

import { createServer } from "node:http";
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { extname, join, resolve, dirname, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "../../..");
export const target = resolve(process.env.CARGO_TARGET_DIR || join(root, "target"));
export const fixtures = resolve(process.env.ZKGOV_WASM_FIXTURES || join(target, "wasm-fixtures"));
export const shots = join(target, "screenshots");
mkdirSync(shots, { recursive: true });

const types = {
  ".html": "text/html", ".js": "text/javascript", ".css": "text/css",
  ".wasm": "application/wasm", ".json": "application/json",
};

// Assembles the site in target/<name>: pages, pkg, then `extra` dirs.
export function assemble(name, extra = []) {
  const site = join(target, name);
  rmSync(site, { recursive: true, force: true });
  cpSync(join(root, "wasm/pages"), site, { recursive: true });
  cpSync(join(target, "wasm-pkg/web"), join(site, "pkg"), { recursive: true });
  for (const d of extra) cpSync(d, site, { recursive: true });
  return site;
}

// Serves `site` on loopback. GETs read files (no directory listing, no
// path out of the site); POSTs are recorded in `posts` and answered 202.
export async function serve(site) {
  const posts = [];
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^([/\\])+/, "");
    if (req.method === "POST") {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        posts.push({ path: `/${path}`, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(202, { "content-type": "application/json" }).end('{"received":true}');
      });
      return;
    }
    const file = join(site, path);
    if (!file.startsWith(site)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { server, posts, origin: `http://127.0.0.1:${server.address().port}` };
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.ZKGOV_CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
