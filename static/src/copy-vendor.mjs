// Copies the pinned htmx build and its SSE extension (the board's server
// push) into static/dist (app.js is minified by esbuild).
import { copyFileSync, mkdirSync } from "node:fs";
mkdirSync("static/dist", { recursive: true });
copyFileSync("node_modules/htmx.org/dist/htmx.min.js", "static/dist/htmx.min.js");
copyFileSync("node_modules/htmx-ext-sse/dist/sse.min.js", "static/dist/sse.min.js");
