// Policy: every kind the API serves, its objects, and an editor for one object. The editor shows
// each field of the object as an input named by its path (services[0].port), so a field error of
// the API lands at its field; a change made meanwhile by someone else is refused and explained.
import { call, get, ApiError } from '../api.js';
import { fill, fmt, h, link, note, showViolations, table } from '../dom.js';
import { leaves, withValues } from './object-fields.js';

export async function render(main, route) {
  const [, kind, ...rest] = route.parts;
  if (!kind) return kinds(main);
  if (!rest.length) return objects(main, kind);
  return editor(main, kind, rest.join('/'));
}

async function kinds(main) {
  const list = (await get('/api/v1/policy')).kinds || [];
  fill(main, h('h1', {}, 'Policy'),
    h('ul', { class: 'kinds' }, list.map(k => h('li', {}, link(['policy', k], k)))));
}

async function objects(main, kind) {
  const answer = await get('/api/v1/policy/' + kind);
  const items = Object.values(answer).find(Array.isArray) || [];
  const create = h('form', { 'aria-label': 'New object', class: 'inline' });
  const newName = h('input', { spellcheck: 'false', 'aria-label': 'New object\'s name', placeholder: 'name' });
  fill(create, newName, ' ', h('button', { type: 'submit', class: 'secondary' }, 'New…'));
  create.addEventListener('submit', event => {
    event.preventDefault();
    if (newName.value.trim()) location.hash = `#/policy/${kind}/${encodeURIComponent(newName.value.trim())}?new=1`;
  });
  fill(main, h('h1', {}, 'Policy: ', kind), create, table([
    ['Name', o => link(['policy', kind, o.meta.name], o.meta.name)],
    ['Owner', o => owner(o.meta)],
    ['Revision', o => o.meta.revision],
    ['Changed', o => fmt.time(o.meta.update_time)],
  ], items, 'None.', kind));
}

function owner(meta) {
  const source = meta.source || {};
  return source.kind === 'KIND_MARATHON_APP' ? `Marathon app ${source.marathon_app_id}` : 'API';
}

async function editor(main, kind, name) {
  const fresh = new URLSearchParams(location.hash.split('?')[1] || '').get('new') === '1';
  let loaded = { body: { meta: { name } }, etag: null };
  if (!fresh) loaded = await call('GET', `/api/v1/policy/${kind}/${name}`);
  const object = loaded.body;
  const readOnly = ((object.meta || {}).source || {}).kind === 'KIND_MARATHON_APP';
  const message = h('div', { 'aria-live': 'polite' });
  const fields = leaves(object);
  const inputs = {};
  const rows = fields.map(f => {
    const id = 'p-' + f.path.replace(/[^a-zA-Z0-9]+/g, '-');
    const input = typeof f.value === 'boolean'
      ? h('input', { type: 'checkbox', id, checked: f.value, disabled: f.readOnly || readOnly })
      : h('input', { id, value: String(f.value), spellcheck: 'false',
        inputmode: typeof f.value === 'number' ? 'numeric' : null, readonly: f.readOnly || readOnly });
    input.dataset.path = f.path;
    inputs[f.path] = input;
    return h('div', { class: 'field' }, h('label', { for: id }, f.path), input,
      h('span', { class: 'field-error', 'data-for': id, role: 'alert' }));
  });
  const json = h('textarea', { rows: 12, spellcheck: 'false', 'aria-label': 'The object as JSON', readonly: readOnly },
    JSON.stringify(object, null, 2));
  const jsonMode = h('input', { type: 'checkbox', id: 'json-mode' });
  const formFields = h('div', {}, rows);
  const jsonField = h('div', { hidden: true }, json);
  jsonMode.addEventListener('change', () => {
    if (jsonMode.checked) json.value = JSON.stringify(current(), null, 2);
    formFields.hidden = jsonMode.checked;
    jsonField.hidden = !jsonMode.checked;
  });
  const current = () => (jsonMode.checked ? JSON.parse(json.value) : withValues(object, fields, inputs));
  const form = h('form', { 'aria-label': `${kind} ${name}` },
    h('h1', {}, `${kind} `, h('code', {}, name)),
    readOnly ? note('info', `Owned by ${owner(object.meta)}: change its labels in Marathon, not here.`) : null,
    h('p', { class: 'muted' }, fresh ? 'A new object: give its fields as JSON.' : `Revision ${object.meta.revision}.`,
      ' Fields left out keep their defaults; add one with "Edit as JSON".'),
    h('div', { class: 'field' }, h('label', { for: 'json-mode' }, 'Edit as JSON'), jsonMode),
    formFields, jsonField, message,
    readOnly ? null : h('button', { type: 'submit' }, fresh ? 'Create' : 'Save'));
  if (fresh) {
    jsonMode.checked = true;
    jsonMode.dispatchEvent(new Event('change'));
  }
  form.addEventListener('submit', async event => {
    event.preventDefault();
    fill(message);
    let body;
    try {
      body = current();
    } catch (notJson) {
      fill(message, note('error', 'Not JSON: ' + notJson.message));
      return;
    }
    try {
      const saved = fresh
        ? await call('POST', `/api/v1/policy/${kind}`, body)
        : await call('PUT', `/api/v1/policy/${kind}/${name}`, body, loaded.etag);
      fill(message, note('ok', `Saved: revision ${saved.body.meta.revision}.`));
      if (fresh) location.hash = `#/policy/${kind}/${encodeURIComponent(name)}`;
      else {
        loaded = saved;
        Object.assign(object, saved.body);
        showViolations(form, [], () => null);
      }
    } catch (failed) {
      if (!(failed instanceof ApiError)) throw failed;
      if (failed.status === 412) {
        conflict(message, kind, name, object);
        return;
      }
      // a violation names the field in the object, or in the request that carried it
      const unplaced = showViolations(form, failed.violations,
        path => inputs[path] || inputs[path.replace(/^[a-z_]+\./, '')]);
      fill(message, note('error', failed.message,
        unplaced.map(v => h('div', {}, h('code', {}, v.field || '(the object)'), `: ${v.description}`))));
    }
  });
  fill(main, form);
}

/** What a revision conflict means, with what the other change did, and the way out. */
async function conflict(message, kind, name, mine) {
  let theirs = null;
  try {
    theirs = await get(`/api/v1/policy/${kind}/${name}`);
  } catch (gone) {
    fill(message, note('error', 'Someone deleted this object after you opened it: nothing was saved.'));
    return;
  }
  const changed = leaves(theirs)
    .filter(f => !f.readOnly)
    .filter(f => JSON.stringify(f.value) !== JSON.stringify(leaves(mine).find(m => m.path === f.path)?.value))
    .map(f => f.path);
  fill(message, note('error',
    `Not saved: this object changed since you opened it (your revision ${mine.meta.revision}, now ${theirs.meta.revision}). `,
    changed.length ? `The other change touched: ${changed.join(', ')}. ` : '',
    'Reload to see it, then make your change again. ',
    h('button', { type: 'button', class: 'secondary', onclick: () => window.dispatchEvent(new HashChangeEvent('hashchange')) }, 'Reload')));
}
