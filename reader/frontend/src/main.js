// The members' reader app: hash routes over the public API, settings and the
// session in IndexedDB, a service worker for offline use.
import { html } from "htm/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { flushOutbox, onSignedOut, request, setToken } from "./api.js";
import { currentLanguage, setLanguage, t } from "./i18n.js";
import { API_CACHE, SAVED_CACHE } from "./offline.js";
import * as store from "./store.js";
import { Documents } from "./screens/documents.js";
import { Home } from "./screens/home.js";
import { Item } from "./screens/item.js";
import { Search } from "./screens/search.js";
import { Settings } from "./screens/settings.js";
import { SignIn } from "./screens/signin.js";
import { STUDY_ROUTES } from "./screens/study.js";
import { BRANCH_ROUTES } from "./screens/branch.js";
import { useUnread } from "./screens/notifications.js";

const DEFAULT_SETTINGS = { size: "normal", contrast: false, language: "vi" };

function useRoute() {
  const [route, setRoute] = useState(location.hash.slice(1) || "/");
  useEffect(() => {
    const changed = () => {
      setRoute(location.hash.slice(1) || "/");
      window.scrollTo(0, 0);
    };
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}

function applySettings(settings) {
  const root = document.documentElement;
  root.dataset.size = settings.size;
  root.dataset.contrast = settings.contrast ? "high" : "normal";
  setLanguage(settings.language);
}

function Screen({ route, session, signIn, settings, changeSettings, signOut, expired }) {
  const [, name, id] = route.split("/");
  const routed = STUDY_ROUTES[name] || BRANCH_ROUTES[name];
  if (routed) return routed({ id, session });
  switch (name) {
    case "muc": return html`<${Item} key=${id} id=${id} />`;
    case "van-ban": return html`<${Documents} session=${session} />`;
    case "tim-kiem": return html`<${Search} key=${id} query=${decodeURIComponent(id || "")} />`;
    case "dang-nhap": return html`<${SignIn} onSignedIn=${signIn} expired=${expired} />`;
    case "cai-dat":
      return html`<${Settings} settings=${settings} onChange=${changeSettings} session=${session}
        onSignOut=${signOut} />`;
    default: return html`<${Home} session=${session} />`;
  }
}

const NAV = {
  home: ["#/", "⌂"],
  documents: ["#/van-ban", "▤"],
  study: ["#/hoc-tap", "✎"],
  questions: ["#/hoi-dap", "?"],
  search: ["#/tim-kiem", "⌕"],
  branch: ["#/chi-bo", "⚑"],
  signIn: ["#/dang-nhap", "→"],
};

function Nav({ session, unread }) {
  const keys = session
    ? ["home", "documents", "study", "questions", "branch", "search"]
    : ["home", "documents", "search", "signIn"];
  return html`<nav aria-label=${t("appName")}><ul>
    ${keys.map((key) => html`<li><a href=${NAV[key][0]}>
      <span class="nav-icon" aria-hidden="true">${NAV[key][1]}</span>${t(key)}
      ${key === "branch" && unread > 0 && html` <span class="badge" data-testid="unread-count">
        <span aria-hidden="true">${unread}</span>
        <span class="visually-hidden">${t("unreadCount", { count: unread })}</span></span>`}</a></li>`)}
  </ul></nav>`;
}

function App({ initialSettings, initialSession, initialExpired }) {
  const route = useRoute();
  const [settings, setSettings] = useState(initialSettings);
  const [session, setSession] = useState(initialSession);
  const [expired, setExpired] = useState(initialExpired);
  const [online, setOnline] = useState(navigator.onLine);
  const unread = useUnread(session, route);

  useEffect(() => {
    const up = () => {
      setOnline(true);
      flushOutbox();
    };
    const down = () => setOnline(false);
    addEventListener("online", up);
    addEventListener("offline", down);
    if (navigator.onLine) flushOutbox();
    const stop = onSignedOut(async () => {
      // Kept until the app next starts, so a reload still says why.
      await store.put("expired", true);
      await store.remove("session");
      setSession(null);
      setExpired(true);
      location.hash = "#/dang-nhap";
    });
    return () => {
      stop();
      removeEventListener("online", up);
      removeEventListener("offline", down);
    };
  }, []);

  async function changeSettings(change) {
    const next = { ...settings, ...change };
    applySettings(next);
    setSettings(next);
    await store.put("settings", next);
  }

  async function signIn(answer) {
    const next = { token: answer.token, user: answer.user };
    const previous = await store.get("lastUser");
    if (previous && previous !== answer.user.username) {
      // Another member on this phone: nothing of the previous one stays.
      await store.forgetMember();
      await Promise.all([API_CACHE, SAVED_CACHE].map((name) => caches.delete(name)));
    }
    setToken(next.token);
    await store.put("session", next);
    await store.put("lastUser", answer.user.username);
    await store.remove("expired");
    setExpired(false);
    setSession(next);
    location.hash = "#/";
  }

  async function signOut() {
    await request("/api/auth/token/", { method: "DELETE" }).catch(() => null);
    setToken(null);
    // A shared phone: nothing the member read stays for the next person.
    await store.forgetMember();
    await Promise.all([API_CACHE, SAVED_CACHE].map((name) => caches.delete(name)));
    setSession(null);
    location.hash = "#/";
  }

  return html`<div class="app">
    <header class="top"><a class="brand" href="#/">${t("appName")}</a>
      <a class="settings-link" href="#/cai-dat" aria-label=${t("settings")}>Aa</a></header>
    ${!online && html`<p class="offline" role="status">${t("offline")}</p>`}
    <main id="content"><${Screen} route=${route} session=${session} signIn=${signIn}
      settings=${settings} changeSettings=${changeSettings} signOut=${signOut} expired=${expired} /></main>
    <${Nav} session=${session} unread=${unread} />
  </div>`;
}

async function start() {
  const settings = { ...DEFAULT_SETTINGS, ...(await store.get("settings", {})) };
  applySettings(settings);
  const session = await store.get("session");
  if (session) setToken(session.token);
  // A refused sign-in is remembered until the member signs in again: however
  // often the app is reopened before that (or a page being left, whose
  // requests were refused too, got there first), it says why.
  const expired = !session && Boolean(await store.get("expired"));
  if (expired) location.hash = "#/dang-nhap";
  const mount = document.getElementById("reader");
  mount.textContent = "";
  document.body.classList.add("app-ready");
  render(html`<${App} initialSettings=${settings} initialSession=${session}
    initialExpired=${expired} />`, mount);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js", { scope: "/" });
  // A member's session is checked once online; an expired token lands on sign-in.
  if (session && navigator.onLine) {
    request("/api/auth/me/")
      .then((user) => store.put("session", { ...session, user }))
      .catch(() => null);
  }
  return currentLanguage();
}

start();
