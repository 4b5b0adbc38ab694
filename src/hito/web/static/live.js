/* The overview refreshes itself (htmx swaps #live every HITO_REFRESH_SECONDS). A section the
   reader opened or closed ("Minimum standards used", the actions ready if triggered) stays as
   the reader left it, and so does the page under the reader's eyes: without this, each refresh
   put back the server's defaults and the page jumped by thousands of pixels on a phone. */
(function () {
  var chosen = {};  // details id -> open, as the reader last left it
  var scrolled = null;  // where the page was when the new #live arrived
  document.addEventListener("click", function (e) {
    var summary = e.target.closest && e.target.closest("#live details[id] > summary");
    if (summary) chosen[summary.parentElement.id] = !summary.parentElement.open;
  });
  function isLive(e) {
    return e.detail && e.detail.target && e.detail.target.id === "live";
  }
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (isLive(e)) scrolled = [window.scrollX, window.scrollY];
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (!isLive(e)) return;
    Object.keys(chosen).forEach(function (id) {
      var d = document.getElementById(id);
      if (d && d.open !== chosen[id]) d.open = chosen[id];
    });
    if (scrolled) window.scrollTo(scrolled[0], scrolled[1]);
    scrolled = null;
  });
})();
