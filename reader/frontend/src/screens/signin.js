// Sign in with a password or with a one-time code from the secretary.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { request } from "../api.js";
import { t } from "../i18n.js";

export function SignIn({ onSignedIn, expired }) {
  const [withCode, setWithCode] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    const body = { username: form.get("username"), device: "reader-app" };
    body[withCode ? "code" : "password"] = form.get("secret");
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await request("/api/auth/token/", { method: "POST", body }));
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (name) => error?.fields?.[name]?.join(" ");
  return html`<section class="sign-in">
    <h1>${t("signIn")}</h1>
    ${expired && html`<p class="notice" role="status">${t("sessionExpired")}</p>`}
    <form onSubmit=${submit}>
      <label class="field">${t("username")}
        <input name="username" autocomplete="username" required /></label>
      <label class="field">${withCode ? t("code") : t("password")}
        <input name="secret" type=${withCode ? "text" : "password"} required
          inputmode=${withCode ? "numeric" : "text"}
          autocomplete=${withCode ? "one-time-code" : "current-password"} /></label>
      ${error && html`<p class="problem" role="alert">${fieldError("password") || fieldError("code") || error.message || t("networkError")}</p>`}
      <button type="submit" class="wide primary" disabled=${busy}>${t("signIn")}</button>
    </form>
    <button class="link" onClick=${() => setWithCode(!withCode)}>
      ${withCode ? t("withPassword") : t("withCode")}</button>
  </section>`;
}
