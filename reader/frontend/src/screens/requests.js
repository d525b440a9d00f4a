// Membership requests. On the secretary's roll: request a new member (with a
// party card number, or none for a probationary member) or a status change of
// one of the branch's own members, and follow the branch's requests. The
// committee above decides them (#/de-nghi).
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.js";
import { t } from "../i18n.js";
import { Problem, formatDate } from "../ui.js";
import { Note } from "./branch_parts.js";

const STATUSES = ["official", "probationary", "transferred", "deceased", "struck_off", "expelled"];

function RequestRow({ item, children }) {
  const who = item.full_name || item.member_name || "";
  const what = item.kind === "status_change" ? t(`memberStatus_${item.new_status}`) : item.card_number;
  return html`<li class="item roll-row" data-testid="request">
    <p class="item-title">${t(`requestKind_${item.kind}`)}: ${who}</p>
    <p class="item-meta">${[what, item.branch.name, formatDate(item.requested_at),
      t(`requestState_${item.state}`)].filter(Boolean).join(" · ")}</p>${children}</li>`;
}

function NewMember({ branch, onSent }) {
  const [fullName, setFullName] = useState("");
  const [username, setUsername] = useState("");
  const [card, setCard] = useState("");
  const [error, setError] = useState(null);
  async function submit(event) {
    event.preventDefault();
    setError(null);
    try {
      const body = { kind: "new_member", full_name: fullName, username, card_number: card };
      await request(`/api/branches/${branch}/requests/`, { method: "POST", body });
      setFullName("");
      setUsername("");
      setCard("");
      onSent();
    } catch (problem) {
      setError(problem);
    }
  }
  return html`<form onSubmit=${submit}><h3>${t("newMemberRequest")}</h3>
    <label class="field" for="new-name">${t("fullName")}
      <input id="new-name" required value=${fullName} onInput=${(event) => setFullName(event.target.value)} /></label>
    <label class="field" for="new-username">${t("username")}
      <input id="new-username" required value=${username} onInput=${(event) => setUsername(event.target.value)} /></label>
    <label class="field" for="new-card">${t("cardNumber")}
      <input id="new-card" value=${card} onInput=${(event) => setCard(event.target.value)} /></label>
    <${Problem} error=${error} />
    <button type="submit">${t("sendRequest")}</button></form>`;
}

function StatusChange({ branch, members, onSent }) {
  const own = members.filter((member) => !member.residence);
  const [member, setMember] = useState("");
  const [status, setStatus] = useState("transferred");
  const [error, setError] = useState(null);
  async function submit(event) {
    event.preventDefault();
    setError(null);
    try {
      const body = { kind: "status_change", member: Number(member), new_status: status };
      await request(`/api/branches/${branch}/requests/`, { method: "POST", body });
      onSent();
    } catch (problem) {
      setError(problem);
    }
  }
  return html`<form onSubmit=${submit}><h3>${t("changeStatus")}</h3>
    <label class="field" for="change-member">${t("whichMember")}
      <select id="change-member" required value=${member} onChange=${(event) => setMember(event.target.value)}>
        <option value=""></option>
        ${own.map((entry) => html`<option value=${entry.id}>${entry.full_name}</option>`)}</select></label>
    <label class="field" for="change-status">${t("status")}
      <select id="change-status" value=${status} onChange=${(event) => setStatus(event.target.value)}>
        ${STATUSES.map((value) => html`<option value=${value}>${t(`memberStatus_${value}`)}</option>`)}</select></label>
    <${Problem} error=${error} />
    <button type="submit" disabled=${!member}>${t("sendRequest")}</button></form>`;
}

/** On the roll: the secretary's requests of the branch. */
export function BranchRequests({ branch, members }) {
  const [items, setItems] = useState(null);
  const [note, setNote] = useState("");
  const load = () => request(`/api/branches/${branch}/requests/`).then(setItems).catch(() => null);
  useEffect(() => {
    load();
  }, [branch]);
  const sent = () => {
    setNote(t("requestSent"));
    load();
  };
  const names = new Map(members.map((member) => [member.id, member.full_name]));
  return html`<section><h2>${t("requests")}</h2>
    <${Note} text=${note} />
    ${items?.length > 0 && html`<ul class="items">${items.map((item) => html`<${RequestRow} key=${item.id}
      item=${{ ...item, member_name: names.get(item.member) }} />`)}</ul>`}
    <${NewMember} branch=${branch} onSent=${sent} />
    <${StatusChange} branch=${branch} members=${members} onSent=${sent} />
  </section>`;
}

/** The committee above decides its branches' requests. */
export function CommitteeRequests() {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const load = () => request("/api/membership-requests/").then(setItems).catch(setError);
  useEffect(() => {
    load();
  }, []);
  async function decide(item, approve) {
    setError(null);
    try {
      await request(`/api/membership-requests/${item.id}/decision/`, { method: "POST", body: { approve } });
      load();
    } catch (problem) {
      setError(problem);
    }
  }
  return html`<section><h1>${t("committeeRequests")}</h1><${Problem} error=${error} />
    ${items === null && !error && html`<p>${t("loading")}</p>`}
    ${items && (items.length ? html`<ul class="items">${items.map((item) => html`<${RequestRow} key=${item.id} item=${item}>
      ${item.state === "pending" && html`<button class="primary" onClick=${() => decide(item, true)}>${t("approve")}</button>
        <button onClick=${() => decide(item, false)}>${t("reject")}</button>`}</${RequestRow}>`)}</ul>`
      : html`<p class="empty">${t("nothingHere")}</p>`)}
  </section>`;
}
