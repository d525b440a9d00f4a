// Notifications (#/thong-bao): a meeting notice, a change or cancellation, a
// task assigned or overdue; newest first, the unread ones marked. Tapping one
// marks it read and opens the meeting or the task. `useUnread` keeps the
// count on the nav's badge.
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.js";
import { t } from "../i18n.js";
import { Problem } from "../ui.js";
import { formatWhen } from "./branch_parts.js";

const REFRESH_MS = 60_000;
const listeners = new Set();
let lastCount = 0;
let lastAsked = 0;

function tell(count) {
  lastCount = count;
  for (const listener of listeners) listener(count);
}

/** Ask the server again (at most once a minute unless ``now``). */
export async function refreshUnread(now = false) {
  if (!now && Date.now() - lastAsked < REFRESH_MS) return;
  lastAsked = Date.now();
  const answer = await request("/api/notifications/").catch(() => null);
  if (answer) tell(answer.unread);
}

/** The unread count for a signed-in member, checked again as they move around. */
export function useUnread(session, route) {
  const [count, setCount] = useState(lastCount);
  useEffect(() => {
    listeners.add(setCount);
    return () => listeners.delete(setCount);
  }, []);
  useEffect(() => {
    if (session && navigator.onLine) refreshUnread();
    if (!session) tell(0);
  }, [session, route]);
  return session ? count : 0;
}

/** Where an API link opens in the app. */
export function screenOf(link) {
  const meeting = link.match(/^\/api\/meetings\/(\d+)\//);
  if (meeting) return `#/hop/${meeting[1]}`;
  const task = link.match(/^\/api\/tasks\/(\d+)\//);
  if (task) return `#/viec/${task[1]}`;
  return "#/chi-bo";
}

export function Notifications() {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);

  async function load() {
    try {
      const answer = await request("/api/notifications/");
      setList(answer.items);
      tell(answer.unread);
    } catch (problem) {
      setError(problem);
    }
  }
  useEffect(() => {
    load();
  }, []);

  async function open(item) {
    if (!item.read_at) await request(`/api/notifications/${item.id}/read/`, { method: "POST" }).catch(() => null);
    refreshUnread(true);
    location.hash = screenOf(item.link);
  }

  async function readAll() {
    await request("/api/notifications/read-all/", { method: "POST" }).catch(setError);
    load();
  }

  const unread = (list || []).filter((item) => !item.read_at).length;
  return html`<section>
    <h1>${t("notifications")}</h1>
    <${Problem} error=${error} />
    ${list === null && !error && html`<p>${t("loading")}</p>`}
    ${unread > 0 && html`<p class="toolbar"><span>${t("unreadCount", { count: unread })}</span>
      <button onClick=${readAll} data-testid="read-all">${t("markAllRead")}</button></p>`}
    ${list && (list.length ? html`<ul class="items">${list.map((item) => html`<li class="item" key=${item.id}>
      <a href=${screenOf(item.link)} data-testid="notification"
        onClick=${(event) => { event.preventDefault(); open(item); }}>
        <span class="item-text"><span class="item-title">
          ${!item.read_at && html`<span class="badge" data-testid="unread">${t("unread")}</span> `}${item.title}</span>
          <span class="item-meta">${[item.body, formatWhen(item.created_at)].filter(Boolean).join(" · ")}</span>
        </span></a></li>`)}</ul>` : html`<p class="empty">${t("nothingHere")}</p>`)}
  </section>`;
}
