// The secretary's roll (#/dang-vien/<branch>): the branch's members and its
// residence-place members, whether each has signed in and when last, and a
// one-time sign-in code for a member (only where the sign-in rule allows it:
// otherwise the server's refusal says who may); requests of new members and
// status changes (requests.js); residence-place registrations (residence.js).
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.js";
import { t } from "../i18n.js";
import { Problem } from "../ui.js";
import { formatWhen } from "./branch_parts.js";
import { BranchRequests } from "./requests.js";
import { BranchResidence } from "./residence.js";

function RollMember({ branch, member }) {
  const [code, setCode] = useState(null);
  const [error, setError] = useState(null);

  async function issue() {
    setError(null);
    try {
      setCode(await request(`/api/branches/${branch}/members/${member.id}/sign-in-code/`, { method: "POST" }));
    } catch (problem) {
      setError(problem);
    }
  }

  return html`<li class="item roll-row" data-testid="roll-member">
    <p class="item-title">${member.full_name}</p>
    <p class="item-meta">${[member.status === "probationary" && t("probationary"), member.residence && t("residence"),
      member.has_signed_in ? t("signedInLast", { date: formatWhen(member.last_sign_in) }) : t("neverSignedIn")]
      .filter(Boolean).join(" · ")}</p>
    ${!member.residence && html`<button onClick=${issue}>${t("issueCode")}</button>`}
    ${code && html`<p class="notice" role="status" data-testid="sign-in-code">
      ${t("codeIssued", { code: code.code, hours: code.expires_in_hours })}</p>`}
    <${Problem} error=${error} />
  </li>`;
}

export function Roll({ branch }) {
  const [members, setMembers] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    request(`/api/branches/${branch}/members/`).then(setMembers).catch(setError);
  }, [branch]);
  return html`<section><h1>${t("rollTitle")}</h1><${Problem} error=${error} />
    ${members === null && !error && html`<p>${t("loading")}</p>`}
    ${members && html`<ul class="items">${members.map((member) => html`<${RollMember} key=${member.id}
      branch=${branch} member=${member} />`)}</ul>
      <${BranchRequests} branch=${branch} members=${members} />
      <${BranchResidence} branch=${branch} members=${members} />`}
  </section>`;
}
