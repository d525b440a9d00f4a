// A meeting (#/hop/<id>): time, place, agenda, guidance (with Listen),
// materials (pages open in the app, files download), my answer to the notice
// (attending, or absent with a reason: sent through the outbox when
// offline), and during the meeting its votes: approve, reject or abstain, or
// why the member may not vote. Once held: minutes, resolution, results and
// the rating; the committee above rates it here. The secretary's tools are in
// meeting_secretary.js. The last meetings opened read offline.
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { request, send } from "../api.js";
import { t } from "../i18n.js";
import { Listen } from "../listen.js";
import * as store from "../store.js";
import { Problem } from "../ui.js";
import { Note, downloadWithToken, formatWhen } from "./branch_parts.js";
import { SecretaryPanel } from "./meeting_secretary.js";

const POLL_MS = 20_000;
const KEPT = "branchMeetingDetails";
const KEEP_AT_MOST = 10;
const CHOICES = ["approve", "reject", "abstain"];
const GRADES = ["tot", "kha", "trung_binh", "kem"];

function Materials({ meeting }) {
  const [error, setError] = useState(null);
  if (!meeting.materials.length) return null;
  return html`<h2>${t("materials")}</h2><${Problem} error=${error} /><ul class="items">
    ${meeting.materials.map((material) => html`<li class="item" key=${material.id}>${material.page
      ? html`<a href=${`#/muc/${material.page}`} data-testid="material">
          <span class="item-title">${material.title}</span></a>`
      : html`<a href=${material.url} data-testid="material" onClick=${(event) => {
          event.preventDefault();
          downloadWithToken(material.url, material.file).catch(setError);
        }}><span class="item-text"><span class="item-title">${material.title}</span>
          <span class="item-meta">${t("download")} · ${material.file}</span></span></a>`}</li>`)}</ul>`;
}

function Answer({ meeting, onAnswered }) {
  const [absent, setAbsent] = useState(false);
  const [reason, setReason] = useState(meeting.my_reason || "");
  const [note, setNote] = useState("");
  const [error, setError] = useState(null);

  async function answer(value) {
    setError(null);
    try {
      const body = value === "absent" ? { answer: value, reason: reason.trim() } : { answer: value };
      const sent = await send(`/api/meetings/${meeting.id}/rsvp/`, body);
      setNote(sent ? "" : t("queued"));
      setAbsent(false);
      onAnswered({ my_rsvp: value, my_reason: body.reason || "" });
    } catch (problem) {
      setError(problem);
    }
  }

  const given = meeting.my_rsvp && (meeting.my_rsvp === "attending"
    ? t("answered_attending") : t("answered_absent", { reason: meeting.my_reason }));
  return html`<section class="answer"><h2>${t("yourAnswer")}</h2>
    ${given && html`<p class="progress" data-testid="my-answer">✓ ${given}</p>`}
    <${Note} text=${note} /><${Problem} error=${error} />
    <button class="primary" onClick=${() => answer("attending")}>${t("attending")}</button>
    <button onClick=${() => setAbsent(true)}>${t("absent")}</button>
    ${absent && html`<form onSubmit=${(event) => { event.preventDefault(); answer("absent"); }}>
      <label class="field" for="absent-reason">${t("absentReason")}
        <textarea id="absent-reason" rows="2" value=${reason}
          onInput=${(event) => setReason(event.target.value)}></textarea></label>
      <button type="submit" disabled=${!reason.trim()}>${t("sendAbsence")}</button></form>`}
  </section>`;
}

/** Why this member may not vote, in words; null when they may. */
function noVoteReason(meeting, session) {
  const user = session?.user;
  if (user?.branch && user.branch.id !== meeting.branch.id) return t("noVoteResidence");
  if (user?.status === "probationary") return t("noVoteProbationary");
  if (meeting.my_attendance !== "present") return t("noVoteAbsent");
  return null;
}

function Result({ result }) {
  const verdict = !result.quorum_met ? t("noQuorum") : result.passed ? t("passed") : t("notPassed");
  return html`<p data-testid="vote-result">${t("result", result)}<br /><strong>${verdict}</strong></p>`;
}

function VoteCard({ vote, meeting, session, onChange }) {
  const [error, setError] = useState(null);
  const item = meeting.agenda.find((entry) => entry.id === vote.agenda_item);
  const open = vote.state === "open";

  async function cast(choice) {
    setError(null);
    try {
      // A ballot needs the network: it counts once, and only during the meeting.
      await request(`/api/meetings/${meeting.id}/votes/${vote.id}/ballot/`, { method: "POST", body: { choice } });
      onChange();
    } catch (problem) {
      setError(problem);
    }
  }

  const reason = !vote.can_vote && !vote.i_voted && open && noVoteReason(meeting, session);
  return html`<li class="vote" data-testid="vote">
    <p class="item-title">${vote.question}</p>
    <p class="item-meta">${[item?.title, vote.secret ? t("secretVote") : t("openVote"),
      open ? t("voteOpen") : t("voteClosed"), t("votedSoFar", { count: vote.voted })].filter(Boolean).join(" · ")}</p>
    <${Problem} error=${error} />
    ${vote.can_vote && html`<div role="group" aria-label=${vote.question}>${CHOICES.map((choice) => html`
      <button class=${choice === "approve" ? "primary" : ""} onClick=${() => cast(choice)}>${t(`choice_${choice}`)}</button>`)}</div>`}
    ${vote.i_voted && html`<p class="progress">✓ ${vote.my_choice
      ? t("youVotedFor", { choice: t(`choice_${vote.my_choice}`) }) : t("youVoted")}</p>`}
    ${reason && html`<p class="notice" data-testid="no-vote">${reason}</p>`}
    ${vote.result && html`<${Result} result=${vote.result} />`}
  </li>`;
}

function Rate({ meeting, onRated }) {
  const [grade, setGrade] = useState(meeting.rating?.grade || "");
  const [comment, setComment] = useState(meeting.rating?.comment || "");
  const [error, setError] = useState(null);

  async function rate(event) {
    event.preventDefault();
    setError(null);
    try {
      await request(`/api/meetings/${meeting.id}/rating/`, { method: "POST", body: { grade, comment } });
      onRated();
    } catch (problem) {
      setError(problem);
    }
  }

  return html`<form onSubmit=${rate}><fieldset><legend>${t("rating")}</legend>
    ${GRADES.map((value) => html`<label class="check"><input type="radio" name="grade" value=${value}
      checked=${grade === value} onChange=${() => setGrade(value)} /> ${t(`grade_${value}`)}</label>`)}
    <label class="field" for="rating-comment">${t("comment")}
      <textarea id="rating-comment" rows="3" value=${comment}
        onInput=${(event) => setComment(event.target.value)}></textarea></label>
    <${Problem} error=${error} />
    <button type="submit" class="primary" disabled=${!grade}>${t("rate")}</button></fieldset></form>`;
}

/** The last meetings opened stay on the phone (IndexedDB) for reading offline. */
async function keep(meeting) {
  const kept = await store.get(KEPT, {});
  kept[meeting.id] = meeting;
  const ids = Object.keys(kept).sort((a, b) => Number(b) - Number(a)).slice(0, KEEP_AT_MOST);
  await store.put(KEPT, Object.fromEntries(ids.map((key) => [key, kept[key]])));
}

function spoken(meeting) {
  return [meeting.title, formatWhen(meeting.starts_at), meeting.place,
    ...meeting.agenda.map((item) => item.title), meeting.guidance,
    meeting.state === "held" && meeting.minutes, meeting.state === "held" && meeting.resolution]
    .filter(Boolean).join(". ");
}

export function MeetingScreen({ id, session }) {
  const [meeting, setMeeting] = useState(null);
  const [error, setError] = useState(null);
  const announced = useRef(false);

  async function load() {
    try {
      const fresh = await request(`/api/meetings/${id}/`);
      announced.current = fresh.state === "published";
      setMeeting(fresh);
      setError(null);
      keep(fresh);
    } catch (problem) {
      // Offline (in the meeting hall): the meeting as last seen on this phone.
      const kept = (await store.get(KEPT, {}))[id];
      if (kept && !problem.status) setMeeting(kept);
      setError(problem);
    }
  }

  useEffect(() => {
    load();
    // During an announced meeting a vote may open: the screen asks again now and then.
    const timer = setInterval(() => {
      if (announced.current && document.visibilityState === "visible" && navigator.onLine) load();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [id]);

  if (error && !meeting) return html`<${Problem} error=${error} />`;
  if (!meeting) return html`<p>${t("loading")}</p>`;
  const onRoll = meeting.can_answer;
  return html`<article class="detail" data-state=${meeting.state}>
    <p class="item-meta">${t(`kind_${meeting.kind}`)} · ${meeting.branch.name}</p>
    <h1>${meeting.title}</h1>
    <p class="progress" data-testid="meeting-state">${t(`meetingState_${meeting.state}`)}</p>
    <dl class="facts"><dt>${t("when")}</dt><dd>${formatWhen(meeting.starts_at)}</dd>
      <dt>${t("place")}</dt><dd>${meeting.place}</dd>
      ${meeting.my_attendance && html`<dt>${t("takeAttendance")}</dt>
        <dd data-testid="my-attendance">${t(`attendance_${meeting.my_attendance}`)}</dd>`}</dl>
    <${Listen} title=${meeting.title} text=${spoken(meeting)} />
    ${meeting.agenda.length > 0 && html`<h2>${t("agenda")}</h2><ol>
      ${meeting.agenda.map((item) => html`<li key=${item.id}>${item.title}</li>`)}</ol>`}
    ${meeting.guidance && html`<h2>${t("guidance")}</h2><p class="plain">${meeting.guidance}</p>`}
    <${Materials} meeting=${meeting} />
    ${onRoll && html`<${Answer} meeting=${meeting}
      onAnswered=${(change) => {
        const next = { ...meeting, ...change };
        setMeeting(next);
        keep(next);
      }} />`}
    ${meeting.votes.length > 0 && html`<h2>${t("votes")}</h2>
      <button class="link" onClick=${load}>${t("refreshMeeting")}</button>
      <ul class="items">${meeting.votes.map((vote) => html`<${VoteCard} key=${vote.id} vote=${vote}
        meeting=${meeting} session=${session} onChange=${load} />`)}</ul>`}
    ${meeting.state === "held" && html`<h2>${t("minutesTitle")}</h2>
      <p class="plain" data-testid="minutes">${meeting.minutes}</p>
      ${meeting.resolution && html`<h2>${t("resolution")}</h2><p class="plain">${meeting.resolution}</p>`}`}
    ${meeting.rating && html`<p class="notice" data-testid="rating">${t("rating")}:
      <strong>${t(`grade_${meeting.rating.grade}`)}</strong>
      ${meeting.rating.comment && html` · ${meeting.rating.comment}`}</p>`}
    ${meeting.can_rate && html`<${Rate} meeting=${meeting} onRated=${load} />`}
    ${meeting.is_secretary && html`<${SecretaryPanel} meeting=${meeting} onChange=${setMeeting} />`}
  </article>`;
}
