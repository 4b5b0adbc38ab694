/* Zoom and pan of the dashboard's maps (svg-pan-zoom, shipped with the app; nothing fetched).
   The overview's refresh swaps the maps for new ones: each map's zoom and pan is kept by its id
   and put back on the new map, so a reader zoomed on the border posts stays there.
   Each site's touch target stays data-touch CSS px wide (map.py's TOUCH_PX) at every zoom and
   width of the map, however small its dot. */
(function () {
  var views = {};  // svg id -> {zoom, pan} the reader chose; none after "whole map"
  var maps = {};  // svg id -> the svg-pan-zoom of the map now shown
  function touch(svg) {
    var half = Number(svg.dataset.touch) / 2;
    svg.querySelectorAll("circle.hit").forEach(function (c) {
      var m = c.getScreenCTM(), scale = m ? Math.hypot(m.a, m.b) : 0;  // CSS px per unit
      if (scale > 0) c.setAttribute("r", Math.max(Number(c.dataset.r), half / scale).toFixed(2));
    });
  }
  function start() {
    document.querySelectorAll("figure.map").forEach(function (fig) {
      var svg = fig.querySelector("svg");
      if (svg && !svg.dataset.zoomReady) touch(svg);
      if (!svg || svg.dataset.zoomReady || typeof svgPanZoom === "undefined") return;
      svg.dataset.zoomReady = "1";
      var id = svg.id, restoring = true;
      function keep() {
        if (!restoring) views[id] = {zoom: pz.getZoom(), pan: pz.getPan()};
      }
      var pz = svgPanZoom(svg, {
        viewportSelector: ".viewport", zoomEnabled: true, panEnabled: true,
        mouseWheelZoomEnabled: false, dblClickZoomEnabled: true, controlIconsEnabled: false,
        fit: true, center: true, minZoom: 1, maxZoom: 12, preventMouseEventsDefault: false,
        onZoom: keep, onPan: keep, onUpdatedCTM: function () { touch(svg); }
      });
      var v = views[id];
      if (v) { pz.zoom(v.zoom); pz.pan(v.pan); }
      restoring = false;
      maps[id] = pz;
      touch(svg);
    });
  }
  // one listener for every zoom button, also of a map swapped in a moment ago and not started yet
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("figure.map button[data-zoom]");
    if (!b) return;
    start();
    var svg = b.closest("figure.map").querySelector("svg"), pz = svg && maps[svg.id];
    if (!pz) return;
    var z = b.dataset.zoom;
    if (z === "in") pz.zoomBy(1.6); else if (z === "out") pz.zoomBy(1 / 1.6);
    else { pz.resetZoom(); pz.resetPan(); delete views[svg.id]; }
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSwap", start);
  window.addEventListener("resize", function () {
    document.querySelectorAll("figure.map svg").forEach(touch);
  });
})();
