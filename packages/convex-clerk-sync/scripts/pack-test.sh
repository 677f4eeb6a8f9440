#!/usr/bin/env bash
# Packaging test: what a user installs works, not only this source tree.
# Packs the package, installs the tarball into a scratch copy of the example app
# (../../convex) in a temporary folder outside the repository, with npm ci from a
# lockfile that names the tarball, adds a test written only against the /test
# kit (scripts/kit-consumer.test.ts), then typechecks that app and runs its tests.
# Needs this package's devDependencies installed (npm ci here) for the build.
set -euo pipefail
package_dir="$(cd "$(dirname "$0")/.." && pwd)"
repo_dir="$(cd "$package_dir/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

cd "$package_dir"
tarball="$(npm pack --silent --pack-destination "$scratch" | tail -n 1)" # prepack builds dist/
echo "packed $tarball ($(du -k "$scratch/$tarball" | cut -f1) kB)"

# The example app as a user would have it: its convex folder, and the contract its tests read.
mkdir -p "$scratch/app"
(cd "$repo_dir" && tar cf - --exclude=node_modules --exclude=.npmrc convex contract) | tar xf - -C "$scratch/app"
cd "$scratch/app/convex"
node - "$scratch/$tarball" <<'JS'
// Point the dependency, and its lockfile entry, at the tarball instead of the source folder.
const fs = require("fs");
const crypto = require("crypto");
const tarball = process.argv[2];
const spec = `file:../../${require("path").basename(tarball)}`;
const integrity = "sha512-" + crypto.createHash("sha512").update(fs.readFileSync(tarball)).digest("base64");
const name = "@clerk-convex-sync/convex";
const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
pkg.dependencies[name] = spec;
fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n");
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
lock.packages[""].dependencies[name] = spec;
Object.assign(lock.packages[`node_modules/${name}`], { resolved: spec, integrity });
fs.writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
JS
npm ci --no-audit --no-fund --prefer-offline --loglevel=error
installed="node_modules/@clerk-convex-sync/convex"
if [ -e "$installed/src" ] || [ ! -f "$installed/dist/index.d.ts" ]; then
  echo "the installed package is not the packed one (src/ present or dist/index.d.ts missing)" >&2
  exit 1
fi
# The three entry points (".", "./test", "./helpers") ship their types.
for types in dist/index.d.ts dist/testing/index.d.ts dist/helpers.d.ts; do
  [ -f "$installed/$types" ] || { echo "the tarball has no $types" >&2; exit 1; }
done
cp "$package_dir/scripts/kit-consumer.test.ts" kit-consumer.test.ts
npx tsc --noEmit -p .
npx vitest run
echo "pack test passed: $tarball installed into a scratch app outside the repository, typechecked, its tests and the kit test run"
