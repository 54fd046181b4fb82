// Copy the pinned npm assets into chuxin/static/vendor so the platform serves every asset itself.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const nm = join(root, "node_modules");
const out = join(root, "chuxin", "static", "vendor");

const copies = [
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"],
  ["bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"],
  ["bootstrap-icons/font/fonts", "bootstrap-icons/fonts"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  // The accessibility check the browser tests run on every page they visit (e2e/a11y.py); pages never load it.
  ["axe-core/axe.min.js", "axe-core/axe.min.js"],
  // The rich-text editor of report sections (chuxin/static/chuxin/richtext.js mounts it): 1.2 kB, no dependencies.
  ["pell/dist/pell.min.js", "pell/pell.min.js"],
  ["pell/dist/pell.min.css", "pell/pell.min.css"],
  ["pell/LICENSE.md", "pell/LICENSE.md"],
];

rmSync(out, { recursive: true, force: true });
for (const [from, to] of copies) {
  const target = join(out, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(nm, from), target, { recursive: true });
}
console.log(`vendored ${copies.length} assets into ${out}`);
