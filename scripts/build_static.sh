#!/usr/bin/env bash
# Rebuild the dashboard's shipped static files from npm packages (run by hand, once per upgrade):
#   src/hito/web/static/corridor.geojson  Chile, Peru and Bolivia from Natural Earth 1:10m
#                                         (npm world-atlas), clipped to the corridor and simplified
#   src/hito/web/static/htmx.min.js       from the npm package htmx.org
# Nothing here runs at build or run time: the outputs are committed. See docs/dashboard.md.
set -euo pipefail
cd "$(dirname "$0")/.."
WORLD_ATLAS=${WORLD_ATLAS:-world-atlas@2.0.2}
HTMX=${HTMX:-htmx.org@2.0.4}
MAPSHAPER=${MAPSHAPER:-mapshaper@0.7}
BBOX=${BBOX:--72,-21,-67,-16.5}   # lon/lat box: Arica y Parinacota, Tarapacá, Tacna, western Bolivia
OUT=src/hito/web/static
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --silent "$WORLD_ATLAS" "$HTMX" "$MAPSHAPER")
"$tmp/node_modules/.bin/mapshaper" -i "$tmp/node_modules/world-atlas/countries-10m.json" \
  -target countries \
  -filter '["Chile","Peru","Bolivia"].indexOf(name) > -1' \
  -each 'iso3 = {"Chile":"CHL","Peru":"PER","Bolivia":"BOL"}[name]' \
  -clip "bbox=$BBOX" \
  -simplify 30% keep-shapes \
  -o target=countries format=geojson precision=0.0001 "$OUT/corridor.geojson"
cp "$tmp/node_modules/htmx.org/dist/htmx.min.js" "$OUT/htmx.min.js"
echo "wrote $OUT/corridor.geojson ($(wc -c <"$OUT/corridor.geojson") bytes) and $OUT/htmx.min.js"
