/* Zoom and pan of the dashboard's maps (svg-pan-zoom, shipped with the app; nothing fetched). */
(function () {
  function start() {
    document.querySelectorAll("figure.map").forEach(function (fig) {
      var svg = fig.querySelector("svg");
      if (!svg || svg.dataset.zoomReady || typeof svgPanZoom === "undefined") return;
      svg.dataset.zoomReady = "1";
      var pz = svgPanZoom(svg, {
        viewportSelector: ".viewport", zoomEnabled: true, panEnabled: true,
        mouseWheelZoomEnabled: false, dblClickZoomEnabled: true, controlIconsEnabled: false,
        fit: true, center: true, minZoom: 1, maxZoom: 12, preventMouseEventsDefault: false
      });
      fig.querySelectorAll("button[data-zoom]").forEach(function (b) {
        b.addEventListener("click", function () {
          var z = b.dataset.zoom;
          if (z === "in") pz.zoomBy(1.6); else if (z === "out") pz.zoomBy(1 / 1.6);
          else { pz.resetZoom(); pz.resetPan(); }
        });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSwap", start);
})();
