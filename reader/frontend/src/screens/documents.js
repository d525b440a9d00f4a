// Documents: filters by type, status, year and issuing unit; saved documents.
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.js";
import { t } from "../i18n.js";
import * as store from "../store.js";
import { ItemList, Problem, TYPES } from "../ui.js";

// The party's document types and statuses (content_types.symbols.DocumentType,
// content_types.models.DocumentStatus), by their Vietnamese names.
const DOCUMENT_TYPES = [
  ["NQ", "Nghị quyết"], ["CT", "Chỉ thị"], ["KL", "Kết luận"], ["QĐi", "Quy định"],
  ["QĐ", "Quyết định"], ["QC", "Quy chế"], ["HD", "Hướng dẫn"], ["TT", "Thông tri"],
  ["KH", "Kế hoạch"], ["CTr", "Chương trình"], ["BC", "Báo cáo"], ["TB", "Thông báo"],
  ["ĐA", "Đề án"], ["CV", "Công văn"],
];
const STATUSES = [
  ["in_force", "Còn hiệu lực"], ["amended", "Được sửa đổi"], ["replaced", "Được thay thế"],
  ["expired", "Hết hiệu lực"],
];

function Select({ label, name, value, options, onChange }) {
  return html`<label class="field">${label}
    <select name=${name} value=${value} onChange=${(event) => onChange(name, event.target.value)}>
      <option value="">${t("all")}</option>
      ${options.map(([key, text]) => html`<option value=${key}>${text}</option>`)}
    </select></label>`;
}

function documentQuery(filters) {
  const query = new URLSearchParams({ type: TYPES.document, limit: "30" });
  if (filters.document_type) query.set("document_type", filters.document_type);
  if (filters.status) query.set("status", filters.status);
  if (filters.year) {
    query.set("date_from", `${filters.year}-01-01`);
    query.set("date_to", `${filters.year}-12-31`);
  }
  if (filters.unit) query.set("unit", filters.unit);
  return query;
}

export const STATUS_NAMES = Object.fromEntries(STATUSES);

export function Documents({ session }) {
  const [filters, setFilters] = useState({ document_type: "", status: "", year: "", unit: "" });
  const [listing, setListing] = useState(null);
  const [saved, setSaved] = useState([]);
  const [error, setError] = useState(null);
  const years = Array.from({ length: 8 }, (_, n) => new Date().getFullYear() - n);
  const units = session?.user?.units || [];

  useEffect(() => {
    store.savedItems().then(setSaved);
  }, []);

  useEffect(() => {
    const query = documentQuery(filters);
    setError(null);
    request(`/api/v2/pages/?${query}`).then(setListing).catch(setError);
  }, [filters]);

  // The next window continues from the cursor of the last one (meta.next).
  async function more() {
    const query = documentQuery(filters);
    query.set("after", listing.meta.next);
    try {
      const next = await request(`/api/v2/pages/?${query}`);
      setListing({ meta: next.meta, items: [...listing.items, ...next.items] });
    } catch (problem) {
      setError(problem);
    }
  }

  const change = (name, value) => setFilters({ ...filters, [name]: value });
  return html`<section>
    <h1>${t("documents")}</h1>
    <form class="filters" onSubmit=${(event) => event.preventDefault()}>
      <${Select} label=${t("type")} name="document_type" value=${filters.document_type}
        options=${DOCUMENT_TYPES} onChange=${change} />
      <${Select} label=${t("status")} name="status" value=${filters.status} options=${STATUSES} onChange=${change} />
      <${Select} label=${t("year")} name="year" value=${filters.year}
        options=${years.map((year) => [String(year), String(year)])} onChange=${change} />
      ${units.length > 0 && html`<${Select} label=${t("issuingUnit")} name="unit" value=${filters.unit}
        options=${units.map((unit) => [String(unit.id), unit.name])} onChange=${change} />`}
    </form>
    <${Problem} error=${error} />
    ${listing ? html`<${ItemList} items=${listing.items} />` : !error && html`<p>${t("loading")}</p>`}
    ${listing?.meta?.next && html`<button class="wide" onClick=${more}>${t("more")}</button>`}
    ${saved.length > 0 && html`<section><h2>${t("savedDocuments")}</h2><${ItemList} items=${saved} /></section>`}
  </section>`;
}
