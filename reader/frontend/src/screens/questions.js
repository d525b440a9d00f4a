// Questions (#/hoi-dap): as the member types, the ready answers that match
// come first; then the question may go to their board. My questions show
// their status and the board's reply. The typed draft stays on the phone
// (IndexedDB) through a reload or an expired sign-in. A ready answer in full
// is at #/tra-loi/<id>.
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { request, send } from "../api.js";
import { t } from "../i18n.js";
import { Listen } from "../listen.js";
import * as store from "../store.js";
import { Problem, RichText, formatDate } from "../ui.js";

const SEARCH_AFTER_MS = 500;
const DRAFT = "questionDraft";
// Words of asking that ready answers rarely contain ("how", "is it", "comrade"...):
// search asks for every word, so they are left out of the query.
const ASKING_WORDS = new Set([
  "thế", "nào", "như", "có", "không", "là", "gì", "ạ", "à", "hả", "sao", "vậy", "được", "chưa",
  "xin", "hỏi", "cho", "tôi", "em", "đồng", "chí", "bao", "nhiêu", "khi", "ai", "đâu", "nếu",
  "thì", "của", "và", "với", "phải", "nên",
]);

function searchWords(text) {
  const words = text.toLowerCase().replace(/[?!.,;:]/g, " ").split(/\s+/).filter(Boolean);
  const kept = words.filter((word) => !ASKING_WORDS.has(word));
  return (kept.length ? kept : words).join(" ");
}

function ReadyAnswers({ found }) {
  if (found === null) return null;
  return html`<section data-testid="ready-answers"><h2>${t("readyAnswers")}</h2>
    ${found.length ? html`<ul class="items">${found.map((result) => html`<li class="item" key=${result.id}>
      <a href=${`#/tra-loi/${result.id}`} data-testid="ready-answer"><span class="item-text">
        <span class="item-title">${result.title}</span>
        <${RichText} className="highlight item-meta" value=${result.highlight} /></span></a></li>`)}</ul>`
      : html`<p class="empty">${t("noReadyAnswers")}</p>`}
  </section>`;
}

function MyQuestions({ questions }) {
  if (!questions?.length) return null;
  return html`<section data-testid="my-questions"><h2>${t("myQuestions")}</h2><ul class="items">
    ${questions.map((question) => html`<li class="item my-question" key=${question.id}>
      <p class="item-title">${question.text}</p>
      <p class="item-meta">${t("askedOn", { date: formatDate(question.asked_at) })} ·
        <strong data-testid="question-status">${t(`questionStatus_${question.status}`)}</strong></p>
      ${question.answer && html`<div class="reply"><strong>${t("reply")}:</strong>
        <p>${question.answer}</p></div>`}
    </li>`)}</ul></section>`;
}

export function Questions({ session }) {
  const [text, setText] = useState("");
  const [found, setFound] = useState(null);
  const [mine, setMine] = useState(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState(null);
  const timer = useRef(null);
  const owner = session?.user?.username;

  async function find(words) {
    const query = searchWords(words);
    if (query.length < 3) {
      setFound(null);
      return;
    }
    try {
      const params = new URLSearchParams({ q: query, kind: "answer", page_size: "5" });
      setFound((await request(`/api/search/?${params}`)).results);
    } catch {
      setFound(null);
    }
  }

  function loadMine() {
    request("/api/questions/").then(setMine).catch(() => null);
  }

  useEffect(() => {
    // A draft is the member's own: another member on this phone does not see it.
    store.get(DRAFT).then((draft) => {
      if (draft?.owner === owner && draft.text) {
        setText(draft.text);
        find(draft.text);
      }
    });
    loadMine();
    return () => clearTimeout(timer.current);
  }, [owner]);

  function typed(value) {
    setText(value);
    setNote("");
    store.put(DRAFT, { owner, text: value });
    clearTimeout(timer.current);
    timer.current = setTimeout(() => find(value), SEARCH_AFTER_MS);
  }

  async function ask(event) {
    event.preventDefault();
    if (!text.trim()) return;
    setError(null);
    try {
      const sent = await send("/api/questions/", { text: text.trim() });
      await store.remove(DRAFT);
      setText("");
      setFound(null);
      setNote(sent ? t("questionSent") : t("queued"));
      if (sent) loadMine();
    } catch (problem) {
      setError(problem);
    }
  }

  return html`<section>
    <h1>${t("questions")}</h1>
    <form class="ask" onSubmit=${ask}>
      <label class="field" for="question">${t("askPlaceholder")}
        <textarea id="question" rows="4" value=${text} placeholder=${t("askPlaceholder")}
          onInput=${(event) => typed(event.target.value)}></textarea></label>
      <${ReadyAnswers} found=${found} />
      <${Problem} error=${error} />
      <button type="submit" class="wide primary" disabled=${!text.trim()} data-testid="send-question">
        ${t("sendQuestion")}</button>
    </form>
    ${note && html`<p class="notice" role="status">${note}</p>`}
    <${MyQuestions} questions=${mine} />
  </section>`;
}

export function Answer({ id }) {
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    request(`/api/answers/${id}/`).then(setAnswer).catch(setError);
  }, [id]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!answer) return html`<p>${t("loading")}</p>`;
  const box = document.createElement("div");
  box.innerHTML = answer.answer || "";
  return html`<article class="detail">
    <p class="item-meta">${[answer.category_label, answer.unit?.name].filter(Boolean).join(" · ")}</p>
    <h1>${answer.question}</h1>
    <${Listen} title=${answer.question} text=${box.textContent.replace(/\s+/g, " ").trim()} />
    <${RichText} value=${answer.answer} />
    <p><a class="button" href="#/hoi-dap">${t("questions")}</a></p>
  </article>`;
}
