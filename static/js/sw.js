/* The deputy's pages offline (served by representatives/views_offline.py, which puts CONFIG above this).
 * The app shell and the empty activity form are kept on the phone; a page asked for with no network comes
 * from there. An activity form sent while the network drops is kept in IndexedDB in the same shape as
 * static/js/offline.js keeps it, and sent by that script when the network returns. */
"use strict";

const CACHE = "congress-me-" + CONFIG.version;
const DB_NAME = "congress-offline";
const STORE = "activities";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll([...CONFIG.shell, CONFIG.form]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("congress-me-") && name !== CACHE).map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function keep(request) {
  const data = await request.formData();
  const fields = [];
  const files = [];
  for (const [name, value] of data.entries()) {
    if (name === "csrfmiddlewaretoken") continue;
    if (typeof value === "string") fields.push([name, value]);
    else if (value.size) files.push([name, value]);
  }
  const key = data.get("client_key");
  if (!key) return false;
  const entry = {
    key, url: new URL(request.url).pathname, fields, files, status: "waiting",
    created: new Date().toISOString(), summary: [data.get("date"), data.get("place")].filter(Boolean).join(" · "),
  };
  const db = await openDb();
  await new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).put(entry);
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  return true;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.method === "POST" && request.mode === "navigate" && url.pathname === CONFIG.form) {
    const copy = request.clone();
    event.respondWith(
      fetch(request).catch(async () => {
        const kept = await keep(copy);
        return Response.redirect(CONFIG.form + (kept ? "?kept=1" : ""), 303);
      })
    );
    return;
  }
  if (request.method !== "GET") return;

  if (request.mode === "navigate") {
    // Pages: the network first (they hold fresh data); with none, the kept form, which works offline.
    event.respondWith(
      fetch(request).catch(async () =>
        (await caches.match(request, { ignoreSearch: true })) || (await caches.match(CONFIG.form)) || Response.error()
      )
    );
    return;
  }
  if (CONFIG.shell.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
