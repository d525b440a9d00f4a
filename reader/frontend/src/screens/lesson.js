// One lesson (#/bai-hoc/<id>): text, images and a Listen button. Opening it
// is recorded, and so is reaching its end (an IntersectionObserver on a
// marker after the text): the study report counts lessons read. Both go
// through send(), so offline they wait in the outbox and are sent once when
// the network returns.
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { request, send } from "../api.js";
import { t } from "../i18n.js";
import { Listen } from "../listen.js";
import * as store from "../store.js";
import { Body, Problem, plainText } from "../ui.js";

// The module last opened and its lessons in order: where "next" and "back" lead.
let openModule = { id: null, lessons: [] };

export function rememberModule(id, lessonIds) {
  openModule = { id, lessons: lessonIds };
}

/** Calls `reached` once, when `marker` comes into view. */
function useReachedEnd(marker, ready, reached) {
  useEffect(() => {
    if (!ready || !marker.current) return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        observer.disconnect();
        reached();
      }
    });
    observer.observe(marker.current);
    return () => observer.disconnect();
  }, [ready]);
}

export function Lesson({ id }) {
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState(null);
  const [finished, setFinished] = useState("");
  const end = useRef(null);
  const completing = useRef(false);

  useEffect(() => {
    request(`/api/v2/pages/${id}/`)
      .then((data) => {
        setDetail(data);
        store.markRead(data.id);
        send(`/api/study/lessons/${id}/open/`).catch(() => null);
      })
      .catch(setError);
  }, [id]);

  // Read to the end, or listened to the end: the lesson counts as read, once.
  async function complete() {
    if (completing.current) return;
    completing.current = true;
    try {
      const sent = await send(`/api/study/lessons/${id}/complete/`);
      setFinished(sent ? "sent" : "queued");
    } catch (problem) {
      setError(problem);
    }
  }

  useReachedEnd(end, Boolean(detail), complete);

  if (error && !detail) return html`<${Problem} error=${error} />`;
  if (!detail) return html`<p>${t("loading")}</p>`;
  // The detail names its module and next lesson (opened from search or a link);
  // the module last opened still leads on from a copy kept before that.
  const place = openModule.lessons.indexOf(detail.id);
  const next = detail.next_lesson !== undefined ? detail.next_lesson
    : place >= 0 ? openModule.lessons[place + 1] : undefined;
  const moduleId = detail.module?.id ?? openModule.id;

  return html`<article class="detail lesson">
    <p class="item-meta">${detail.module && html`<a href=${`#/chuyen-de/${detail.module.id}`}>${detail.module.title}</a> · `}
      ${t("minutes", { count: detail.estimated_minutes })}</p>
    <h1>${detail.title}</h1>
    <${Listen} title=${detail.title} audio=${detail.audio} text=${plainText(detail)}
      onEnded=${complete} />
    ${detail.summary && html`<p class="lead">${detail.summary}</p>`}
    <${Body} blocks=${detail.body} />
    <p class="lesson-end" ref=${end} data-testid="lesson-end">— ${t("lessonEnd")} —</p>
    <${Problem} error=${error} />
    ${finished && html`<p class="notice" role="status" data-testid="lesson-finished">
      ✓ ${t("lessonRead")}${finished === "queued" ? ` · ${t("queued")}` : ""}</p>`}
    <p>
      ${next && html`<a class="button primary" href=${`#/bai-hoc/${next}`}
        data-testid="next-lesson">${t("nextLesson")}</a>`}
      ${moduleId && html`<a class="button" href=${`#/chuyen-de/${moduleId}`}>${t("backToModule")}</a>`}
    </p>
  </article>`;
}
