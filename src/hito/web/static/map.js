/* Zoom and pan of the dashboard's maps (svg-pan-zoom, shipped with the app; nothing fetched).
   The overview's refresh swaps the maps for new ones: each map's zoom and pan is kept by its id
   and put back on the new map, so a reader zoomed on the border posts stays there.
   Each site's touch target stays data-touch CSS px wide (map.py's TOUCH_PX) at every zoom and
   width of the map, however small its dot. Where sites lie so close that their targets
   overlap, the one drawn last would take every tap: a tap where two or more targets meet
   opens a small list of the sites there instead (a key on a focused marker is that one's). */
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
  function closePick() {
    document.querySelectorAll("figure.map .map-pick").forEach(function (p) { p.remove(); });
  }
  // the sites of `svg` whose touch target holds the point (x, y) of the screen, nearest first
  function under(svg, x, y) {
    var found = [];
    svg.querySelectorAll("a.site").forEach(function (s) {
      var b = s.querySelector("circle.hit").getBoundingClientRect();
      var d = Math.hypot(x - (b.left + b.width / 2), y - (b.top + b.height / 2));
      if (b.width > 0 && d <= b.width / 2) found.push({site: s, d: d});
    });
    return found.sort(function (a, b) { return a.d - b.d; }).map(function (f) { return f.site; });
  }
  function pick(e, a) {
    var fig = a.closest("figure.map"), here = under(a.closest("svg"), e.clientX, e.clientY);
    if (here.length < 2) return;  // one site there: its own link
    e.preventDefault();
    var box = document.createElement("div"), head = document.createElement("p");
    var list = document.createElement("ul"), close = document.createElement("button");
    box.className = "map-pick";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", fig.dataset.pick);
    head.textContent = fig.dataset.pick;
    here.forEach(function (s) {
      var li = document.createElement("li"), link = document.createElement("a");
      link.href = s.getAttribute("href");
      link.textContent = s.getAttribute("aria-label");
      link.dataset.site = s.dataset.site;
      li.appendChild(link);
      list.appendChild(li);
    });
    close.type = "button";
    close.className = "link";
    close.textContent = fig.dataset.close;
    close.addEventListener("click", function () { closePick(); a.focus(); });
    box.append(head, list, close);
    fig.appendChild(box);
    var f = fig.getBoundingClientRect(), w = box.offsetWidth;
    box.style.left = Math.max(4, Math.min(e.clientX - f.left - w / 2, f.width - w - 4)) + "px";
    box.style.top = (e.clientY - f.top + 16) + "px";
    list.querySelector("a").focus();
  }
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest(".map-pick")) return;
    closePick();
    var a = e.target.closest && e.target.closest("figure.map a.site");
    if (a && e.detail !== 0) pick(e, a);  // detail 0: a key (Enter), not a tap
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") closePick();
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSwap", start);
  window.addEventListener("resize", function () {
    document.querySelectorAll("figure.map svg").forEach(touch);
  });
})();
