// Brings DynamoDB Local (the official emulator) into .dynamodb-local/ from the npm registry alone.
// The jar ships inside amplify-dynamodb-simulator's tarball; installing that package would pull a
// ~350 MB dependency tree, so we `npm pack` the tarball and extract only the emulator folder.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SOURCE_PACKAGE = "amplify-dynamodb-simulator@2.9.30";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, ".dynamodb-local");
const marker = join(target, "SOURCE");

if (
  existsSync(join(target, "DynamoDBLocal.jar")) &&
  existsSync(marker) &&
  readFileSync(marker, "utf8").trim() === SOURCE_PACKAGE
) {
  console.log(`DynamoDB Local already in ${target}`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), "sigap-ddb-"));
try {
  console.log(`Fetching DynamoDB Local from ${SOURCE_PACKAGE} …`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const tarball = execFileSync(npm, ["pack", SOURCE_PACKAGE, "--silent", "--pack-destination", work], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .pop();
  execFileSync("tar", ["-xzf", join(work, tarball), "-C", work, "package/emulator"]);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  renameSync(join(work, "package", "emulator"), target);
  writeFileSync(marker, `${SOURCE_PACKAGE}\n`);
  console.log(`DynamoDB Local installed in ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
