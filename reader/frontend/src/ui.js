// Small shared pieces of the screens.
import { html } from "htm/preact";
import { t } from "./i18n.js";

export const TYPES = {
  news: "content_types.NewsArticle",
  document: "content_types.PartyDocument",
  lesson: "content_types.StudyLesson",
  module: "content_types.StudyModule",
  quiz: "content_types.Quiz",
};

export function formatDate(iso) {
  if (!iso) return "";
  const [year, month, day] = iso.slice(0, 10).split("-");
  return `${day}/${month}/${year}`;
}

/** Where an item opens: study items on their own screens (which record
 * progress), everything else on the reading screen. */
const SCREENS = {
  [TYPES.lesson]: "bai-hoc",
  [TYPES.module]: "chuyen-de",
  [TYPES.quiz]: "thi",
  module: "chuyen-de",
  answer: "tra-loi",
};

export function itemAddress(id, type) {
  return `#/${SCREENS[type] || "muc"}/${id}`;
}

export function ItemRow({ item, unread }) {
  return html`<li class="item">
    <a href=${itemAddress(item.id, item.type)} data-testid="item-link">
      ${item.image && html`<img src=${item.image.thumbnail || item.image.url} alt=""
        loading="lazy" width="120" height="68" />`}
      <span class="item-text">
        <span class="item-title">${unread && html`<span class="badge">${t("unread")}</span> `}${item.title}</span>
        <span class="item-meta">${[item.number, formatDate(item.date), item.unit?.name].filter(Boolean).join(" · ")}</span>
      </span>
    </a>
  </li>`;
}

export function ItemList({ items, read = new Set() }) {
  if (!items?.length) return html`<p class="empty">${t("nothingHere")}</p>`;
  return html`<ul class="items">${items.map((item) => html`<${ItemRow} key=${item.id} item=${item}
    unread=${!read.has(item.id)} />`)}</ul>`;
}

export function Problem({ error }) {
  if (!error) return null;
  const message = error.status ? error.message : t("networkError");
  return html`<p class="problem" role="alert">${t("error", { message })}</p>`;
}

/** Rich text from the API: HTML the server already cleaned (editors' rich text). */
export function RichText({ value, className = "prose" }) {
  return html`<div class=${className} dangerouslySetInnerHTML=${{ __html: value || "" }}></div>`;
}

export function Body({ blocks }) {
  return (blocks || []).map((block) => {
    const value = block.value;
    if (block.type === "heading") return html`<h2>${value}</h2>`;
    if (block.type === "image" && value)
      return html`<figure><img src=${value.url} alt=${value.caption || value.title} loading="lazy"
        width=${value.width} height=${value.height} /><figcaption>${value.caption}</figcaption></figure>`;
    if (block.type === "quote" && value)
      return html`<blockquote>${value.quote}${value.attribution && html`<footer>${value.attribution}</footer>`}</blockquote>`;
    if (typeof value === "string") return html`<${RichText} value=${value} />`;
    return null;
  });
}

/** The words a device voice reads when the server has no audio. */
export function plainText(detail) {
  const parts = [detail.lead, detail.summary];
  for (const block of detail.body || []) {
    if (typeof block.value === "string") parts.push(block.value);
    else if (block.value?.quote) parts.push(block.value.quote);
  }
  const box = document.createElement("div");
  box.innerHTML = parts.filter(Boolean).join("\n");
  return box.textContent.replace(/\s+/g, " ").trim();
}
