// hito's service worker: keeps the field report form (the app shell) for use without signal.
// Pages and files of the shell: from the network when there is one (and the copy is renewed),
// else from the cache. Reports typed offline wait in the page's outbox (outbox.js), not here.
// A kept page carries its user's name and agencies: signing out (POST /logout) removes every
// page from the caches, keeping the static files (signout.js does the same from the page).
"use strict";
const CACHE = "hito-shell-v2";
const PAGES = ["/report"];
const FILES = ["/static/hito.css", "/static/htmx.min.js", "/static/outbox.js", "/static/signout.js"];
const SHELL = PAGES.concat(FILES);

// what carries no user's data: the static files; everything else kept is a user's page
const isStatic = (url) => new URL(url, self.location.origin).pathname.startsWith("/static/");

async function forgetPages() {
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (!isStatic(request.url)) await cache.delete(request);
    }
  }
}

async function keepPage(cache, path) {
  // a page only as its signed-in user sees it: not the sign-in page a redirect gives instead
  const response = await fetch(new Request(path, { credentials: "same-origin" }));
  if (response.ok && !response.redirected) await cache.put(path, response);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(FILES).then(() => Promise.all(PAGES.map((p) => keepPage(cache, p)))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/logout") {
    event.waitUntil(forgetPages()); // the sign-out itself goes on to the server untouched
    return;
  }
  if (request.method !== "GET") return; // reports go to the network; the outbox keeps them
  if (!SHELL.includes(url.pathname)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected && response.type === "basic") {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(() => caches.match(url.pathname).then((hit) => hit || Response.error()))
  );
});
