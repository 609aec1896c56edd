import { describe, errorFor } from '../api/problem';
import { h } from '../ui/dom';
import { Notice } from '../ui/notice';
import { tokenProblem } from './token';

/**
 * The sign-in page: paste a token, or, where the gateway offers development sign-in, one click for a
 * development token.
 */
export function signInPage(devSignIn: boolean, reason: string | null, onToken: (token: string) => void): HTMLElement {
  const notice = new Notice();
  if (reason) {
    notice.show(reason, 'error');
  }
  const pasted = h('textarea', { id: 'token', rows: 4, spellcheck: 'false', autocomplete: 'off',
    placeholder: 'eyJhbGciOi…' });
  const pasteForm = h('form', { class: 'card' },
    h('label', { for: 'token' }, 'Bearer token'), pasted,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  pasteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const problem = tokenProblem(pasted.value, Date.now());
    if (problem) {
      notice.show(problem, 'error');
      pasted.focus();
      return;
    }
    onToken(pasted.value.trim());
  });

  const owner = h('input', { id: 'dev-owner', value: 'dev', required: true, maxlength: 128, autocomplete: 'off' });
  const admin = h('input', { id: 'dev-admin', type: 'checkbox' });
  const devForm = h('form', { class: 'card dev' },
    h('h2', {}, 'Development sign-in'),
    h('p', { class: 'hint' }, 'This server signs development tokens: pick a name and go.'),
    h('label', { for: 'dev-owner' }, 'Owner'), owner,
    h('label', { class: 'check' }, admin, ' with the admin role'),
    h('button', { type: 'submit', class: 'primary', id: 'dev-sign-in' }, 'Sign in for development'));
  devForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      notice.show('Signing in…');
      try {
        const response = await fetch('/api/v1/dev/token', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ owner: owner.value.trim(), admin: admin.checked }),
        });
        const body = await response.text();
        if (!response.ok) {
          throw errorFor(response.status, body, response.headers.get('Content-Type'));
        }
        onToken((JSON.parse(body) as { token: string }).token);
      } catch (error) {
        notice.show(describe(error), 'error');
      }
    })();
  });

  return h('main', { class: 'sign-in' },
    h('h1', {}, 'Berth'),
    h('p', { class: 'lead' }, 'Sign in to work with your container sessions: terminals, files, logs and previews.'),
    notice.element,
    devSignIn ? devForm : null,
    pasteForm,
    h('p', { class: 'hint' }, 'Your token is kept in this browser tab only, until you sign out or close the tab.'));
}
