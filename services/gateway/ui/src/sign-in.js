import { useState } from 'preact/hooks';
import { html } from './html';
import { signIn } from './api';

/**
 * The API token exchanged for a session cookie: the token is posted once and forgotten; the
 * page then holds only the session's CSRF token, in memory.
 */
export function SignIn({ onSignedIn }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    setBusy(true);
    setError(null);
    try {
      const session = await signIn(form.elements.token.value);
      form.reset();
      onSignedIn(session);
    } catch (failure) {
      setError(failure.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<main id="main" class="sign-in">
    <h1>Sign in to Federa</h1>
    <form onSubmit=${submit}>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required />
      <button type="submit" disabled=${busy}>Sign in</button>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    </form>
  </main>`;
}
