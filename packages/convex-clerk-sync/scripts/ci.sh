#!/usr/bin/env bash
# The Convex half's CI, from a clean clone: the package (build, typecheck, its
# tests), the example app in convex/ against it, then the packaging test.
# The example app installs the package from its folder as a copy (convex/.npmrc:
# install-links), so the package is built before the app's npm ci.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
(cd "$repo/packages/convex-clerk-sync" && npm ci --no-audit --no-fund && npm run build && npm run typecheck && npm test)
(cd "$repo/convex" && npm ci --no-audit --no-fund && npm run typecheck && npm test)
(cd "$repo/packages/convex-clerk-sync" && npm run pack-test)
