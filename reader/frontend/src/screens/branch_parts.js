// Small pieces shared by the branch life screens: dates with the time, the
// member's branches as secretary, a file download with the member's token,
// and a form's "sent" note.
import { html } from "htm/preact";
import { request } from "../api.js";
import { t } from "../i18n.js";
import { formatDate } from "../ui.js";

/** "19:30 · 10/12/2026" in the phone's own time. */
export function formatWhen(iso) {
  if (!iso) return "";
  const when = new Date(iso);
  const pad = (number) => String(number).padStart(2, "0");
  const day = `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}`;
  return `${pad(when.getHours())}:${pad(when.getMinutes())} · ${formatDate(day)}`;
}

/** The branches the member is secretary or deputy secretary of (from /api/auth/me/). */
export function secretaryBranches(session) {
  return (session?.user?.committee_roles || [])
    .filter((office) => office.unit.level === "branch")
    .map((office) => office.unit);
}

/** An uploaded material or photo needs the member's token: fetched, then saved. */
export async function downloadWithToken(url, filename) {
  const blob = await request(url, { blob: true });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename || "";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

export function Note({ text }) {
  return text ? html`<p class="notice" role="status">${text}</p>` : null;
}

/** The member's choice of a file from the phone (camera, gallery or files). */
export function FilePicker({ id, label, onPick, accept = "image/*,application/pdf" }) {
  return html`<label class="field" for=${id}>${label}
    <input id=${id} type="file" accept=${accept} capture="environment"
      onChange=${(event) => onPick(event.target.files[0] || null)} /></label>`;
}
