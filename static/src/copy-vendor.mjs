// Copies the pinned htmx build and our own app.js into static/dist.
import { copyFileSync, mkdirSync } from "node:fs";
mkdirSync("static/dist", { recursive: true });
copyFileSync("node_modules/htmx.org/dist/htmx.min.js", "static/dist/htmx.min.js");
copyFileSync("static/src/app.js", "static/dist/app.js");
