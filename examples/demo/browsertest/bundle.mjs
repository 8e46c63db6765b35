// Bundles the official Convex browser client from the pinned npm package
// (node_modules/convex) into one ES module for the demo's live page:
//   node bundle.mjs OUTDIR   →   OUTDIR/convex-browser.js
// Serve OUTDIR with DEMO_WEB_VENDOR_DIR=OUTDIR. The output is third-party
// code: it is built, never committed (vendor/ is git-ignored).
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, "vendor"));
mkdirSync(out, { recursive: true });
await build({
  stdin: {
    contents: 'export { ConvexHttpClient } from "convex/browser";\nexport { makeFunctionReference } from "convex/server";\n',
    resolveDir: here,
    sourcefile: "convex-browser-entry.js",
  },
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  minify: true,
  legalComments: "inline",
  outfile: join(out, "convex-browser.js"),
  logLevel: "warning",
});
console.log(`bundled the Convex browser client into ${join(out, "convex-browser.js")}`);
