// Residence-place registrations on the secretary's roll: register one of the
// branch's own members with the branch where they live (by its code), end a
// registration, and see, read-only, the other branches' members registered
// here.
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.js";
import { t } from "../i18n.js";
import { Problem, formatDate } from "../ui.js";
import { Note } from "./branch_parts.js";

function dates(item) {
  const from = t("residenceFrom", { date: formatDate(item.started_on) });
  return item.ended_on ? `${from} · ${t("residenceUntil", { date: formatDate(item.ended_on) })}` : from;
}

function Registration({ branch, item, away, onChange }) {
  const [error, setError] = useState(null);
  async function end() {
    setError(null);
    try {
      await request(`/api/branches/${branch}/residence/${item.id}/end/`, { method: "POST" });
      onChange(t("residenceEnded"));
    } catch (problem) {
      setError(problem);
    }
  }
  const where = away ? item.residence_branch.name : item.home_branch.name;
  return html`<li class="item roll-row" data-testid="residence">
    <p class="item-title">${item.member_name}</p>
    <p class="item-meta">${where} · ${dates(item)}</p>
    ${away && item.current && html`<button type="button" onClick=${end}>${t("endResidence")}</button>`}
    <${Problem} error=${error} /></li>`;
}

function RegisterForm({ branch, members, onSent }) {
  const own = members.filter((member) => !member.residence);
  const [member, setMember] = useState("");
  const [code, setCode] = useState("");
  const [error, setError] = useState(null);
  async function submit(event) {
    event.preventDefault();
    setError(null);
    try {
      const body = { member: Number(member), residence_branch: code.trim() };
      await request(`/api/branches/${branch}/residence/`, { method: "POST", body });
      setMember("");
      setCode("");
      onSent(t("residenceRegistered"));
    } catch (problem) {
      setError(problem);
    }
  }
  return html`<form onSubmit=${submit}><h3>${t("registerResidence")}</h3>
    <label class="field" for="residence-member">${t("residenceMember")}
      <select id="residence-member" required value=${member} onChange=${(event) => setMember(event.target.value)}>
        <option value=""></option>
        ${own.map((entry) => html`<option value=${entry.id}>${entry.full_name}</option>`)}</select></label>
    <label class="field" for="residence-branch">${t("residenceBranchCode")}
      <input id="residence-branch" required value=${code} onInput=${(event) => setCode(event.target.value)} /></label>
    <${Problem} error=${error} />
    <button type="submit" disabled=${!member || !code.trim()}>${t("registerResidence")}</button></form>`;
}

export function BranchResidence({ branch, members }) {
  const [found, setFound] = useState(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState(null);
  const load = () => request(`/api/branches/${branch}/residence/`).then(setFound).catch(setError);
  useEffect(() => {
    load();
  }, [branch]);
  const changed = (text) => {
    setNote(text);
    load();
  };
  const list = (items, away) => (items.length
    ? html`<ul class="items">${items.map((item) => html`<${Registration} key=${item.id} branch=${branch}
        item=${item} away=${away} onChange=${changed} />`)}</ul>`
    : html`<p class="empty">${t("nothingHere")}</p>`);
  return html`<section class="secretary"><h2>${t("residenceTitle")}</h2>
    <${RegisterForm} branch=${branch} members=${members} onSent=${changed} />
    <${Note} text=${note} /><${Problem} error=${error} />
    ${found && html`<h3>${t("residenceAway")}</h3>${list(found.outgoing, true)}
      <h3>${t("residenceHere")}</h3>${list(found.incoming, false)}`}
  </section>`;
}
