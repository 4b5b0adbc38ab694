#!/usr/bin/env bash
# Rebuild the dashboard's shipped static files from npm packages (run by hand, once per upgrade):
#   src/hito/web/static/corridor.geojson  Chile, Peru and Bolivia from Natural Earth 1:10m
#                                         (npm world-atlas), clipped to the corridor and simplified
#   src/hito/web/static/htmx.min.js       from the npm package htmx.org
#   src/hito/web/static/svg-pan-zoom.min.js  from the npm package svg-pan-zoom (zoom and pan)
#   tests/web/assets/axe.min.js           from the npm package axe-core (the accessibility tests)
# Nothing here runs at build or run time: the outputs are committed. See docs/dashboard.md.
set -euo pipefail
cd "$(dirname "$0")/.."
WORLD_ATLAS=${WORLD_ATLAS:-world-atlas@2.0.2}
HTMX=${HTMX:-htmx.org@2.0.4}
PANZOOM=${PANZOOM:-svg-pan-zoom@3.6.2}
AXE=${AXE:-axe-core@4.14.1}
MAPSHAPER=${MAPSHAPER:-mapshaper@0.7}
BBOX=${BBOX:--72,-21,-67,-16.5}   # lon/lat box: Arica y Parinacota, Tarapacá, Tacna, western Bolivia
OUT=src/hito/web/static
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --silent "$WORLD_ATLAS" "$HTMX" "$MAPSHAPER" "$PANZOOM" "$AXE")
"$tmp/node_modules/.bin/mapshaper" -i "$tmp/node_modules/world-atlas/countries-10m.json" \
  -target countries \
  -filter '["Chile","Peru","Bolivia"].indexOf(name) > -1' \
  -each 'iso3 = {"Chile":"CHL","Peru":"PER","Bolivia":"BOL"}[name]' \
  -clip "bbox=$BBOX" \
  -simplify 30% keep-shapes \
  -o target=countries format=geojson precision=0.0001 "$OUT/corridor.geojson"
# Natural Earth 1:10m puts the Chile-Peru line about 3 km south of the Panamericana's crossing,
# which would draw Chacalluta and the strip in Peru: move the shared vertex onto the line
# between the Chacalluta and Santa Rosa complexes (both countries' rings hold it).
sed -i 's/-70.3177, *-18.3205/-70.3177,-18.2935/g' "$OUT/corridor.geojson"
cp "$tmp/node_modules/htmx.org/dist/htmx.min.js" "$OUT/htmx.min.js"
cp "$tmp/node_modules/svg-pan-zoom/dist/svg-pan-zoom.min.js" "$OUT/svg-pan-zoom.min.js"
cp "$tmp/node_modules/axe-core/axe.min.js" tests/web/assets/axe.min.js
echo "wrote $OUT/corridor.geojson ($(wc -c <"$OUT/corridor.geojson") bytes) and $OUT/htmx.min.js"
