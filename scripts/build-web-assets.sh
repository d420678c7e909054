#!/usr/bin/env bash
# Copy the browser libraries the atlas serves itself (no CDN) from node_modules into
# src/regionatlas/web/static/vendor/. The copied files are committed, so a fresh clone serves
# the atlas without npm; run this after changing package.json (npm ci && this script).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/maplibre-gl ] || [ ! -d node_modules/swagger-ui-dist ]; then
  npm ci --no-audit --no-fund
fi
dest=src/regionatlas/web/static/vendor/maplibre-gl
rm -rf "$dest"
mkdir -p "$dest"
src=node_modules/maplibre-gl
cp "$src/dist/maplibre-gl.mjs" "$src/dist/maplibre-gl-worker.mjs" "$src/dist/maplibre-gl.css" \
   "$src/LICENSE.txt" "$dest/"
# The bundle ends with a sourceMappingURL comment; the maps are not shipped.
sed -i '/^\/\/# sourceMappingURL=/d' "$dest/maplibre-gl.mjs" "$dest/maplibre-gl-worker.mjs"
version=$(node -p "require('./$src/package.json').version")
echo "$version" > "$dest/VERSION"
echo "vendored maplibre-gl $version into $dest"

# Swagger UI for the API docs page (/api/docs), served locally instead of from a CDN.
dest=src/regionatlas/web/static/vendor/swagger-ui
rm -rf "$dest"
mkdir -p "$dest"
src=node_modules/swagger-ui-dist
cp "$src/swagger-ui-bundle.js" "$src/swagger-ui.css" "$src/LICENSE" "$dest/"
sed -i '/^\/\/# sourceMappingURL=/d' "$dest/swagger-ui-bundle.js"
sed -i 's|/\*# sourceMappingURL=.*\*/||' "$dest/swagger-ui.css"
node -p "require('./$src/package.json').version" > "$dest/VERSION"
echo "vendored swagger-ui-dist $(cat "$dest/VERSION") into $dest"
