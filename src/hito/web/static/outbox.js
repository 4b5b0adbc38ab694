// hito's outbox: a field report is kept in IndexedDB with its own Idempotency-Key until the
// server has it, sent when there is signal, and each one's outcome stays in view.
"use strict";
(function () {
  const form = document.getElementById("report-form");
  const box = document.getElementById("outbox");
  const textNode = document.getElementById("outbox-text");
  if (!form || !box || !textNode || !("indexedDB" in window)) return;
  const T = JSON.parse(textNode.textContent);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  }

  function newKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const req = indexedDB.open("hito-outbox", 1);
        req.onupgradeneeded = () => req.result.createObjectStore("reports", { keyPath: "key" });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    }
    return dbPromise;
  }
  async function tx(mode, fn) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const t = d.transaction("reports", mode);
      const out = fn(t.objectStore("reports"));
      t.oncomplete = () => resolve(out && "result" in out ? out.result : undefined);
      t.onerror = () => reject(t.error);
    });
  }
  const all = () => tx("readonly", (s) => s.getAll());
  const put = (item) => tx("readwrite", (s) => s.put(item));
  const drop = (key) => tx("readwrite", (s) => s.delete(key));

  function line(item) {
    const li = document.createElement("li");
    li.className = "outbox-item " + item.status;
    li.dataset.key = item.key;
    // which count it is: its site, the time typed for it (this device's clock) and its people
    const lang = document.documentElement.lang || undefined;
    // numbers grouped as the server writes them: "1.200" in Spanish, not ICU's "1200"
    const n = (v) => new Intl.NumberFormat(lang, { useGrouping: "always" }).format(v);
    const typed = new Date(item.fields.observed_at || item.created);
    const when = isNaN(typed) ? item.fields.observed_at || ""
      : typed.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
    // each group's people as the form reads them: people, else a range's middle, else a low
    // alone ("more than 100": at least 100, and the total is "more than" too)
    const typed_n = {};
    for (const [name, value] of Object.entries(item.fields)) {
      const digits = value.replace(/[.,\s]/g, ""); // 1.200, 1,200 and 1 200 as the form reads them
      const m = /^(people|people_low|people_high)-(.+)$/.exec(name);
      if (m && /^\d+$/.test(digits)) (typed_n[m[2]] = typed_n[m[2]] || {})[m[1]] = Number(digits);
    }
    let people = 0, open = false;
    for (const g of Object.values(typed_n)) {
      if (g.people !== undefined) people += g.people;
      else if (g.people_low !== undefined && g.people_high !== undefined)
        people += Math.floor((g.people_low + g.people_high) / 2);
      else if (g.people_low !== undefined) { people += g.people_low; open = true; }
      if (g.people !== undefined && g.people_low !== undefined && g.people_high === undefined) open = true;
    }
    const parts = [item.site, T.counted.replace("%(when)s", when)];
    if (open) parts.push(T.more.replace("%(n)s", n(people)));
    else if (people === 1) parts.push(T.person);
    else if (people) parts.push(T.people.replace("%(n)s", n(people)));
    const head = document.createElement("span");
    head.className = "which";
    head.textContent = parts.join(" · ") + " · ";
    li.appendChild(head);
    const state = document.createElement("strong");
    state.className = "outcome";
    if (item.status === "sent") state.textContent = T.sent.replace("%(id)s", item.report_id);
    else if (item.status === "refused") state.textContent = T.refused + " " + item.note;
    else state.textContent = T.waiting + (item.note ? " (" + item.note + ")" : "");
    li.appendChild(state);
    if (item.status !== "waiting") {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "link dismiss";
      b.textContent = item.status === "refused" ? T.correct : T.dismiss;
      b.addEventListener("click", async () => {
        if (item.status === "refused") fill(item.fields);
        await drop(item.key);
        render();
      });
      li.appendChild(b);
    }
    return li;
  }

  function fill(fields) {
    for (const [name, value] of Object.entries(fields)) {
      const el = form.elements.namedItem(name);
      if (el && !["csrf_token", "idempotency_key", "typed_by"].includes(name)) el.value = value;
    }
    form.querySelectorAll("details.more").forEach((d) => { d.open = true; });
  }

  // whose a kept report is: the signed-in user's, or (a shared phone) someone else's; one
  // typed on an older page names nobody and goes with anyone, so it counts as theirs
  const me = form.elements.namedItem("typed_by");
  const othersOf = (item) => !!(me && item.fields.typed_by && item.fields.typed_by !== me.value);

  async function render() {
    let kept = (await all()).sort((a, b) => (a.created < b.created ? -1 : 1));
    // someone else's reports the outbox no longer sends (their session ended without a
    // sign-out, which removes them: signout.js) go; theirs that still wait stay, for them
    const done = kept.filter((i) => othersOf(i) && i.status !== "waiting");
    for (const item of done) await drop(item.key);
    kept = kept.filter((i) => !done.includes(i));
    // another user's reports are never shown (their sites, times and counts): only how many wait
    const items = kept.filter((i) => !othersOf(i));
    const others = kept.filter((i) => othersOf(i) && i.status === "waiting").length;
    const waiting = items.filter((i) => i.status === "waiting").length;
    box.hidden = items.length === 0 && others === 0;
    const count = document.getElementById("outbox-count");
    count.hidden = items.length === 0;
    count.textContent = waiting ? plural(T.count, waiting) : T.none;
    const list = document.getElementById("outbox-list");
    list.replaceChildren(...items.map(line));
    const note = document.getElementById("outbox-others");
    if (note) {
      note.hidden = others === 0;
      note.textContent = others ? plural(T.others, others) : "";
    }
  }

  // the text of the page's language for the number n (its CLDR plural category), n written in it;
  // signout.js says its count alike with its own copy: with weak signal the service worker may
  // give one file fresh and the other from its cache, so neither calls the other's code
  function plural(forms, n) {
    const lang = document.documentElement.lang || undefined;
    const text = forms[new Intl.PluralRules(lang).select(n)] || forms.other;
    return text.replace("%(num)s", new Intl.NumberFormat(lang, { useGrouping: "always" }).format(n));
  }

  // one item to the server: "stored", "refused" (with the reason in item.note), or "waiting"
  async function sendOne(item) {
    // this page's token: a browser restarted since the report was typed has a new cookie
    const current = form.elements.namedItem("csrf_token");
    const token = (current && current.value) || item.fields.csrf_token || "";
    // a weak signal can leave a request hanging: after a while it waits here like any other,
    // and goes again later with its key (a server that got it the first time stores it once)
    const ctl = "AbortController" in window ? new AbortController() : null;
    const timer = ctl ? setTimeout(() => ctl.abort(), Number(form.dataset.sendTimeout) || 20000) : 0;
    let r;
    try {
      r = await fetch("/report/send", {
        method: "POST",
        body: new URLSearchParams({ ...item.fields, csrf_token: token }),
        headers: { "X-CSRF-Token": token, Accept: "application/json" },
        credentials: "same-origin",
        redirect: "manual",
        signal: ctl ? ctl.signal : undefined,
      });
    } catch (e) {
      item.note = ctl && ctl.signal.aborted ? T.slow : "";
      return "offline";
    } finally {
      clearTimeout(timer);
    }
    if (r.status === 200) {
      const j = await r.json();
      Object.assign(item, { status: "sent", report_id: j.report_id, next: j.next, note: "" });
      return "stored";
    }
    if (r.status === 422) {
      const j = await r.json();
      Object.assign(item, { status: "refused", note: j.message });
      return "refused";
    }
    // 401: no session; 403: the page's token is of another session (signed in again since,
    // or as someone else) or the report is another user's: it waits, never sent in their name
    item.note = r.status === 401 || r.status === 403 || r.type === "opaqueredirect" ? T.signin : T.retry;
    return "waiting";
  }

  let flushing = false;
  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      // a report typed by someone else (a shared phone) waits for its author to sign in
      for (const item of await all()) {
        if (item.status !== "waiting" || othersOf(item)) continue;
        const outcome = await sendOne(item);
        if (outcome === "offline") break; // no signal: everything stays waiting
        await put(item);
        await render();
        if (outcome === "waiting") break;
      }
    } finally {
      flushing = false;
      await render();
    }
  }

  // keys already given to a report are never given again (a page from the cache has an old one)
  function used() {
    try { return JSON.parse(localStorage.getItem("hito-used-keys") || "[]"); } catch (e) { return []; }
  }
  function markUsed(key) {
    const keys = used().concat([key]).slice(-500);
    try { localStorage.setItem("hito-used-keys", JSON.stringify(keys)); } catch (e) { /* full */ }
  }
  const keyField = form.elements.namedItem("idempotency_key");
  if (keyField && (!keyField.value || used().includes(keyField.value))) keyField.value = newKey();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = {};
    new FormData(form).forEach((v, k) => { fields[k] = String(v); });
    if (!fields.idempotency_key || used().includes(fields.idempotency_key)) fields.idempotency_key = newKey();
    markUsed(fields.idempotency_key);
    const site = form.elements.namedItem("site_id");
    const name = site && site.selectedIndex >= 0 ? site.options[site.selectedIndex].text : "";
    const item = { key: fields.idempotency_key, fields, site: name, created: new Date().toISOString(),
                   status: "waiting", note: "" };
    await put(item);
    const outcome = await sendOne(item);
    if (outcome === "stored") { // signal: as before, the overview shows the new count
      await drop(item.key);
      // the overview on the count's day (a deployment showing an earlier date moves to it)
      const next = typeof item.next === "string" && item.next.startsWith("/?") ? item.next : "";
      window.location.href = next || "/?reported=" + item.report_id;
      return;
    }
    if (outcome === "refused") { // signal: the server marks each field, keeping what was typed
      await drop(item.key);
      form.submit();
      return;
    }
    await put(item); // no signal: it waits here, and the form is free for the next count
    if (keyField) keyField.value = newKey();
    form.reset();
    if (keyField && used().includes(keyField.value)) keyField.value = newKey();
    const at = document.getElementById("observed_at");
    const d = new Date(); d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    if (at) at.value = d.toISOString().slice(0, 16);
    const tz = document.getElementById("tz_offset");
    if (tz) tz.value = new Date().getTimezoneOffset();
    form.querySelector("button[type=submit]").disabled = false;
    const sending = document.getElementById("sending");
    if (sending) sending.hidden = true;
    await render();
  });
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  render().then(flush);
})();
