// hito's downloads that take the server some seconds (the situation report's PDF): the page says
// it is being prepared, a second tap does not start another, and a failure is said in words.
"use strict";
(function () {
  if (!window.fetch || !window.URL || !URL.createObjectURL) return; // the plain link, as before
  document.addEventListener("click", async (event) => {
    const link = event.target.closest ? event.target.closest("a[data-wait]") : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return; // already being prepared
    const status = document.getElementById(link.dataset.status || "");
    const say = (text) => {
      if (!status) return;
      status.textContent = text;
      status.hidden = !text;
    };
    link.setAttribute("aria-busy", "true");
    say(link.dataset.wait);
    try {
      const r = await fetch(link.href, { credentials: "same-origin" });
      if (r.redirected) { // the session ended: the login page, and back here
        window.location.href = link.href;
        return;
      }
      if (!r.ok) throw new Error(String(r.status));
      const blob = await r.blob();
      const named = /filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "");
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = named ? named[1] : "";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 60000);
      say("");
    } catch (e) { // no signal, or the server failed: said, and the button works again
      say(link.dataset.failed);
    } finally {
      link.removeAttribute("aria-busy");
    }
  });
})();
