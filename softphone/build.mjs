// Builds the page into dist/: one minified bundle of src/ (esbuild), the static files of public/, and the
// Voice SDK copied from its npm package (loaded by the page only in Twilio mode; never from a CDN).
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { build } from "esbuild";
import { writeSounds } from "./sounds.mjs";

const dist = new URL("./dist/", import.meta.url);
rmSync(dist, { recursive: true, force: true });
mkdirSync(new URL("vendor/", dist), { recursive: true });
cpSync(new URL("./public/", import.meta.url), dist, { recursive: true });
cpSync(
  new URL("./node_modules/@twilio/voice-sdk/dist/twilio.min.js", import.meta.url),
  new URL("vendor/twilio.min.js", dist),
);
writeSounds(new URL("sounds/", dist));
await build({
  entryPoints: [new URL("./src/main.js", import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  outfile: new URL("app.js", dist).pathname,
  logLevel: "warning",
});
writeServiceWorker();
writeFileSync(new URL(".built", dist), new Date().toISOString());

/** dist/sw.js with the shell it keeps (every file but the Voice SDK, loaded in Twilio mode only) and a version
 * made of their contents: a deploy that changes any of them is a new cache that replaces the old one. */
function writeServiceWorker() {
  const skip = (name) => name.startsWith("vendor/") || ["sw.js", ".built", "config.json"].includes(name);
  const shell = readdirSync(dist, { recursive: true })
    .filter((name) => statSync(new URL(name, dist)).isFile() && !skip(name))
    .sort();
  const hash = createHash("sha256");
  for (const name of shell) hash.update(name).update(readFileSync(new URL(name, dist)));
  const worker = new URL("sw.js", dist);
  const source = readFileSync(worker, "utf8")
    .replace('const VERSION = "dev";', `const VERSION = "${hash.digest("hex").slice(0, 12)}";`)
    .replace('const SHELL = ["index.html"];', `const SHELL = ${JSON.stringify(shell)};`);
  writeFileSync(worker, source);
}
