// One article, document or lesson: the text, a Listen button, and for a
// document its number, status, relations and attachments, saved for offline
// on request. Opening it marks it read.
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.js";
import { t } from "../i18n.js";
import { Listen } from "../listen.js";
import { saveForOffline } from "../offline.js";
import * as store from "../store.js";
import { Body, Problem, RichText, formatDate, plainText } from "../ui.js";
import { STATUS_NAMES } from "./documents.js";

function DocumentFacts({ detail }) {
  return html`<dl class="facts">
    <dt>${t("number")}</dt><dd data-testid="number">${detail.number}</dd>
    <dt>${t("issuedOn")}</dt><dd>${formatDate(detail.issued_on)}</dd>
    <dt>${t("status")}</dt><dd>${STATUS_NAMES[detail.status] || detail.status}</dd>
    ${detail.issuing_body && html`<dt>${t("issuingUnit")}</dt><dd>${detail.issuing_body}</dd>`}
  </dl>`;
}

function Relations({ relations }) {
  if (!relations?.length) return null;
  return html`<section><h2>${t("relations")}</h2><ul class="items">
    ${relations.map((relation) => html`<li class="item"><a href=${`#/muc/${relation.id}`}>
      <span class="item-text"><span class="item-title">${relation.label}</span>
      <span class="item-meta">${relation.title}</span></span></a></li>`)}
  </ul></section>`;
}

function Attachments({ files }) {
  if (!files?.length) return null;
  return html`<section><h2>${t("attachments")}</h2><ul class="files">
    ${files.map((file) => html`<li><a href=${file.url} download>${file.title}</a>
      <small> (${Math.max(1, Math.round(file.file_size / 1024))} KB)</small></li>`)}
  </ul></section>`;
}

export function Item({ id }) {
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    setDetail(null);
    request(`/api/v2/pages/${id}/`)
      .then((data) => {
        setDetail(data);
        store.markRead(data.id);
      })
      .catch(setError);
    store.isSaved(Number(id)).then(setSaved);
  }, [id]);

  if (error) return html`<${Problem} error=${error} />`;
  if (!detail) return html`<p>${t("loading")}</p>`;
  const isDocument = detail.type === "content_types.PartyDocument";

  async function save() {
    await saveForOffline(detail);
    setSaved(true);
  }

  return html`<article class="detail">
    <p class="item-meta">${[formatDate(detail.date || detail.issued_on), detail.unit?.name].filter(Boolean).join(" · ")}</p>
    <h1>${detail.title}</h1>
    <${Listen} title=${detail.title} audio=${detail.audio} text=${plainText(detail)} />
    ${isDocument && html`<${DocumentFacts} detail=${detail} />`}
    ${detail.lead && html`<p class="lead">${detail.lead}</p>`}
    ${detail.summary && html`<p class="lead">${detail.summary}</p>`}
    ${detail.intro && html`<${RichText} value=${detail.intro} />`}
    <${Body} blocks=${detail.body} />
    ${isDocument && html`<${Relations} relations=${detail.relations} />`}
    ${isDocument && html`<${Attachments} files=${detail.attachments} />`}
    ${isDocument && html`<button class="wide" disabled=${saved} onClick=${save} data-testid="save">
      ${saved ? `✓ ${t("savedOffline")}` : t("saveOffline")}</button>`}
  </article>`;
}
