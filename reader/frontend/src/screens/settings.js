// Text size in three steps, a high-contrast theme and the language, remembered.
import { html } from "htm/preact";
import { t } from "../i18n.js";

const SIZES = [["normal", "sizeNormal"], ["large", "sizeLarge"], ["largest", "sizeLargest"]];

export function Settings({ settings, onChange, session, onSignOut }) {
  return html`<section>
    <h1>${t("settings")}</h1>
    <fieldset><legend>${t("textSize")}</legend>
      ${SIZES.map(([value, label]) => html`<button aria-pressed=${settings.size === value}
        data-size=${value} onClick=${() => onChange({ size: value })}>${t(label)}</button>`)}
    </fieldset>
    <fieldset><legend>${t("contrast")}</legend>
      <label class="check"><input type="checkbox" checked=${settings.contrast}
        onChange=${(event) => onChange({ contrast: event.target.checked })} /> ${t("contrast")}</label>
    </fieldset>
    <fieldset><legend>${t("language")}</legend>
      <button aria-pressed=${settings.language === "vi"} onClick=${() => onChange({ language: "vi" })}>Tiếng Việt</button>
      <button aria-pressed=${settings.language === "en"} onClick=${() => onChange({ language: "en" })}>English</button>
    </fieldset>
    ${session && html`<p>${t("signedInAs", { name: session.user.full_name || session.user.username })}</p>
      <button class="wide" onClick=${onSignOut}>${t("signOut")}</button>`}
  </section>`;
}
