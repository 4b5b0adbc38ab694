// hito's service worker: keeps the field report form (the app shell) for use without signal.
// Pages and files of the shell: from the network when there is one (and the copy is renewed),
// else from the cache. Reports typed offline wait in the page's outbox (outbox.js), not here.
// A kept page carries its user's name and agencies:
// - signing out (POST /logout) removes every page from the caches, keeping the static files
//   and the notices below (signout.js does the same from the page); a page asked for before a
//   sign-out (here, or on a page this worker did not control yet) and answered after is not kept;
// - a page is kept only until its session expires (the server says when, X-Hito-Session-
//   Expires): past that, offline, the pages go and the "session ended" notice shows instead;
// - a sign-out without signal is kept here and sent, with the token the page had, before any
//   other request once there is signal; meanwhile the "signed out" notice says so;
// - once the pages are gone, a page of theirs opened without signal shows again the notice of
//   why (the session ended, a sign-out waits for signal, nobody is signed in), not the browser's
//   error, until someone signs in with signal.
// The notices (/offline/expired, /offline/signed-out, /offline/no-session) carry nobody's data:
// one per language.
"use strict";
const CACHE = "hito-shell-v4";
// what outlives forgetPages and a new version: a sign-out made without signal (/logout) and why
// the pages were forgotten (/forgotten: {kind: "expired" | "signed-out", lang, at})
const PENDING = "hito-signout";
const PAGES = ["/report"];
const FILES = ["/static/hito.css", "/static/htmx.min.js", "/static/outbox.js", "/static/signout.js", "/static/zone.js"];
const SHELL = PAGES.concat(FILES);
const NOTICES = ["expired", "signed-out", "no-session"];
const UNTIL = "X-Hito-Kept-Until"; // this phone's time (ms) after which a kept page is not shown
// this phone's time (ms) when a kept page was asked for: a page shown to nobody signed in removes
// only the pages asked for before it (signout.js), not one a user just signed in has in another tab
const ASKED = "X-Hito-Asked-At";

// what carries no user's data: the static files and the notices; the rest is a user's page
const isKept = (url) => /^\/(static|offline)\//.test(new URL(url, self.location.origin).pathname);
const notice = (kind, lang) => "/offline/" + kind + "?lang=" + encodeURIComponent(lang || "");

// a notice in the language asked for, else in any language kept (better than the browser's error)
async function noticePage(kind, lang) {
  const hit = await caches.match(notice(kind, lang));
  if (hit) return hit;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (new URL(request.url).pathname === "/offline/" + kind) return cache.match(request);
    }
  }
  return Response.error();
}

// bumped each time the pages are forgotten: a page fetched before (in the session that ended)
// is not kept after (its copy is written once its body has come, which may be later)
let epoch = 0;

async function forgetPages() {
  epoch += 1;
  for (const name of await caches.keys()) {
    if (name === PENDING) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (!isKept(request.url)) await cache.delete(request);
    }
  }
}

// the notices in a language, kept once (fetched as nobody: they set no cookie)
async function keepNotices(cache, lang) {
  for (const kind of NOTICES) {
    const path = notice(kind, lang);
    if (await cache.match(path)) continue;
    const response = await fetch(path, { credentials: "omit" });
    if (response.ok) await cache.put(path, response);
  }
}

// a signed-in page kept with the time its session ends, on this phone's clock: the server's
// expiry less the server's clock (Date), so a phone whose clock is wrong keeps it as long;
// `at`: the epoch and time when it was asked for (not kept if the pages were forgotten since)
async function keep(cache, path, response, at) {
  const expires = Date.parse(response.headers.get("X-Hito-Session-Expires") || "");
  if (isNaN(expires)) return; // not a signed-in page: nothing to keep
  const served = Date.parse(response.headers.get("Date") || "");
  const headers = new Headers(response.headers);
  headers.set(UNTIL, String(Date.now() + expires - (isNaN(served) ? Date.now() : served)));
  headers.set(ASKED, String(at.time));
  const body = await response.blob();
  if (at.epoch !== epoch || (await forgottenSince(at.time))) return;
  await cache.put(path, new Response(body, { status: response.status, statusText: response.statusText, headers }));
  if (at.epoch !== epoch || (await forgottenSince(at.time))) {
    // forgotten while it was written: forgetPages may have listed it before
    await cache.delete(path);
    return;
  }
  await setForgotten(null); // someone is signed in: their pages are kept again
  const lang = response.headers.get("Content-Language");
  if (lang) await keepNotices(cache, lang).catch(() => {});
}

async function keepPage(cache, path) {
  // a page only as its signed-in user sees it: not the sign-in page a redirect gives instead
  const at = { epoch, time: Date.now() };
  const response = await fetch(new Request(path, { credentials: "same-origin" }));
  if (response.ok && !response.redirected) await keep(cache, path, response, at);
}

// why the pages were forgotten, so that a page of theirs opened offline later says it again,
// and when (this phone's time, `at`)
async function setForgotten(value) {
  const cache = await caches.open(PENDING);
  if (value) await cache.put("/forgotten", new Response(JSON.stringify({ ...value, at: Date.now() })));
  else await cache.delete("/forgotten");
}

// whether the pages were forgotten at or after `time`, by this worker or by a page (signout.js:
// a sign-out made before this worker controlled the page, a page shown to nobody): a page asked
// for before then is of the session that ended, and is not kept when it comes late
async function forgottenSince(time) {
  const hit = await (await caches.open(PENDING)).match("/forgotten");
  if (!hit) return false;
  try {
    return Number((await hit.json()).at) >= time;
  } catch (e) {
    return false;
  }
}

// the pending sign-out: {token, lang}; `known` saves a look in the cache on every request
let known = null; // null: not looked yet; false: none; true: one waits
async function pending() {
  const hit = await (await caches.open(PENDING)).match("/logout");
  known = !!hit;
  return hit ? hit.json() : null;
}
async function setPending(value) {
  const cache = await caches.open(PENDING);
  if (value) await cache.put("/logout", new Response(JSON.stringify(value)));
  else await cache.delete("/logout");
  known = !!value;
}
pending().catch(() => {});

// sends the sign-out kept without signal, as the sign-out form does; any answer of the server
// ends it (signed out, or the session was already gone); no signal: it waits for the next try
let sending = null;
function sendPending() {
  if (known === false) return Promise.resolve();
  if (!sending) {
    sending = (async () => {
      const p = await pending();
      if (!p) return;
      try {
        await fetch("/logout", {
          method: "POST",
          body: new URLSearchParams({ csrf_token: p.token }),
          headers: { "X-CSRF-Token": p.token },
          credentials: "same-origin",
          redirect: "manual",
        });
      } catch (e) {
        return; // still no signal
      }
      await setPending(null);
    })().catch(() => {}).finally(() => { sending = null; });
  }
  return sending;
}

async function signOut(request) {
  let token = "", lang = "";
  try {
    const form = await request.clone().formData();
    token = String(form.get("csrf_token") || "");
    lang = String(form.get("lang") || "");
  } catch (e) { /* not a form: sent as it is */ }
  await forgetPages().catch(() => {});
  await setForgotten({ kind: "signed-out", lang }).catch(() => {});
  try {
    const response = await fetch(request);
    await setPending(null); // signed out on the server (an older pending one is moot too)
    return response;
  } catch (e) {
    // no signal: signed out on this phone now, on the server as soon as there is signal
    if (token) await setPending({ token, lang, at: Date.now() });
    return noticePage("signed-out", lang);
  }
}

// a page opened without signal once its user's pages are gone: the notice of why, in the
// language they were read in (a sign-out still waiting for signal says so first)
async function forgottenPage(request, path) {
  if (request.mode !== "navigate" || !PAGES.includes(path)) return Response.error();
  const waiting = await pending().catch(() => null);
  if (waiting) return noticePage("signed-out", waiting.lang);
  const hit = await (await caches.open(PENDING)).match("/forgotten");
  if (!hit) return Response.error(); // never kept on this phone: nothing to say
  const why = await hit.json();
  return noticePage(why.kind === "expired" ? "expired" : "no-session", why.lang);
}

// without signal: a kept page while its session lasts; after, the pages go and, for a page
// opened (then and later), the notice that the session ended (in the page's language)
async function fromCache(request, path) {
  const hit = await caches.match(path);
  if (!hit) return forgottenPage(request, path);
  const until = Number(hit.headers.get(UNTIL));
  if (isKept(path) || (until && Date.now() < until)) return hit;
  await forgetPages();
  await setForgotten({ kind: "expired", lang: hit.headers.get("Content-Language") || "" });
  return forgottenPage(request, path);
}

async function answer(request, url) {
  if (request.method !== "GET" || !SHELL.includes(url.pathname)) return fetch(request);
  const at = { epoch, time: Date.now() };
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && response.type === "basic") {
      const copy = response.clone();
      caches.open(CACHE)
        .then((cache) => (isKept(url.pathname) ? cache.put(url.pathname, copy) : keep(cache, url.pathname, copy, at)))
        .catch(() => {});
    }
    return response;
  } catch (e) {
    return fromCache(request, url.pathname);
  }
}

// the languages whose notices an older version kept: kept again, so that they show offline
// even if nobody signs in before the signal goes
async function noticeLanguages() {
  const langs = new Set();
  for (const name of await caches.keys()) {
    if (name === CACHE || name === PENDING) continue;
    for (const request of await (await caches.open(name)).keys()) {
      const url = new URL(request.url);
      if (url.pathname.startsWith("/offline/")) langs.add(url.searchParams.get("lang") || "");
    }
  }
  return langs;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then(async (cache) => {
        await cache.addAll(FILES);
        for (const lang of await noticeLanguages()) await keepNotices(cache, lang).catch(() => {});
        await Promise.all(PAGES.map((p) => keepPage(cache, p)));
      })
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE && k !== PENDING).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/logout") {
    event.respondWith(signOut(request));
    return;
  }
  // a sign-out kept without signal goes before anything else (a page, a report, a sign-in)
  if (known === false && !(request.method === "GET" && SHELL.includes(url.pathname))) return;
  event.respondWith(sendPending().then(() => answer(request, url)));
});
