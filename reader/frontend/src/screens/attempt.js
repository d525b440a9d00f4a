// An attempt in progress: the server's deadline as a countdown, answers
// autosaved (on the phone at once, to the server after a pause; offline they
// wait in the outbox), and submission with ONE key kept for the attempt, so a
// retry after a lost answer is the same submission, never a second one.
import { html } from "htm/preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, newKey, request } from "../api.js";
import { t } from "../i18n.js";
import * as store from "../store.js";
import { Problem } from "../ui.js";

const SAVE_AFTER_MS = 1200;
const SUBMIT_TRIES = 4;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const localName = (id) => `attempt-${id}`;
const outboxKey = (id) => `answers-${id}`;

/** Milliseconds left before `deadline`, on the server's clock. */
function useTimeLeft(deadline, serverTime) {
  const offset = useMemo(() => Date.parse(serverTime) - Date.now(), [serverTime]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Date.parse(deadline) - (now + offset));
}

export function clock(ms) {
  const seconds = Math.ceil(ms / 1000);
  const two = (n) => String(n).padStart(2, "0");
  const hours = Math.floor(seconds / 3600);
  const rest = `${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
  return hours ? `${hours}:${rest}` : rest;
}

function fromServer(questions) {
  return Object.fromEntries(questions.filter((q) => q.chosen?.length).map((q) => [String(q.id), q.chosen]));
}

export function Attempt({ attempt, onSubmitted }) {
  const [answers, setAnswers] = useState(() => fromServer(attempt.questions || []));
  const [key, setKey] = useState(null);
  const [saveState, setSaveState] = useState("");
  const [submitting, setSubmitting] = useState(false);
  const [failed, setFailed] = useState(false);
  const [error, setError] = useState(null);
  const timer = useRef(null);
  const sentOnce = useRef(false);
  const left = useTimeLeft(attempt.deadline, attempt.server_time);

  // The phone's copy (answers not yet on the server, and the submission key) survives a reload.
  useEffect(() => {
    store.get(localName(attempt.id)).then(async (kept) => {
      const record = kept || { answers: {}, key: newKey() };
      if (!kept) await store.put(localName(attempt.id), record);
      setKey(record.key);
      setAnswers((server) => ({ ...server, ...record.answers }));
    });
    return () => clearTimeout(timer.current);
  }, [attempt.id]);

  async function saveToServer(next) {
    const path = `/api/attempts/${attempt.id}/`;
    setSaveState("saving");
    try {
      await request(path, { method: "PUT", body: { answers: next } });
      await store.dequeue(outboxKey(attempt.id));
      setSaveState("saved");
    } catch (problem) {
      if (problem instanceof ApiError) {
        setError(problem);
        setSaveState("");
        return;
      }
      // Offline: the latest answers wait in the outbox (one entry per attempt).
      await store.enqueue({ key: outboxKey(attempt.id), path, method: "PUT", body: { answers: next }, at: Date.now() });
      setSaveState("queued");
    }
  }

  // One right choice: a radio button replaces the choice; several: checkboxes add up.
  function choose(question, choice, checked, multiple) {
    const id = String(question);
    const chosen = new Set(multiple ? answers[id] || [] : []);
    if (checked) chosen.add(choice);
    else chosen.delete(choice);
    const next = { ...answers, [id]: [...chosen] };
    setAnswers(next);
    if (key) store.put(localName(attempt.id), { answers: next, key });
    clearTimeout(timer.current);
    timer.current = setTimeout(() => saveToServer(next), SAVE_AFTER_MS);
  }

  async function submit() {
    if (!key || submitting) return;
    clearTimeout(timer.current);
    setSubmitting(true);
    setFailed(false);
    setError(null);
    const body = { answers, key };
    for (let round = 0; round < SUBMIT_TRIES; round += 1) {
      try {
        const result = await request(`/api/attempts/${attempt.id}/submit/`, {
          method: "POST",
          body,
          headers: { "Idempotency-Key": key },
        });
        await store.dequeue(outboxKey(attempt.id));
        await store.remove(localName(attempt.id));
        onSubmitted(result);
        return;
      } catch (problem) {
        if (problem instanceof ApiError) {
          setError(problem);
          setSubmitting(false);
          return;
        }
        // The answer was lost on the way: the same key again is the same submission.
        await pause(1000 * 2 ** round);
      }
    }
    setSubmitting(false);
    setFailed(true);
  }

  // Time up: hand in what is there (the server allows a short grace).
  useEffect(() => {
    if (left === 0 && key && !sentOnce.current) {
      sentOnce.current = true;
      submit();
    }
  }, [left === 0, key]);

  const questions = attempt.questions || [];
  const unanswered = questions.filter((q) => !answers[String(q.id)]?.length).length;
  return html`<form class="attempt" onSubmit=${(event) => { event.preventDefault(); submit(); }}>
    <p class="countdown" role="timer" aria-live="off" data-testid="countdown">
      ${t("timeLeft", { time: clock(left) })}</p>
    <ol class="questions">${questions.map((question) => html`<li class="question" key=${question.id}>
      <fieldset><legend>${t("questionNumber", { number: question.number })}. ${question.text}
        <span class="hint"> (${t(question.multiple ? "tickAll" : "tickOne")})</span></legend>
        ${question.choices.map((choice) => html`<label class="check choice" key=${choice.id}>
          <input type=${question.multiple ? "checkbox" : "radio"} name=${`q${question.id}`} value=${choice.id}
            checked=${(answers[String(question.id)] || []).includes(choice.id)}
            onChange=${(event) => choose(question.id, choice.id, event.target.checked, question.multiple)} />
          ${choice.text}</label>`)}
      </fieldset></li>`)}</ol>
    <p class="save-state" role="status" data-testid="save-state">${saveState === "saved" ? t("answersSaved")
      : saveState === "queued" ? t("queued") : ""}</p>
    ${unanswered > 0 && html`<p class="hint">${t("unanswered", { count: unanswered })}</p>`}
    <${Problem} error=${error} />
    ${failed && html`<p class="problem" role="alert">${t("submitFailed")}</p>`}
    <button type="submit" class="wide primary" disabled=${submitting || !key} data-testid="submit">
      ${submitting ? t("submitting") : failed ? t("submitAgain") : t("submit")}</button>
  </form>`;
}
