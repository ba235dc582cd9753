// Build the front-end assets into src/caseinspect/web/static/caseinspect/ (run: npm run build).
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..", "..");
const out = join(here, "..", "static", "caseinspect");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

mkdirSync(join(out, "vendor"), { recursive: true });
const result = sass.compile(join(here, "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "app.css"), result.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "vendor", "govuk-frontend.min.js"));
console.log(`wrote ${join(out, "app.css")} (${result.css.length} bytes) and vendor/govuk-frontend.min.js`);
