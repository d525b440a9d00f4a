// Home: anonymous readers get the province's public news and documents; a
// member gets a feed per unit from their branch up to the province, with
// unread markers, refreshed through /api/sync/.
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.js";
import { t } from "../i18n.js";
import { prefetch } from "../offline.js";
import * as store from "../store.js";
import { ItemList, Problem, TYPES } from "../ui.js";

export const FEED_SIZE = 50;

async function loadFeeds(user) {
  if (!user) {
    const [news, documents] = await Promise.all([
      request(`/api/v2/pages/?type=${TYPES.news}&limit=20`),
      request(`/api/v2/pages/?type=${TYPES.document}&limit=10`),
    ]);
    return [
      { key: "news", title: t("publicNews"), items: news.items },
      { key: "documents", title: t("documents"), items: documents.items },
    ];
  }
  return Promise.all(
    user.units.map(async (unit) => {
      const listing = await request(`/api/v2/pages/?unit=${unit.id}&limit=${FEED_SIZE}`);
      return { key: `unit-${unit.id}`, title: t("feedOf", { unit: unit.name }), items: listing.items };
    }),
  );
}

export function Home({ session }) {
  const [feeds, setFeeds] = useState(null);
  const [read, setRead] = useState(new Set());
  const [error, setError] = useState(null);
  const [note, setNote] = useState("");
  const user = session?.user;

  async function load() {
    setError(null);
    try {
      const fresh = await loadFeeds(user);
      setFeeds(fresh);
      await store.put("feeds", fresh);
      // The last FEED_SIZE items of each of my feeds read offline.
      if (user) prefetch(fresh.flatMap((feed) => feed.items.map((item) => item.id)));
    } catch (problem) {
      const kept = await store.get("feeds");
      if (kept) setFeeds(kept);
      else setError(problem);
    }
  }

  async function refresh() {
    try {
      const since = await store.get("cursor");
      // My feeds only: a day's refresh is a few items, not the province's hundreds.
      const query = since ? `&since=${encodeURIComponent(since)}` : "";
      const changes = await request(`/api/sync/?feed=mine${query}`);
      await store.put("cursor", changes.cursor);
      // The server may send an item twice (its cursor keeps a safety margin):
      // what is new is what no feed shows yet.
      const known = new Set((feeds || []).flatMap((feed) => feed.items.map((item) => item.id)));
      const fresh = changes.changed.filter((item) => !known.has(item.id));
      if (since) setNote(t("refreshed", { count: fresh.length }));
      await load();
    } catch (problem) {
      setError(problem);
    }
  }

  useEffect(() => {
    store.readIds().then(setRead);
    load();
    if (user) store.get("cursor").then((cursor) => cursor || refresh());
  }, [user?.username]);

  return html`<section aria-labelledby="home-title">
    <h1 id="home-title" class="visually-hidden">${t("home")}</h1>
    ${user && html`<div class="toolbar">
      <button onClick=${refresh} data-testid="refresh">⟳ ${t("refresh")}</button>
      <span role="status">${note}</span>
    </div>`}
    <${Problem} error=${error} />
    ${feeds === null && !error && html`<p>${t("loading")}</p>`}
    ${(feeds || []).map(
      (feed) => html`<section class="feed" data-feed=${feed.key}>
        <h2>${feed.title}</h2>
        <${ItemList} items=${feed.items} read=${read} />
      </section>`,
    )}
  </section>`;
}
