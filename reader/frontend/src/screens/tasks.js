// Tasks inside the branch. My tasks (#/viec, #/viec/<assignment> from a
// notification): each with its due date, whether it is overdue, its status
// (to do, in progress, done: sent through the outbox when offline) and a
// report back with text or a photo (a photo needs the network). The
// secretary assigns a task to members on the roll and follows every
// assignee's status and report, opening a report's photo
// (#/giao-viec/<branch>).
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { request, send } from "../api.js";
import { t } from "../i18n.js";
import * as store from "../store.js";
import { Problem, formatDate } from "../ui.js";
import { FilePicker, Note } from "./branch_parts.js";

const STATUSES = ["todo", "doing", "done"];
const KEPT = "branchTasks";

function dueFacts(task) {
  return [task.branch.name, task.due_on && t("dueOn", { date: formatDate(task.due_on) })]
    .filter(Boolean).join(" · ");
}

function MyTask({ task, focus, onChange }) {
  const [report, setReport] = useState(task.report);
  const [photo, setPhoto] = useState(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState(null);
  const path = `/api/tasks/${task.id}/`;

  async function update(change) {
    setError(null);
    try {
      const sent = await send(path, change, { method: "PATCH" });
      onChange({ ...task, ...change });
      setNote(sent ? t("statusSaved") : t("queued"));
    } catch (problem) {
      setError(problem);
    }
  }

  async function sendReport(event) {
    event.preventDefault();
    if (!photo) return update({ report });
    setError(null);
    if (!navigator.onLine) return setError({ message: t("needsNetwork"), status: 400 });
    const form = new FormData();
    form.append("report", report);
    form.append("report_photo", photo);
    try {
      onChange(await request(path, { method: "PATCH", body: form }));
      setNote(t("reportSent"));
    } catch (problem) {
      setError(problem);
    }
  }

  return html`<li class=${`item task${String(task.id) === focus ? " focus" : ""}`} data-testid="task">
    <p class="item-title">${task.overdue && html`<span class="badge">${t("overdue")}</span> `}${task.title}</p>
    <p class="item-meta">${dueFacts(task)}</p>
    ${task.details && html`<p class="plain">${task.details}</p>`}
    <div role="group" aria-label=${t("status")}>${STATUSES.map((status) => html`
      <button aria-pressed=${task.status === status} onClick=${() => update({ status })}>
        ${t(`taskStatus_${status}`)}</button>`)}</div>
    <form onSubmit=${sendReport}>
      <label class="field" for=${`report-${task.id}`}>${t("report")}
        <textarea id=${`report-${task.id}`} rows="3" value=${report}
          onInput=${(event) => setReport(event.target.value)}></textarea></label>
      <${FilePicker} id=${`photo-${task.id}`} label=${t("reportPhoto")} accept="image/*" onPick=${setPhoto} />
      <button type="submit">${t("sendReport")}</button></form>
    <${Note} text=${note} /><${Problem} error=${error} />
  </li>`;
}

export function MyTasks({ focus }) {
  const [tasks, setTasks] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    request("/api/tasks/")
      .then((found) => {
        setTasks(found);
        store.put(KEPT, found);
      })
      .catch(async (problem) => {
        // Offline: my tasks as last seen; a status changed here goes through the outbox.
        const kept = await store.get(KEPT);
        if (kept && !problem.status) setTasks(kept);
        else setError(problem);
      });
  }, []);
  const changed = (next) => {
    const all = tasks.map((task) => (task.id === next.id ? next : task));
    setTasks(all);
    store.put(KEPT, all);
  };
  return html`<section><h1>${t("myTasks")}</h1><${Problem} error=${error} />
    ${tasks === null && !error && html`<p>${t("loading")}</p>`}
    ${tasks && (tasks.length ? html`<ul class="items">${tasks.map((task) => html`<${MyTask} key=${task.id}
      task=${task} focus=${focus} onChange=${changed} />`)}</ul>` : html`<p class="empty">${t("nothingHere")}</p>`)}
  </section>`;
}

function AssignForm({ branch, roll, onAssigned }) {
  const [title, setTitle] = useState("");
  const [details, setDetails] = useState("");
  const [due, setDue] = useState("");
  const [chosen, setChosen] = useState(new Set());
  const [error, setError] = useState(null);

  async function assign(event) {
    event.preventDefault();
    setError(null);
    try {
      const body = { branch: Number(branch), title, details, due_on: due || null, members: [...chosen] };
      await request("/api/tasks/", { method: "POST", body });
      setTitle("");
      setDetails("");
      setChosen(new Set());
      onAssigned();
    } catch (problem) {
      setError(problem);
    }
  }

  function toggle(id, on) {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  }

  return html`<form onSubmit=${assign}>
    <label class="field" for="task-title">${t("taskTitle")}
      <input id="task-title" required value=${title} onInput=${(event) => setTitle(event.target.value)} /></label>
    <label class="field" for="task-details">${t("details")}
      <textarea id="task-details" rows="3" value=${details} onInput=${(event) => setDetails(event.target.value)}></textarea></label>
    <label class="field" for="task-due">${t("dueDate")}
      <input id="task-due" type="date" value=${due} onInput=${(event) => setDue(event.target.value)} /></label>
    <fieldset><legend>${t("assignees")}</legend>${roll.map((member) => html`<label class="check" key=${member.id}>
      <input type="checkbox" checked=${chosen.has(member.id)}
        onChange=${(event) => toggle(member.id, event.target.checked)} /> ${member.full_name}</label>`)}</fieldset>
    <${Problem} error=${error} />
    <button type="submit" class="wide primary" disabled=${!title.trim() || !chosen.size}>${t("assignTask")}</button>
  </form>`;
}

/** A report's photo, fetched with the member's token when asked for. */
function ReportPhoto({ task }) {
  const [src, setSrc] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => () => src && URL.revokeObjectURL(src), [src]);
  async function open() {
    setError(null);
    try {
      setSrc(URL.createObjectURL(await request(task.report_photo_url, { blob: true })));
    } catch (problem) {
      setError(problem);
    }
  }
  if (src) return html`<img class="report-photo" src=${src} alt=${t("reportPhotoOf", { name: task.member_name })} />`;
  return html`<button type="button" onClick=${open}>${t("showReportPhoto")}</button><${Problem} error=${error} />`;
}

export function BranchTasks({ branch }) {
  const [roll, setRoll] = useState([]);
  const [tasks, setTasks] = useState(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState(null);
  const load = () => request(`/api/tasks/?branch=${branch}`).then(setTasks).catch(setError);
  useEffect(() => {
    request(`/api/branches/${branch}/members/`).then(setRoll).catch(setError);
    load();
  }, [branch]);
  return html`<section><h1>${t("assignTask")}</h1>
    <${AssignForm} branch=${branch} roll=${roll} onAssigned=${() => { setNote(t("assigned")); load(); }} />
    <${Note} text=${note} /><${Problem} error=${error} />
    <h2>${t("branchTasks")}</h2>
    ${tasks && (tasks.length ? html`<ul class="items">${tasks.map((task) => html`<li class="item" key=${task.id}
      data-testid="branch-task"><p class="item-title">${task.overdue && html`<span class="badge">${t("overdue")}</span> `}${task.title}</p>
      <p class="item-meta">${[task.member_name, t(`taskStatus_${task.status}`), task.due_on && formatDate(task.due_on)]
        .filter(Boolean).join(" · ")}</p>${task.report && html`<p class="plain">${task.report}</p>`}
      ${task.report_photo_url && html`<${ReportPhoto} task=${task} />`}</li>`)}</ul>`
      : html`<p class="empty">${t("nothingHere")}</p>`)}
  </section>`;
}
