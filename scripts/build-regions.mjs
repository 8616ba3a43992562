// Builds packages/core/src/region/data/regions.tsv (code<TAB>name, every province, kabupaten/kota,
// kecamatan and desa/kelurahan) from the pinned idn-area-data package. Runs at install.
// Data: idn-area-data (github.com/fityannugroho/idn-area-data), Open Database License (ODbL) 1.0.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(dirname(createRequire(import.meta.url).resolve("idn-area-data/package.json")), "data");
const target = join(root, "packages/core/src/region/data/regions.tsv");
const version = JSON.parse(readFileSync(join(source, "..", "package.json"), "utf8")).version;
const header = `# idn-area-data ${version} (ODbL 1.0): code\tname\n`;

if (existsSync(target) && readFileSync(target, "utf8").startsWith(header)) {
  console.log(`Region data already built (${target})`);
  process.exit(0);
}

const lines = [];
for (const file of ["provinces", "regencies", "districts", "villages"]) {
  const rows = readFileSync(join(source, `${file}.csv`), "utf8")
    .trim()
    .split("\n")
    .slice(1);
  for (const row of rows) {
    // code,parent,name (provinces: code,name); a quoted name may hold commas and doubled quotes.
    const code = row.slice(0, row.indexOf(","));
    const raw =
      file === "provinces" ? row.slice(code.length + 1) : row.slice(row.indexOf(",", code.length + 1) + 1);
    const name = raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw;
    lines.push(`${code}\t${name.trim()}`);
  }
}
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${header}${lines.join("\n")}\n`);
console.log(`Region data built: ${lines.length} regions → ${target}`);
