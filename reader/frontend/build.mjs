// Builds the reader app into reader/static/reader/: app-<hash>.js, app-<hash>.css,
// sw.js (served at /sw.js by reader/views.py) and build.json (the names, read by
// the shell template). Run by `make run` and `make test` (npm ci && npm run build).
import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, rm, writeFile, copyFile } from "node:fs/promises";
import { build } from "esbuild";

const out = new URL("../static/reader/", import.meta.url);
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const digest = (text) => createHash("sha256").update(text).digest("hex").slice(0, 12);

async function bundle(entry, options = {}) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    write: false,
    format: "esm",
    target: ["chrome90", "safari14", "firefox90"],
    legalComments: "none",
    ...options,
  });
  return result.outputFiles[0].text;
}

const js = await bundle("src/main.js");
const css = await bundle("src/app.css", { loader: { ".css": "css" }, format: undefined });
const names = { js: `app-${digest(js)}.js`, css: `app-${digest(css)}.css` };
await writeFile(new URL(names.js, out), js);
await writeFile(new URL(names.css, out), css);
for (const icon of await readdir(new URL("icons/", import.meta.url))) {
  await copyFile(new URL(`icons/${icon}`, import.meta.url), new URL(icon, out));
}
const version = digest(js + css);
const sw = await bundle("src/sw.js", {
  define: {
    BUILD_VERSION: JSON.stringify(version),
  },
  format: "iife",
});
await writeFile(new URL("sw.js", out), sw);
await writeFile(new URL("build.json", out), JSON.stringify({ ...names, version }, null, 2));
const size = (text) => `${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`;
console.log(`reader: ${names.js} ${size(js)}, ${names.css} ${size(css)}, sw.js ${size(sw)}`);
