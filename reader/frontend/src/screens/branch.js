// Branch life (#/chi-bo): notifications, my meetings (upcoming first), my
// tasks and, for a branch's secretary or deputy, their tools (a new meeting
// notice, the roll, tasks). The committee above finds its branches' meetings
// here too, to rate the held ones, and its branches' requests (#/de-nghi). BRANCH_ROUTES gathers the routes of the
// branch screens (main.js routes through it).
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.js";
import { t } from "../i18n.js";
import * as store from "../store.js";
import { Problem } from "../ui.js";
import { formatWhen, secretaryBranches } from "./branch_parts.js";
import { MeetingScreen } from "./meeting.js";
import { NewMeeting } from "./meeting_secretary.js";
import { Notifications } from "./notifications.js";
import { CommitteeRequests } from "./requests.js";
import { Roll } from "./roll.js";
import { BranchTasks, MyTasks } from "./tasks.js";
import { MembersOnly } from "./study.js";

const KEPT = "branchMeetings";

/** Whether the member holds an office above a branch (a committee that decides requests). */
const onCommittee = (session) => (session?.user?.committee_roles || [])
  .some((office) => office.unit.level !== "branch");
const LIVE = ["draft", "published"];

/** Upcoming (announced or draft, soonest first), then the rest (latest first). */
export function inOrder(meetings) {
  const live = meetings.filter((meeting) => LIVE.includes(meeting.state));
  const done = meetings.filter((meeting) => !LIVE.includes(meeting.state));
  live.sort((a, b) => a.starts_at.localeCompare(b.starts_at));
  return [live, done];
}

function MeetingRow({ meeting }) {
  const facts = [
    formatWhen(meeting.starts_at),
    meeting.place,
    meeting.branch.name,
    t(`meetingState_${meeting.state}`),
    meeting.my_rsvp && t(`answer_${meeting.my_rsvp}`),
  ];
  return html`<li class="item"><a href=${`#/hop/${meeting.id}`} data-testid="meeting-link">
    <span class="item-text"><span class="item-title">${meeting.title}</span>
      <span class="item-meta">${facts.filter(Boolean).join(" · ")}</span></span></a></li>`;
}

function MeetingList({ title, meetings }) {
  if (!meetings.length) return null;
  return html`<h2>${title}</h2><ul class="items">
    ${meetings.map((meeting) => html`<${MeetingRow} key=${meeting.id} meeting=${meeting} />`)}</ul>`;
}

function BranchHome({ session }) {
  const [meetings, setMeetings] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    request("/api/meetings/")
      .then((found) => {
        setMeetings(found);
        store.put(KEPT, found);
      })
      .catch(async (problem) => {
        // Offline: the list last seen on this phone.
        const kept = await store.get(KEPT);
        if (kept) setMeetings(kept);
        else setError(problem);
      });
  }, []);

  const [live, done] = inOrder(meetings || []);
  return html`<section>
    <h1>${t("branch")}</h1>
    <p><a class="button" href="#/thong-bao">${t("notifications")}</a>
      <a class="button" href="#/viec">${t("myTasks")}</a></p>
    ${secretaryBranches(session).map((unit) => html`<div class="notice" key=${unit.id}>
      <strong>${t("secretaryOf", { branch: unit.name })}</strong><br />
      <a class="button primary" href=${`#/hop-moi/${unit.id}`}>${t("newMeeting")}</a>
      <a class="button" href=${`#/dang-vien/${unit.id}`}>${t("rollTitle")}</a>
      <a class="button" href=${`#/giao-viec/${unit.id}`}>${t("assignTask")}</a></div>`)}
    ${onCommittee(session) && html`<p><a class="button" href="#/de-nghi">${t("committeeRequests")}</a></p>`}
    <${Problem} error=${error} />
    ${meetings === null && !error && html`<p>${t("loading")}</p>`}
    ${meetings && !meetings.length && html`<p class="empty">${t("nothingHere")}</p>`}
    <${MeetingList} title=${t("upcoming")} meetings=${live} />
    <${MeetingList} title=${t("past")} meetings=${done} />
  </section>`;
}

const membersOnly = (screen) => (props) => html`<${MembersOnly} session=${props.session}>
  ${screen(props)}</${MembersOnly}>`;

export const BRANCH_ROUTES = {
  "chi-bo": membersOnly(({ session }) => html`<${BranchHome} session=${session} />`),
  hop: membersOnly(({ id, session }) => html`<${MeetingScreen} key=${id} id=${id} session=${session} />`),
  "hop-moi": membersOnly(({ id }) => html`<${NewMeeting} key=${id} branch=${id} />`),
  viec: membersOnly(({ id }) => html`<${MyTasks} key=${id || "all"} focus=${id} />`),
  "giao-viec": membersOnly(({ id }) => html`<${BranchTasks} key=${id} branch=${id} />`),
  "dang-vien": membersOnly(({ id }) => html`<${Roll} key=${id} branch=${id} />`),
  "thong-bao": membersOnly(() => html`<${Notifications} />`),
  "de-nghi": membersOnly(() => html`<${CommitteeRequests} />`),
};
