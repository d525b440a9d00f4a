// The service worker: the app shell and its assets are cached at install, so
// the app opens with no network after one visit; API reads go to the network
// first and fall back to the last answer kept; saved documents and files
// ("stdv-saved") are answered from the cache.
/* global BUILD_VERSION */
const SHELL_CACHE = `stdv-shell-${BUILD_VERSION}`;
const API_CACHE = "stdv-api"; // offline.js: API_CACHE

/** The home page and the assets it links (their names are hashed again by
 * collectstatic in production, so they are read from the page itself). */
async function cacheShell() {
  const cache = await caches.open(SHELL_CACHE);
  const home = await fetch("/", { credentials: "omit" });
  const page = await home.clone().text();
  const assets = [...page.matchAll(/(?:href|src)="(\/static\/reader\/[^"]+)"/g)].map((match) => match[1]);
  await cache.put("/", home);
  await cache.addAll([...new Set(assets), "/manifest.webmanifest"]);
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("stdv-shell-") && key !== SHELL_CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    const control = response.headers.get("Cache-Control") || "";
    if (response.ok && !control.includes("no-store")) {
      const cache = await caches.open(API_CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request, { ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin) return;
  if (request.mode === "navigate" && url.pathname === "/") {
    event.respondWith(fetch(request).catch(() => caches.match("/")));
  } else if (url.pathname.startsWith("/static/reader/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(
      caches.match(request).then(
        (kept) => kept || fetch(request).then(async (response) => {
          if (response.ok) await (await caches.open(SHELL_CACHE)).put(request, response.clone());
          return response;
        }),
      ),
    );
  } else if (url.pathname.startsWith("/api/") && !url.pathname.startsWith("/api/auth/token/")) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith("/documents/") || url.pathname.startsWith("/media/")) {
    if (request.headers.has("Range")) return;
    event.respondWith(fetch(request).catch(() => caches.match(request, { ignoreVary: true })));
  }
});
