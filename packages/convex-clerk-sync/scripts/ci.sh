#!/usr/bin/env bash
# The Convex half's CI, from a clean clone: the package (build, typecheck, its
# tests) at both ends of its convex peer range, the example app in convex/
# against it, then the packaging test.
# The example app installs the package from its folder as a copy (convex/.npmrc:
# install-links), so the package is built before the app's npm ci.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
package="$repo/packages/convex-clerk-sync"
# The peer range's lower end; its upper end is the lockfile's convex (1.48.0,
# the newest that runs on Node 20: 1.49 needs Node 22).
lowest_convex="$(node -p "require('$package/package.json').peerDependencies.convex.replace(/^\\^/, '')")"

(cd "$package" && npm ci --no-audit --no-fund && npm run build && npm run typecheck && npm test)
# The same typecheck and tests with the lowest convex of the range (convex-helpers'
# newest release asks for 1.46, hence --legacy-peer-deps for this run only), then
# back to the lockfile.
(cd "$package" && trap 'npm ci --no-audit --no-fund --loglevel=error' EXIT &&
  npm install --no-save --no-audit --no-fund --legacy-peer-deps --loglevel=error "convex@$lowest_convex" &&
  test "$(node -p "require('convex/package.json').version")" = "$lowest_convex" &&
  npm run typecheck && npm test)
(cd "$repo/convex" && npm ci --no-audit --no-fund && npm run typecheck && npm test)
(cd "$package" && npm run pack-test)
