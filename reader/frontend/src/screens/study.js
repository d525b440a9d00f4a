// Study: my modules and the open quizzes (#/hoc-tap), one module with its
// lessons and my progress (#/chuyen-de/<id>). Opening a module keeps its
// lessons for offline reading. The routes of the lesson, quiz and question
// screens are gathered here in STUDY_ROUTES (main.js routes through it).
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.js";
import { t } from "../i18n.js";
import { prefetch } from "../offline.js";
import { Problem, RichText, TYPES, formatDate } from "../ui.js";
import { Lesson, rememberModule } from "./lesson.js";
import { Answer, Questions } from "./questions.js";
import { OpenQuizzes, QuizScreen } from "./quiz.js";

const MODULE_FIELDS = "intro,estimated_minutes,opens_on,due_on,final_quiz,lessons_count";

/** Study, quizzes and questions are for members: anyone else is asked to sign in. */
export function MembersOnly({ session, children }) {
  if (session) return children;
  return html`<section><p class="notice">${t("signInToStudy")}</p>
    <a class="button primary" href="#/dang-nhap">${t("signIn")}</a></section>`;
}

function ModuleRow({ module }) {
  const facts = [
    t("lessonsCount", { count: module.lessons_count }),
    t("minutes", { count: module.estimated_minutes }),
    module.due_on && t("dueOn", { date: formatDate(module.due_on) }),
  ];
  return html`<li class="item"><a href=${`#/chuyen-de/${module.id}`} data-testid="module-link">
    <span class="item-text"><span class="item-title">${module.title}</span>
      <span class="item-meta">${facts.filter(Boolean).join(" · ")}</span></span></a></li>`;
}

function StudyHome() {
  const [modules, setModules] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    request(`/api/v2/pages/?type=${TYPES.module}&fields=${MODULE_FIELDS}&limit=50`)
      .then((listing) => setModules(listing.items))
      .catch(setError);
  }, []);

  return html`<section>
    <h1>${t("study")}</h1>
    <h2>${t("myModules")}</h2>
    <${Problem} error=${error} />
    ${modules === null && !error && html`<p>${t("loading")}</p>`}
    ${modules && (modules.length
      ? html`<ul class="items">${modules.map((module) => html`<${ModuleRow} key=${module.id} module=${module} />`)}</ul>`
      : html`<p class="empty">${t("nothingHere")}</p>`)}
    <${OpenQuizzes} />
  </section>`;
}

/** Lessons in the order editors arranged them (the progress lists them so);
 * without progress, oldest first. */
function inOrder(lessons, progress) {
  if (!progress) return [...lessons].reverse();
  const place = new Map(progress.lessons.map((lesson, index) => [lesson.id, index]));
  return [...lessons].sort((a, b) => (place.get(a.id) ?? 1e9) - (place.get(b.id) ?? 1e9));
}

function Module({ id }) {
  const [module, setModule] = useState(null);
  const [lessons, setLessons] = useState([]);
  const [progress, setProgress] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    request(`/api/v2/pages/${id}/`).then(setModule).catch(setError);
    request(`/api/v2/pages/?type=${TYPES.lesson}&child_of=${id}&fields=estimated_minutes&limit=100`)
      .then((listing) => {
        setLessons(listing.items);
        // The open module reads offline: each lesson's detail is kept.
        prefetch(listing.items.map((lesson) => lesson.id));
      })
      .catch(setError);
    request(`/api/study/modules/${id}/progress/`).then(setProgress).catch(() => null);
  }, [id]);

  if (error) return html`<${Problem} error=${error} />`;
  if (!module) return html`<p>${t("loading")}</p>`;
  const states = new Map((progress?.lessons || []).map((lesson) => [lesson.id, lesson]));
  const done = (progress?.lessons || []).filter((lesson) => lesson.completed_at).length;
  const quiz = module.final_quiz;
  const ordered = inOrder(lessons, progress);
  rememberModule(module.id, ordered.map((lesson) => lesson.id));

  return html`<article class="detail">
    <h1>${module.title}</h1>
    <p class="item-meta">${[
      t("minutes", { count: module.estimated_minutes }),
      module.opens_on && t("opensOn", { date: formatDate(module.opens_on) }),
      module.due_on && t("dueOn", { date: formatDate(module.due_on) }),
    ].filter(Boolean).join(" · ")}</p>
    ${progress && html`<p class="progress" data-testid="progress" role="status">
      ${t("progress", { done, total: progress.lessons_total })}
      ${progress.completed_at && html` · ✓ ${t("moduleDone")}`}</p>
      <progress max=${progress.lessons_total || 1} value=${done} aria-hidden="true"></progress>`}
    <${RichText} value=${module.intro} />
    <h2>${t("lessons")}</h2>
    <ol class="items lessons">${ordered.map((lesson) => {
      const state = states.get(lesson.id);
      return html`<li class="item" key=${lesson.id}><a href=${`#/bai-hoc/${lesson.id}`} data-testid="lesson-link">
        <span class="item-text"><span class="item-title">${lesson.title}</span>
        <span class="item-meta">${[
          t("minutes", { count: lesson.estimated_minutes }),
          state?.completed_at && `✓ ${t("lessonRead")}`,
        ].filter(Boolean).join(" · ")}</span></span></a></li>`;
    })}</ol>
    ${quiz && html`<h2>${t("finalQuiz")}</h2>
      <p><a class="button primary" href=${`#/thi/${quiz}`} data-testid="final-quiz">${t("finalQuiz")}</a>
      ${progress?.quiz_passed && html` ✓ ${t("quizPassed")}`}</p>`}
  </article>`;
}

const membersOnly = (screen) => ({ id, session }) => html`<${MembersOnly} session=${session}>
  ${screen({ id, session })}</${MembersOnly}>`;

export const STUDY_ROUTES = {
  "hoc-tap": membersOnly(() => html`<${StudyHome} />`),
  "chuyen-de": membersOnly(({ id }) => html`<${Module} key=${id} id=${id} />`),
  "bai-hoc": membersOnly(({ id }) => html`<${Lesson} key=${id} id=${id} />`),
  thi: membersOnly(({ id, session }) => html`<${QuizScreen} key=${id} id=${id} session=${session} />`),
  "hoi-dap": membersOnly(({ session }) => html`<${Questions} session=${session} />`),
  // A ready answer may be public: anyone may read it.
  "tra-loi": ({ id }) => html`<${Answer} key=${id} id=${id} />`,
};
