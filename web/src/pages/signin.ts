// Sign-in with an API token. The token is checked with GET /api/v1/me before it is kept, so a
// wrong one is answered here with the server's reason.
import { errorText } from '../api/client';
import { h } from '../lib/dom';
import { signIn, signinMessageText } from '../session';

export function renderSignIn(root: HTMLElement, onSignedIn: () => void): void {
  const token = h('input', {
    id: 'token',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    spellcheck: 'false',
    'data-testid': 'signin-token',
  });
  const message = h('p', { class: 'signin-message', 'data-testid': 'signin-message', role: 'alert' }, signinMessageText());
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'signin-submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'signin card', onSubmit: (e) => void submitForm(e) },
    h('h1', null, 'CSMS operator dashboard'),
    h('label', { for: 'token' }, 'API token'),
    token,
    h('p', { class: 'hint' }, 'The token from the server’s api.tokens setting. It is kept only in this tab until you sign out or close it.'),
    submit,
    message,
  );
  async function submitForm(event: Event): Promise<void> {
    event.preventDefault();
    if (!token.value.trim()) {
      message.textContent = 'Enter an API token.';
      return;
    }
    submit.disabled = true;
    message.textContent = 'Checking the token…';
    try {
      await signIn(token.value);
      onSignedIn();
    } catch (error) {
      message.textContent = `Sign-in failed: ${errorText(error)}`;
      token.select();
    } finally {
      submit.disabled = false;
    }
  }
  root.replaceChildren(h('main', { class: 'signin-page' }, form));
  token.focus();
}
