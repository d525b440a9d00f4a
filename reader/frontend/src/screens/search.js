// Search: one box, with or without diacritics, document numbers typed any
// way; facets narrow the results; highlights show where the words are.
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.js";
import { currentLanguage, t } from "../i18n.js";
import { Problem, RichText, itemAddress } from "../ui.js";


// Past the server's cap the count is a floor ("more than 10,000"), and the
// facets were counted over a sample of the matches: they show no number.
function foundCount(found) {
  if (!found.count_capped) return t("results", { count: found.count });
  return t("resultsCapped", { count: found.count.toLocaleString(currentLanguage() === "en" ? "en-GB" : "vi-VN") });
}


export function Search({ query: initial = "" }) {
  const [query, setQuery] = useState(initial);
  const [kind, setKind] = useState("");
  const [found, setFound] = useState(null);
  const [error, setError] = useState(null);

  async function run(text, facet = kind) {
    if (!text.trim()) return;
    const params = new URLSearchParams({ q: text });
    if (facet) params.set("kind", facet);
    setError(null);
    try {
      setFound(await request(`/api/search/?${params}`));
    } catch (problem) {
      setError(problem);
    }
  }

  useEffect(() => {
    if (initial) run(initial);
  }, []);

  // The words go into the address, so that Back returns to the results.
  function submit() {
    const next = `#/tim-kiem/${encodeURIComponent(query.trim())}`;
    if (location.hash === next) run(query);
    else location.hash = next;
  }

  return html`<section>
    <h1>${t("search")}</h1>
    <form role="search" class="search" onSubmit=${(event) => { event.preventDefault(); submit(); }}>
      <label class="visually-hidden" for="q">${t("search")}</label>
      <input id="q" type="search" name="q" value=${query} placeholder=${t("searchPlaceholder")}
        onInput=${(event) => setQuery(event.target.value)} />
      <button type="submit">${t("search")}</button>
    </form>
    <${Problem} error=${error} />
    ${found && html`<p role="status">${foundCount(found)}</p>
      <div class="facets">${(found.facets?.kind || []).map((facet) => html`<button
        aria-pressed=${kind === facet.value}
        onClick=${() => { const next = kind === facet.value ? "" : facet.value; setKind(next); run(query, next); }}>
        ${facet.label || facet.value}${found.facets_estimated ? "" : ` (${facet.count})`}</button>`)}</div>
      <ul class="items">${found.results.map((result) => html`<li class="item">
        <a href=${itemAddress(result.id, result.kind)} data-testid="result">
          <span class="item-title">${result.title}</span>
          <span class="item-meta">${[result.number, result.unit?.name].filter(Boolean).join(" · ")}</span>
        </a>
        <${RichText} className="highlight" value=${result.highlight} />
      </li>`)}</ul>`}
  </section>`;
}
