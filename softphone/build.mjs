// Builds the page into dist/: one minified bundle of src/ (esbuild), the static files of public/, and the
// Voice SDK copied from its npm package (loaded by the page only in Twilio mode; never from a CDN).
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
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
writeFileSync(new URL(".built", dist), new Date().toISOString());
