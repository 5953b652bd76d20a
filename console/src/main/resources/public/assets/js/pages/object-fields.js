// A policy object as a list of fields named by their path (meta.description, services[0].port),
// and back: the editor's inputs change the values at those paths, nothing else.

const OUTPUT_ONLY = /^meta\.(uid|revision|create_time|update_time|source)(\.|$)|(^|\.)status(\.|$)|_set$/;

/** Every leaf of an object: {path, value, readOnly}. */
export function leaves(object, prefix = '') {
  const found = [];
  for (const [key, value] of Object.entries(object || {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const itemPath = `${path}[${i}]`;
        if (item !== null && typeof item === 'object') found.push(...leaves(item, itemPath));
        else found.push({ path: itemPath, value: item, readOnly: OUTPUT_ONLY.test(itemPath) });
      });
    } else if (value !== null && typeof value === 'object') {
      found.push(...leaves(value, path));
    } else {
      found.push({ path, value, readOnly: OUTPUT_ONLY.test(path) });
    }
  }
  return found;
}

/** A copy of the object with each field's input's value, typed as the field was. */
export function withValues(object, fields, inputs) {
  const copy = JSON.parse(JSON.stringify(object));
  for (const f of fields) {
    if (f.readOnly) continue;
    const input = inputs[f.path];
    let value;
    if (typeof f.value === 'boolean') value = input.checked;
    else if (typeof f.value === 'number') value = input.value.trim() === '' ? 0 : Number(input.value);
    else value = input.value;
    set(copy, f.path, value);
  }
  return copy;
}

function set(object, path, value) {
  const keys = path.match(/[^.[\]]+/g);
  let at = object;
  keys.slice(0, -1).forEach(k => { at = at[k]; });
  at[keys[keys.length - 1]] = value;
}
