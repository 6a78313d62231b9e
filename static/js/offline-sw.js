// The intake page's service worker (incidents/offline.py serves it from /incidents/sw.js with
// `self.OFFLINE` set ahead of this code: the version, the intake page, its offline copy, the
// static files and the data to keep). One cache per version; activating a new version deletes the
// others. It never sends reports itself: the page's queue (offline-intake.js) does, with the
// session's CSRF token, so a stale session can ask the worker to log in.
/* global self, caches */
"use strict";

const CONFIG = self.OFFLINE;
const CACHE = "grid-intake-" + CONFIG.version;
const PREFIX = "grid-intake-";
const ASSETS = new Set(CONFIG.assets);
const DATA = new Set(CONFIG.data);

function usable(response) {
  // A login redirect (a stale session) or an error page must never replace a good copy.
  return response && response.ok && !response.redirected && response.type === "basic";
}

function keep(cache, url) {
  return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
    if (usable(response)) return cache.put(url, response);
    return undefined;
  }).catch(function () { return undefined; });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // The static files must all be there; the page and the cells are kept when the session allows.
    return cache.addAll(CONFIG.assets).then(function () {
      return Promise.all([keep(cache, CONFIG.shell)].concat(CONFIG.data.map(function (url) { return keep(cache, url); })));
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf(PREFIX) === 0 && name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// The page asks for a fresh offline copy once it has loaded online (and after a login).
self.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "refresh") return;
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all([keep(cache, CONFIG.shell)].concat(CONFIG.data.map(function (url) { return keep(cache, url); })));
  }).then(function () {
    if (event.source) event.source.postMessage({ type: "refreshed", version: CONFIG.version });
  }));
});

function fromCache(request, key) {
  return caches.open(CACHE).then(function (cache) { return cache.match(key || request); });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  // The intake page: the network's (with its fresh one-time token), else the offline copy.
  if (request.mode === "navigate" && (url.pathname === CONFIG.page || url.pathname === CONFIG.shell)) {
    event.respondWith(fetch(request).catch(function () {
      return fromCache(request, CONFIG.shell).then(function (copy) { return copy || Response.error(); });
    }));
    return;
  }
  // Static files: versioned with the cache, so the cached copy is the right one.
  if (ASSETS.has(url.pathname)) {
    event.respondWith(fromCache(request, url.pathname).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  // The cells: fresh when online (and kept), the kept copy offline.
  if (DATA.has(url.pathname)) {
    event.respondWith(fetch(request).then(function (response) {
      if (usable(response)) {
        const copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return fromCache(request, url.pathname).then(function (hit) { return hit || Response.error(); });
    }));
  }
});
