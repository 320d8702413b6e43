// Bundles a browser entry and what it imports into one file with esbuild's API:
//   node bundle.mjs <entry> <outfile>
import { build } from "esbuild";

const [entry, outfile] = process.argv.slice(2);
await build({ entryPoints: [entry], outfile, bundle: true, format: "iife", platform: "browser", logLevel: "warning" });
