// Quizzes: the open ones (shown on #/hoc-tap), and one quiz (#/thi/<id>):
// my standing, starting an attempt, the attempt itself (screens/attempt.js),
// then the score, the corrections when allowed and, for a contest, the
// ranking by unit (the member's unit highlighted) and of the members.
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.js";
import { t } from "../i18n.js";
import { Problem, RichText, TYPES } from "../ui.js";
import { Attempt } from "./attempt.js";

const QUIZ_FIELDS = "opens_at,closes_at,time_limit_minutes,is_contest,question_count";

/** A moment in the phone's own time zone: dd/mm/yyyy hh:mm. */
export function formatMoment(iso) {
  if (!iso) return "";
  const moment = new Date(iso);
  const two = (n) => String(n).padStart(2, "0");
  return `${two(moment.getDate())}/${two(moment.getMonth() + 1)}/${moment.getFullYear()} `
    + `${two(moment.getHours())}:${two(moment.getMinutes())}`;
}

function isOpen(quiz, now = Date.now()) {
  return (!quiz.opens_at || Date.parse(quiz.opens_at) <= now)
    && (!quiz.closes_at || Date.parse(quiz.closes_at) > now);
}

export function OpenQuizzes() {
  const [quizzes, setQuizzes] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    request(`/api/v2/pages/?type=${TYPES.quiz}&fields=${QUIZ_FIELDS}&limit=50`)
      .then((listing) => setQuizzes(listing.items.filter((quiz) => isOpen(quiz))))
      .catch(setError);
  }, []);
  return html`<section data-testid="open-quizzes">
    <h2>${t("openQuizzes")}</h2>
    <${Problem} error=${error} />
    ${quizzes && (quizzes.length ? html`<ul class="items">${quizzes.map((quiz) => html`<li class="item" key=${quiz.id}>
      <a href=${`#/thi/${quiz.id}`} data-testid="quiz-link"><span class="item-text">
        <span class="item-title">${quiz.is_contest && html`<span class="badge">${t("contest")}</span> `}${quiz.title}</span>
        <span class="item-meta">${[
          t("questionCount", { count: quiz.question_count }),
          t("minutes", { count: quiz.time_limit_minutes }),
          quiz.closes_at && t("closesAt", { date: formatMoment(quiz.closes_at) }),
        ].filter(Boolean).join(" · ")}</span></span></a></li>`)}</ul>`
      : html`<p class="empty">${t("nothingHere")}</p>`)}
  </section>`;
}

export function Corrections({ items }) {
  return html`<section data-testid="corrections"><h2>${t("corrections")}</h2><ol class="questions">
    ${items.map((item) => html`<li class="question" key=${item.id}>
      <p class="question-text">${item.text}
        <strong class=${item.scored ? "right" : "wrong"}> · ${item.scored ? `✓ ${t("right")}` : `✗ ${t("wrong")}`}</strong></p>
      <ul class="choices">${item.choices.map((choice) => html`<li key=${choice.id}
        class=${choice.is_correct ? "correct" : ""}>
        ${choice.is_correct ? "✓" : "·"} ${choice.text}
        ${choice.is_correct && html` <em>(${t("correctChoice")})</em>`}
        ${choice.chosen && html` <em>(${t("yourChoice")})</em>`}</li>`)}</ul>
      ${item.explanation && html`<p class="explanation"><strong>${t("explanation")}:</strong> ${item.explanation}</p>`}
    </li>`)}
  </ol></section>`;
}

function Score({ attempt }) {
  return html`<p class="score" data-testid="score" role="status">
    ${t("score", { score: attempt.score ?? 0, max: attempt.max_score })}
    ${attempt.passed !== null && ` · ${attempt.passed ? t("quizPassed") : t("quizNotPassed")}`}
    ${attempt.expired && ` · ${t("timeRanOut")}`}</p>`;
}

function Ranking({ quizId }) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    request(`/api/quizzes/${quizId}/ranking/`).then((data) => setItems(data.items)).catch(setError);
  }, [quizId]);
  return html`<section data-testid="ranking"><h2>${t("memberRanking")}</h2>
    <${Problem} error=${error} />
    ${items && (items.length ? html`<ol class="ranking">${items.map((entry) => html`<li key=${entry.rank + entry.name}>
      <strong>${entry.rank}. ${entry.name}</strong> · ${entry.branch}
      · ${entry.score}/${entry.max_score}</li>`)}</ol>` : html`<p class="empty">${t("nothingHere")}</p>`)}
  </section>`;
}

/** The member's branch and the units above it (from /api/auth/me/). */
function myUnitIds(session) {
  const user = session?.user || {};
  return new Set([user.branch?.id, ...(user.units || []).map((unit) => unit.id)].filter(Boolean));
}

function UnitRow({ row, max, mine, onOpen }) {
  const name = row.direct ? t("directMembers", { name: row.unit.name }) : row.unit.name;
  return html`<li class=${mine ? "mine" : ""} aria-current=${mine ? "true" : undefined}>
    <strong>${row.rank ? `${row.rank}. ` : "– "}</strong>
    ${row.direct ? html`<strong>${name}</strong>`
      : html`<button class="link" onClick=${() => onOpen(row.unit)}><strong>${name}</strong></button>`}
    ${mine && html` <em>(${t("myUnit")})</em>`}
    <br />${t("participants", { count: row.participants, members: row.members })}
    ${row.average_score !== null && ` · ${t("averageScore", { score: row.average_score.toFixed(1), max })}`}</li>`;
}

/** A contest's ranking by unit: the units below the quiz's unit (the member's
 * own highlighted); a unit opens the ranking of the units below it. */
function UnitRanking({ quizId, session }) {
  const [trail, setTrail] = useState([]);
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const unit = trail[trail.length - 1];
  useEffect(() => {
    setError(null);
    request(`/api/quizzes/${quizId}/unit-ranking/${unit ? `?unit=${unit.id}` : ""}`)
      .then(setData).catch(setError);
  }, [quizId, unit?.id]);
  const mine = myUnitIds(session);
  return html`<section data-testid="unit-ranking"><h2>${t("unitRanking")}</h2>
    <${Problem} error=${error} />
    ${data && html`<p class="item-meta">${t("unitsBelow", { name: data.unit.name })}</p>
      ${data.items.length ? html`<ol class="ranking">${data.items.map((row) => html`<${UnitRow}
        key=${row.unit.id + (row.direct ? "d" : "")} row=${row} max=${data.max_score}
        mine=${!row.direct && mine.has(row.unit.id)}
        onOpen=${(next) => setTrail([...trail, next])} />`)}</ol>`
        : html`<p class="empty">${t("nothingHere")}</p>`}`}
    ${trail.length > 0 && html`<button class="link" onClick=${() => setTrail(trail.slice(0, -1))}>
      ${t("unitsUp")}</button>`}
  </section>`;
}

function PastAttempt({ attempt }) {
  const [corrections, setCorrections] = useState(null);
  const [error, setError] = useState(null);
  async function show() {
    try {
      setCorrections((await request(`/api/attempts/${attempt.id}/corrections/`)).items);
    } catch (problem) {
      setError(problem);
    }
  }
  return html`<li class="attempt">
    ${t("attemptNumber", { number: attempt.number })}: <${Score} attempt=${attempt} />
    ${!corrections && html`<button onClick=${show}>${t("showCorrections")}</button>`}
    <${Problem} error=${error} />
    ${corrections && html`<${Corrections} items=${corrections} />`}
  </li>`;
}

function Facts({ quiz, standing }) {
  const facts = [
    t("questionCount", { count: quiz.question_count }),
    t("timeLimit", { count: quiz.time_limit_minutes }),
    quiz.pass_mark && t("passMark", { percent: quiz.pass_mark }),
    quiz.closes_at && t("closesAt", { date: formatMoment(quiz.closes_at) }),
    standing && t("attemptsLeft", { left: standing.attempts_left, allowed: standing.attempts_allowed }),
  ];
  return html`<ul class="facts-list">${facts.filter(Boolean).map((fact) => html`<li>${fact}</li>`)}</ul>`;
}

export function QuizScreen({ id, session }) {
  const [quiz, setQuiz] = useState(null);
  const [standing, setStanding] = useState(null);
  const [attempt, setAttempt] = useState(null);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);

  async function load() {
    try {
      const [detail, mine] = await Promise.all([
        request(`/api/v2/pages/${id}/`),
        request(`/api/quizzes/${id}/attempts/`),
      ]);
      setQuiz(detail);
      setStanding(mine);
      if (mine.open_attempt) setAttempt(await request(`/api/attempts/${mine.open_attempt}/`));
    } catch (problem) {
      setError(problem);
    }
  }

  useEffect(() => {
    load();
  }, [id]);

  async function start() {
    setError(null);
    try {
      setAttempt(await request(`/api/quizzes/${id}/attempts/`, { method: "POST" }));
    } catch (problem) {
      setError(problem);
    }
  }

  function submitted(answer) {
    setAttempt(null);
    setResult(answer);
    request(`/api/quizzes/${id}/attempts/`).then(setStanding).catch(() => null);
  }

  if (!quiz) return error ? html`<${Problem} error=${error} />` : html`<p>${t("loading")}</p>`;
  if (attempt) return html`<section><h1>${quiz.title}</h1>
    <${Attempt} key=${attempt.id} attempt=${attempt} onSubmitted=${submitted} /></section>`;
  const past = (standing?.items || []).filter((item) => item.submitted_at && item.id !== result?.id);

  return html`<section class="quiz">
    <h1>${quiz.is_contest && html`<span class="badge">${t("contest")}</span> `}${quiz.title}</h1>
    ${result && html`<section class="result" data-testid="result"><${Score} attempt=${result} />
      ${result.corrections
        ? html`<${Corrections} items=${result.corrections} />`
        : html`<p class="notice">${t("correctionsLater")}</p>`}</section>`}
    <${RichText} value=${quiz.intro} />
    <${Facts} quiz=${quiz} standing=${standing} />
    <${Problem} error=${error} />
    ${standing && standing.status !== "open" && standing.reason && html`<p class="notice" data-testid="standing">
      ${standing.reason}</p>`}
    ${standing?.can_start && html`<button class="wide primary" onClick=${start} data-testid="start">
      ${t("startAttempt")}</button>`}
    ${past.length > 0 && html`<section><h2>${t("myAttempts")}</h2><ul class="attempts">
      ${past.map((item) => html`<${PastAttempt} key=${item.id} attempt=${item} />`)}</ul></section>`}
    ${quiz.is_contest && html`<${UnitRanking} quizId=${id} session=${session} />`}
    ${quiz.is_contest && html`<${Ranking} quizId=${id} />`}
  </section>`;
}
