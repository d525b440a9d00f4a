// The secretary's side of a meeting: a new notice (#/hop-moi/<branch>: kind,
// time, place, agenda, guidance and a phone photo or PDF), then on the
// meeting's screen: send the notice, change its time or place, add a material (an upload, or a
// published document or news item found by search), take attendance, open a
// vote on an agenda item (open or secret) and close it, close the meeting
// with its minutes and resolution. Uploads need the network and say so.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { ApiError, request } from "../api.js";
import { t } from "../i18n.js";
import { Problem } from "../ui.js";
import { FilePicker, Note } from "./branch_parts.js";

const KINDS = ["regular", "thematic", "extraordinary"];
const PRESENCE = ["present", "excused", "unexcused"];
const PAGE_KINDS = ["document", "news"];

async function uploadMaterial(meetingId, file, title) {
  if (!navigator.onLine) throw new Error(t("needsNetwork"));
  const form = new FormData();
  form.append("file", file);
  form.append("title", title || file.name);
  return request(`/api/meetings/${meetingId}/materials/`, { method: "POST", body: form });
}

/** A form's submit: runs ``action``, shows a refusal (or "needs the network"). */
function useAction() {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function run(action) {
    setError(null);
    setBusy(true);
    try {
      return await action();
    } catch (problem) {
      // A refusal names its reason; anything else is the network.
      setError(problem instanceof ApiError ? problem : { message: t("needsNetwork"), status: 0 });
      return null;
    } finally {
      setBusy(false);
    }
  }
  return { error, busy, run };
}

function Failure({ error }) {
  if (!error) return null;
  if (!error.status) return html`<p class="problem" role="alert">${error.message}</p>`;
  return html`<${Problem} error=${error} />`;
}

const field = (setter) => (event) => setter(event.target.value);

export function NewMeeting({ branch }) {
  const [kind, setKind] = useState("regular");
  const [title, setTitle] = useState("");
  const [startsAt, setStartsAt] = useState("");
  const [place, setPlace] = useState("");
  const [agenda, setAgenda] = useState("");
  const [guidance, setGuidance] = useState("");
  const [file, setFile] = useState(null);
  const { error, busy, run } = useAction();

  function save(event) {
    event.preventDefault();
    run(async () => {
      if (!navigator.onLine) throw new Error(t("needsNetwork"));
      const made = await request("/api/meetings/", {
        method: "POST",
        body: {
          branch: Number(branch), kind, title, place, guidance,
          starts_at: startsAt ? new Date(startsAt).toISOString() : "",
          agenda: agenda.split("\n").map((line) => line.trim()).filter(Boolean),
        },
      });
      if (file) await uploadMaterial(made.id, file, title);
      location.hash = `#/hop/${made.id}`;
    });
  }

  return html`<section><h1>${t("newMeeting")}</h1><form onSubmit=${save}>
    <label class="field" for="meeting-kind">${t("kind")}
      <select id="meeting-kind" value=${kind} onChange=${field(setKind)}>
        ${KINDS.map((value) => html`<option value=${value}>${t(`kind_${value}`)}</option>`)}</select></label>
    <label class="field" for="meeting-title">${t("meetingTitle")}
      <input id="meeting-title" required value=${title} onInput=${field(setTitle)} /></label>
    <label class="field" for="meeting-start">${t("startsAt")}
      <input id="meeting-start" type="datetime-local" required value=${startsAt} onInput=${field(setStartsAt)} /></label>
    <label class="field" for="meeting-place">${t("place")}
      <input id="meeting-place" required value=${place} onInput=${field(setPlace)} /></label>
    <label class="field" for="meeting-agenda">${t("agendaLines")}
      <textarea id="meeting-agenda" rows="4" value=${agenda} onInput=${field(setAgenda)}></textarea></label>
    <label class="field" for="meeting-guidance">${t("guidance")}
      <textarea id="meeting-guidance" rows="3" value=${guidance} onInput=${field(setGuidance)}></textarea></label>
    <${FilePicker} id="meeting-file" label=${t("photoOrPdf")} onPick=${setFile} />
    <${Failure} error=${error} />
    <button type="submit" class="wide primary" disabled=${busy}>${t("saveDraft")}</button>
  </form></section>`;
}

/** "2026-12-10T19:30" in the phone's time, for a datetime-local field. */
function localInput(iso) {
  const when = new Date(iso);
  return new Date(when.getTime() - when.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** A change of time or place; once announced, the roll is told. */
function ChangeMeeting({ meeting, onChange }) {
  const [startsAt, setStartsAt] = useState(localInput(meeting.starts_at));
  const [place, setPlace] = useState(meeting.place);
  const [note, setNote] = useState("");
  const { error, busy, run } = useAction();
  const save = (event) => {
    event.preventDefault();
    run(async () => {
      const body = { starts_at: new Date(startsAt).toISOString(), place };
      onChange(await request(`/api/meetings/${meeting.id}/`, { method: "PATCH", body }));
      setNote(meeting.state === "published" ? t("changeSent") : t("statusSaved"));
    });
  };
  return html`<form onSubmit=${save}><h3>${t("changeMeeting")}</h3>
    <label class="field" for="change-start">${t("startsAt")}
      <input id="change-start" type="datetime-local" required value=${startsAt} onInput=${field(setStartsAt)} /></label>
    <label class="field" for="change-place">${t("place")}
      <input id="change-place" required value=${place} onInput=${field(setPlace)} /></label>
    <${Note} text=${note} /><${Failure} error=${error} />
    <button type="submit" disabled=${busy}>${t("saveChange")}</button></form>`;
}

function AddMaterial({ meeting, onChange }) {
  const [file, setFile] = useState(null);
  const [title, setTitle] = useState("");
  const { error, busy, run } = useAction();
  const add = (event) => {
    event.preventDefault();
    run(async () => onChange(await uploadMaterial(meeting.id, file, title)));
  };
  return html`<form onSubmit=${add}><h3>${t("addMaterial")}</h3>
    <label class="field" for="material-title">${t("materialTitle")}
      <input id="material-title" value=${title} onInput=${field(setTitle)} /></label>
    <${FilePicker} id="material-file" label=${t("photoOrPdf")} onPick=${setFile} />
    <${Failure} error=${error} />
    <button type="submit" disabled=${busy || !file}>${t("upload")}</button></form>`;
}

/** A published document or news item as a material: found by search, it
 * opens in the app for every member who may read it. */
function AddPage({ meeting, onChange }) {
  const [words, setWords] = useState("");
  const [found, setFound] = useState(null);
  const { error, busy, run } = useAction();
  const find = (event) => {
    event.preventDefault();
    run(async () => {
      const answer = await request(`/api/search/?${new URLSearchParams({ q: words, page_size: "10" })}`);
      setFound(answer.results.filter((result) => PAGE_KINDS.includes(result.kind)));
    });
  };
  const attach = (result) => run(async () => {
    onChange(await request(`/api/meetings/${meeting.id}/materials/`, {
      method: "POST", body: { page: result.id, title: result.title } }));
    setFound(null);
    setWords("");
  });
  return html`<form onSubmit=${find}><h3>${t("attachPage")}</h3>
    <label class="field" for="material-search">${t("attachPageWords")}
      <input id="material-search" type="search" value=${words} onInput=${field(setWords)} /></label>
    <button type="submit" disabled=${busy || words.trim().length < 2}>${t("search")}</button>
    <${Failure} error=${error} />
    ${found && (found.length ? html`<ul class="items">${found.map((result) => html`<li class="item"
      key=${result.id} data-testid="page-found"><p class="item-title">${result.title}</p>
      <button type="button" disabled=${busy} onClick=${() => attach(result)}>${t("attach")}</button></li>`)}</ul>`
      : html`<p class="empty">${t("nothingHere")}</p>`)}
  </form>`;
}

function Attendance({ meeting, onChange }) {
  const [marks, setMarks] = useState(() => Object.fromEntries(
    meeting.roll.map((row) => [row.id, row.attendance || (row.rsvp === "absent" ? "excused" : "present")])));
  const [note, setNote] = useState("");
  const { error, busy, run } = useAction();
  const save = (event) => {
    event.preventDefault();
    run(async () => {
      onChange(await request(`/api/meetings/${meeting.id}/attendance/`, { method: "POST", body: { attendance: marks } }));
      setNote(t("attendanceSaved"));
    });
  };
  return html`<form onSubmit=${save}><h3>${t("takeAttendance")}</h3><ul class="items">
    ${meeting.roll.map((row) => html`<li class="item roll-row" key=${row.id}>
      <label class="field" for=${`presence-${row.id}`}>${row.full_name}
        <span class="item-meta">${[row.status === "probationary" && t("probationary"),
          row.residence && t("residence"), row.rsvp && t(`answer_${row.rsvp}`), row.reason]
          .filter(Boolean).join(" · ")}</span>
        <select id=${`presence-${row.id}`} value=${marks[row.id]}
          onChange=${(event) => setMarks({ ...marks, [row.id]: event.target.value })}>
          ${PRESENCE.map((value) => html`<option value=${value}>${t(`attendance_${value}`)}</option>`)}
        </select></label></li>`)}</ul>
    <${Note} text=${note} /><${Failure} error=${error} />
    <button type="submit" class="wide primary" disabled=${busy}>${t("saveAttendance")}</button></form>`;
}

function OpenVote({ meeting, onChange }) {
  const [question, setQuestion] = useState("");
  const [item, setItem] = useState("");
  const [secret, setSecret] = useState(false);
  const { error, busy, run } = useAction();
  const open = (event) => {
    event.preventDefault();
    run(async () => {
      const body = { question, secret, agenda_item: item ? Number(item) : null };
      await request(`/api/meetings/${meeting.id}/votes/`, { method: "POST", body });
      setQuestion("");
      onChange(await request(`/api/meetings/${meeting.id}/`));
    });
  };
  return html`<form onSubmit=${open}><h3>${t("openAVote")}</h3>
    <label class="field" for="vote-item">${t("agendaItem")}
      <select id="vote-item" value=${item} onChange=${field(setItem)}><option value="">${t("none")}</option>
        ${meeting.agenda.map((entry) => html`<option value=${entry.id}>${entry.title}</option>`)}</select></label>
    <label class="field" for="vote-question">${t("voteQuestion")}
      <input id="vote-question" required value=${question} onInput=${field(setQuestion)} /></label>
    <label class="check"><input type="checkbox" checked=${secret}
      onChange=${(event) => setSecret(event.target.checked)} /> ${t("secretBallot")}</label>
    <${Failure} error=${error} />
    <button type="submit" disabled=${busy || !question.trim()}>${t("openAVote")}</button></form>`;
}

function CloseVotes({ meeting, onChange }) {
  const { error, busy, run } = useAction();
  const open = meeting.votes.filter((vote) => vote.state === "open");
  if (!open.length) return null;
  const close = (vote) => run(async () => {
    await request(`/api/meetings/${meeting.id}/votes/${vote.id}/close/`, { method: "POST" });
    onChange(await request(`/api/meetings/${meeting.id}/`));
  });
  return html`<div><${Failure} error=${error} />${open.map((vote) => html`<button key=${vote.id}
    disabled=${busy} onClick=${() => close(vote)} aria-label=${`${t("closeVote")}: ${vote.question}`}>
    ${t("closeVote")}: ${vote.question}</button>`)}</div>`;
}

function CloseMeeting({ meeting, onChange }) {
  const [minutes, setMinutes] = useState("");
  const [resolution, setResolution] = useState("");
  const { error, busy, run } = useAction();
  const close = (event) => {
    event.preventDefault();
    run(async () => onChange(await request(`/api/meetings/${meeting.id}/close/`, {
      method: "POST", body: { minutes, resolution } })));
  };
  return html`<form onSubmit=${close}><h3>${t("closeMeeting")}</h3>
    <label class="field" for="meeting-minutes">${t("minutesText")}
      <textarea id="meeting-minutes" rows="5" required value=${minutes} onInput=${field(setMinutes)}></textarea></label>
    <label class="field" for="meeting-resolution">${t("resolution")}
      <textarea id="meeting-resolution" rows="3" value=${resolution} onInput=${field(setResolution)}></textarea></label>
    <${Failure} error=${error} />
    <button type="submit" class="wide primary" disabled=${busy || !minutes.trim()}>${t("closeMeeting")}</button></form>`;
}

export function SecretaryPanel({ meeting, onChange }) {
  const { error, busy, run } = useAction();
  const step = (name) => run(async () => onChange(await request(`/api/meetings/${meeting.id}/${name}/`, { method: "POST" })));
  const live = meeting.state === "draft" || meeting.state === "published";
  return html`<section class="secretary" data-testid="secretary-panel"><h2>${t("secretaryTools")}</h2>
    <${Failure} error=${error} />
    ${meeting.state === "draft" && html`<button class="wide primary" disabled=${busy}
      onClick=${() => step("publish")}>${t("publish")}</button>`}
    ${live && html`<details class="tools" open=${meeting.state === "draft"}>
      <summary>${t("editNotice")}</summary>
      <${ChangeMeeting} meeting=${meeting} onChange=${onChange} />
      <${AddMaterial} meeting=${meeting} onChange=${onChange} />
      <${AddPage} meeting=${meeting} onChange=${onChange} /></details>`}
    ${meeting.state === "published" && html`
      <${Attendance} meeting=${meeting} onChange=${onChange} />
      <${OpenVote} meeting=${meeting} onChange=${onChange} />
      <${CloseVotes} meeting=${meeting} onChange=${onChange} />
      <${CloseMeeting} meeting=${meeting} onChange=${onChange} />`}
    ${live && html`<button class="link" disabled=${busy} onClick=${() => confirm(t("cancelMeeting")) && step("cancel")}>${t("cancelMeeting")}</button>`}
  </section>`;
}
