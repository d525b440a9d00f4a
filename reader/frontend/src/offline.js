// Saving for offline: a document's detail and its files go into the
// "stdv-saved" cache, which the service worker answers from with no network.
// Files come in byte ranges, so a dropped connection resumes where it stopped.
import { request } from "./api.js";
import * as store from "./store.js";

export const SAVED_CACHE = "stdv-saved";
export const API_CACHE = "stdv-api";
const CHUNK = 256 * 1024;
const ATTEMPTS = 6;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The whole file at `url`, fetched in ranges; each failed range is retried from its first byte. */
export async function downloadResumable(url, onProgress = () => {}) {
  const parts = [];
  let received = 0;
  let total = null;
  let failures = 0;
  while (total === null || received < total) {
    try {
      const response = await fetch(url, {
        headers: { Range: `bytes=${received}-${received + CHUNK - 1}` },
        credentials: "same-origin",
      });
      if (response.status === 200) {
        const whole = await response.blob();
        return whole;
      }
      if (response.status !== 206) throw new Error(`HTTP ${response.status}`);
      total = Number(response.headers.get("Content-Range").split("/")[1]);
      const part = await response.arrayBuffer();
      parts.push(part);
      received += part.byteLength;
      failures = 0;
      onProgress(received, total);
    } catch (error) {
      failures += 1;
      if (failures >= ATTEMPTS) throw error;
      await pause(500 * failures);
    }
  }
  return new Blob(parts);
}

export async function saveForOffline(detail) {
  const cache = await caches.open(SAVED_CACHE);
  for (const file of detail.attachments || []) {
    const blob = await downloadResumable(file.url);
    await cache.put(file.url, new Response(blob, { headers: { "Content-Length": String(blob.size) } }));
  }
  const detailPath = `/api/v2/pages/${detail.id}/`;
  await cache.put(detailPath, new Response(JSON.stringify(detail), {
    headers: { "Content-Type": "application/json" },
  }));
  await store.save({ id: detail.id, title: detail.title, number: detail.number, date: detail.issued_on });
}

/** Keep these items readable offline: each detail not yet kept is fetched
 * once, one at a time, while the network is up and the member has not asked
 * their phone to save data. The service worker keeps the answers. */
export async function prefetch(ids) {
  const cache = await caches.open(API_CACHE);
  for (const id of ids) {
    if (!navigator.onLine || navigator.connection?.saveData) return;
    const path = `/api/v2/pages/${id}/`;
    if (await cache.match(path, { ignoreVary: true })) continue;
    // Keeping an item is not reading it: the reading figures skip prefetches.
    await request(path, { headers: { Purpose: "prefetch" } }).catch(() => null);
  }
}
