// hito's sign-out on a shared phone. The pages this phone keeps for use without signal (the
// service worker's caches, sw.js) carry their user's name and agencies: they go at sign-out,
// and on any page shown to nobody signed in (those kept before it was asked for); the static
// files stay, so the form loads again for the next user who signs in. Without signal, the
// service worker keeps the sign-out and sends it once there is signal (sw.js), and shows a page
// that says so; so it does again for those pages opened later, as it does when a session ended.
// Reports this user typed that still wait in the outbox (outbox.js) are not lost silently:
// sign-out says how many and offers to send them first; kept, they are sent only in their
// author's session, never in the next user's. Those sent or refused go at sign-out.
"use strict";
(function () {
  // removes the pages sw.js asked for before `before` (this phone's time, ms); how many it removed
  async function forgetPages(before) {
    if (!("caches" in window)) return 0;
    let gone = 0;
    for (const name of await caches.keys()) {
      if (name === "hito-signout") continue; // a sign-out waiting for signal, and why (sw.js)
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        // the static files and sw.js's notices (/offline/…) carry nobody's data: they stay
        if (/^\/(static|offline)\//.test(new URL(request.url).pathname)) continue;
        const kept = await cache.match(request);
        if (kept && Number(kept.headers.get("X-Hito-Asked-At")) >= before) continue;
        if (await cache.delete(request)) gone += 1;
      }
    }
    return gone;
  }

  // why the pages went (sw.js shows its notice for a page of theirs opened without signal
  // later), and since when (this phone's time, `at`: sw.js does not keep a page asked for
  // before it that comes late), or nothing once someone is signed in again
  async function forgotten(why, at = Date.now()) {
    if (!("caches" in window)) return;
    const cache = await caches.open("hito-signout");
    if (why) await cache.put("/forgotten", new Response(JSON.stringify({ ...why, at })));
    else await cache.delete("/forgotten");
  }
  const signedOut = { kind: "signed-out", lang: document.documentElement.lang || "" };

  // the outbox's reports (outbox.js's store: same name, version) in one transaction of `mode`:
  // `use(store)` works on them and returns what gives the result once the transaction is done;
  // `none` without a store, or if it fails
  function inOutbox(mode, use, none) {
    return new Promise((resolve) => {
      if (!("indexedDB" in window)) { resolve(none); return; }
      const req = indexedDB.open("hito-outbox", 1);
      req.onupgradeneeded = () => req.result.createObjectStore("reports", { keyPath: "key" });
      req.onerror = () => resolve(none);
      req.onsuccess = () => {
        const db = req.result;
        let t, result;
        try {
          t = db.transaction("reports", mode);
          result = use(t.objectStore("reports"));
        } catch (e) { db.close(); resolve(none); return; }
        t.oncomplete = () => { db.close(); resolve(result()); };
        t.onerror = t.onabort = () => { db.close(); resolve(none); };
      };
    });
  }
  // a report of `user`'s: one without an author (typed on an older page) would go with anyone
  const mine = (item, user) => !item.fields.typed_by || item.fields.typed_by === user;

  // how many reports typed by `user` wait in the outbox
  function waitingOf(user) {
    return inOutbox("readonly", (store) => {
      const all = store.getAll();
      return () => all.result.filter((i) => i.status === "waiting" && mine(i, user)).length;
    }, 0);
  }

  // removes this user's reports the outbox no longer sends (sent: the server has them; refused:
  // said why, to them alone): signed out, nothing of theirs stays on the phone but what waits
  function forgetDone(user) {
    return inOutbox("readwrite", (store) => {
      store.openCursor().onsuccess = (event) => {
        const cursor = event.target.result;
        if (!cursor) return;
        if (cursor.value.status !== "waiting" && mine(cursor.value, user)) cursor.delete();
        cursor.continue();
      };
      return () => undefined;
    }, undefined);
  }

  const form = document.getElementById("logout-form");
  if (!form) {
    // nobody was signed in when this page was asked for: no page of anyone's asked for before
    // stays on this phone (one asked for since is of someone who signed in meanwhile, in another
    // tab: it stays). The page says how many it removed (data-forgot), once it has.
    const done = (gone) => { document.documentElement.dataset.forgot = String(gone); };
    forgetPages(performance.timeOrigin)
      .then(async (gone) => { if (gone) await forgotten(signedOut, performance.timeOrigin); done(gone); })
      .catch(() => done(0));
    return;
  }
  forgotten(null).catch(() => {});
  // the service worker on every signed-in page, not only the report form: a sign-out made
  // without signal from any page waits on the phone for signal instead of failing (sw.js)
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});
  const panel = document.getElementById("unsent");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const anyway = event.submitter && event.submitter.name === "anyway";
    const n = anyway || !panel ? 0 : await waitingOf(form.dataset.user);
    if (n > 0) {
      // the text of the page's language for n (its CLDR plural category), n written in it
      const lang = document.documentElement.lang || undefined;
      const text = panel.dataset[new Intl.PluralRules(lang).select(n)] || panel.dataset.other;
      document.getElementById("unsent-count").textContent = text.replace(
        "%(num)s", new Intl.NumberFormat(lang, { useGrouping: "always" }).format(n));
      panel.hidden = false;
      document.getElementById("unsent-send").focus();
      return;
    }
    try {
      await forgetPages(Infinity);
      await forgotten(signedOut);
    } catch (e) { /* the service worker removes them too */ }
    await forgetDone(form.dataset.user).catch(() => {});
    form.submit(); // the sign-out itself (submit() fires no second submit event)
  });
})();
