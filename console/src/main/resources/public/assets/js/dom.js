// Building the page from data: every text goes in as text, never as markup.

/** An element: h('a', {href: '#/', class: 'x', onclick: f}, 'text', child, [more]). */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      node.className = value;
    } else if (name === 'value') {
      node.value = value;
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what a node holds. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A table of rows: columns are [title, row => cell]. */
export function table(columns, rows, empty = 'None yet.', label = null) {
  if (!rows.length) return h('p', { class: 'muted' }, empty);
  return h('table', { 'aria-label': label },
    h('thead', {}, h('tr', {}, columns.map(([title]) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, rows.map(row => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(row)))))));
}

/** A labelled input: the label names it for screen readers and for tests. */
export function field(label, input, hint = null) {
  const id = input.id || ('f-' + label.toLowerCase().replace(/[^a-z0-9]+/g, '-'));
  input.id = id;
  return h('div', { class: 'field' },
    h('label', { for: id }, label), input,
    hint ? h('small', { class: 'muted' }, hint) : null,
    h('span', { class: 'field-error', 'data-for': id, role: 'alert' }));
}

/** Marks the inputs named in an API error's field violations; returns what matched nothing. */
export function showViolations(form, violations, byField) {
  form.querySelectorAll('.field-error').forEach(e => { e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach(e => e.removeAttribute('aria-invalid'));
  const unplaced = [];
  for (const v of violations || []) {
    const input = byField(v.field);
    const slot = input && form.querySelector(`.field-error[data-for="${CSS.escape(input.id)}"]`);
    if (slot) {
      slot.textContent = `${v.field}: ${v.description}`;
      input.setAttribute('aria-invalid', 'true');
    } else {
      unplaced.push(v);
    }
  }
  return unplaced;
}

/** A message box: kind is 'error', 'ok' or 'info'. */
export function note(kind, ...text) {
  return h('div', { class: 'note ' + kind, role: kind === 'error' ? 'alert' : 'status' }, ...text);
}

export const fmt = {
  /** A protobuf Duration as JSON ("0.012s") in milliseconds. */
  ms(duration) {
    return duration ? parseFloat(duration) * 1000 : 0;
  },
  millis(value) {
    return value >= 100 ? value.toFixed(0) + ' ms' : value.toFixed(value >= 10 ? 1 : 2) + ' ms';
  },
  rate(value) {
    return (value || 0).toFixed(value >= 100 ? 0 : 2) + '/s';
  },
  percent(value) {
    return ((value || 0) * 100).toFixed(1) + '%';
  },
  time(timestamp) {
    return timestamp ? new Date(timestamp).toLocaleString() : '–';
  },
  enumName(value, prefix) {
    return String(value || '').replace(prefix, '').toLowerCase().replace(/_/g, ' ');
  },
};

/** The route's own parameters: '#/vs/a%2Fb?x=1' gives ['vs', 'a/b'] and {x: '1'}. */
export function route() {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  return {
    parts: path ? path.split('/').map(decodeURIComponent) : [],
    query: Object.fromEntries(new URLSearchParams(query || '')),
  };
}

export function link(parts, text, query = null) {
  const q = query ? '?' + new URLSearchParams(query) : '';
  return h('a', { href: '#/' + parts.map(encodeURIComponent).join('/') + q }, text);
}
