// Logging in: an account's name and password.
import { call, ApiError } from '../api.js';
import { field, fill, h, note } from '../dom.js';

export function render(main, route, loggedIn) {
  const name = h('input', { autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const message = h('div');
  const form = h('form', { class: 'card narrow', 'aria-label': 'Log in' },
    h('h1', {}, 'Log in'),
    field('Account', name),
    field('Password', password),
    message,
    h('button', { type: 'submit' }, 'Log in'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      const answer = await call('POST', '/api/v1/session', { name: name.value, password: password.value });
      loggedIn(answer.body);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (refused) {
      fill(message, note('error', refused instanceof ApiError ? refused.message : String(refused)));
    }
  });
  fill(main, form);
  name.focus();
}
