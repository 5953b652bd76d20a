// The setup wizard of a first start: the administrator (with the one-time setup code), the
// Marathon and Mesos the platform follows, how service engines are deployed, and at its end the
// virtual services the engines serve.
import { call, get, ApiError } from '../api.js';
import { field, fill, h, note, showViolations, table } from '../dom.js';

const STEPS = [
  ['account', 'Administrator'],
  ['cloud', 'Marathon and Mesos'],
  ['engines', 'Service engines'],
  ['done', 'Done'],
];

export async function render(main, route, loggedIn) {
  const step = route.query.step || 'account';
  const body = h('div');
  fill(main, h('section', { class: 'card wide', 'aria-labelledby': 'wizard-title' },
    h('h1', { id: 'wizard-title' }, 'Set up Gatehouse'),
    h('ol', { class: 'steps' }, STEPS.map(([id, title]) =>
      h('li', { 'aria-current': id === step ? 'step' : null }, title))),
    body));
  const steps = { account, cloud, engines, done };
  return (steps[step] || account)(body, loggedIn);
}

function next(step) {
  location.hash = '#/setup?step=' + step;
}

/** A form whose failure shows the API's field errors at the fields they name. */
function form(label, inputs, onSubmit, ...extra) {
  const message = h('div');
  const element = h('form', { 'aria-label': label }, ...extra, message);
  element.addEventListener('submit', async event => {
    event.preventDefault();
    fill(message);
    try {
      await onSubmit(message);
    } catch (failed) {
      if (!(failed instanceof ApiError)) throw failed;
      const unplaced = showViolations(element, failed.violations, name => inputs[name.replace(/\[\d+\]$/, '')]);
      fill(message, note('error', failed.message, unplaced.map(v => h('div', {}, `${v.field}: ${v.description}`))));
    }
  });
  return element;
}

function account(body, loggedIn) {
  const code = h('input', { autocomplete: 'one-time-code', required: true, spellcheck: 'false' });
  const name = h('input', { autocomplete: 'username', required: true, value: 'admin' });
  const password = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const again = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const inputs = { setup_code: code, name, password };
  fill(body,
    h('p', {}, 'The one-time setup code is in the console service\'s log (',
      h('code', {}, 'gatehouse up'), ' prints it). It makes the first account, an administrator.'),
    form('Administrator', inputs, async message => {
      if (password.value !== again.value) {
        fill(message, note('error', 'The two passwords differ.'));
        return;
      }
      await call('POST', '/api/v1/setup', { setup_code: code.value.trim(), name: name.value, password: password.value });
      loggedIn((await call('POST', '/api/v1/session', { name: name.value, password: password.value })).body);
      next('cloud');
    },
    field('Setup code', code),
    field('Account name', name),
    field('Password', password, 'At least 12 characters.'),
    field('Password again', again),
    h('button', { type: 'submit' }, 'Create the administrator')));
  code.focus();
}

async function load(kind, name) {
  try {
    const answer = await call('GET', `/api/v1/policy/${kind}/${name}`);
    return { object: answer.body, etag: answer.etag };
  } catch (missing) {
    if (missing instanceof ApiError && missing.status === 404) return { object: null, etag: null };
    throw missing;
  }
}

/** Writes an object read by load(): created when there was none, else on the revision read. */
async function save(kind, loaded, object) {
  if (!loaded.object) return call('POST', `/api/v1/policy/${kind}`, object);
  return call('PUT', `/api/v1/policy/${kind}/${object.meta.name}`, object, loaded.etag);
}

async function cloud(body) {
  const loaded = await load('cloud', 'default');
  const current = loaded.object || { meta: { name: 'default' } };
  // what discovery follows now, from the Cloud or else from its startup configuration
  const followed = await get('/api/v1/sync-status').catch(() => ({}));
  const shownUrls = (current.marathon_urls || []).length
    ? current.marathon_urls
    : (followed.marathons || []).filter(m => !m.marathon_framework).map(m => m.url).filter(Boolean);
  const shownMesos = current.mesos_url || (followed.mesos || {}).url || '';
  const urls = h('textarea', { rows: 2, spellcheck: 'false', required: true }, shownUrls.join('\n'));
  const credentials = h('input', { type: 'password', autocomplete: 'off',
    placeholder: current.credentials_set ? 'stored: leave empty to keep' : 'user:password' });
  const mesos = h('input', { spellcheck: 'false', value: shownMesos });
  const reached = h('div', { 'aria-live': 'polite' });
  const inputs = { marathon_urls: urls, marathon_credentials: credentials, mesos_url: mesos };
  const state = current.status
    ? note(current.status.state === 'STATE_FAILING' ? 'error' : 'info',
      `Now: ${String(current.status.state).replace('STATE_', '').toLowerCase()}`,
      current.status.message ? ` — ${current.status.message}` : '')
    : null;
  const test = async () => {
    fill(reached, note('info', 'Trying…'));
    const lines = urls.value.split('\n').map(s => s.trim()).filter(Boolean);
    try {
      const tried = (await call('POST', '/api/v1/connection-test', {
        marathon_url: lines[0] || '', marathon_credentials: credentials.value, mesos_url: mesos.value.trim(),
      })).body;
      fill(reached, table([
        ['Checked', r => r.name],
        ['Reached', r => (r.reached ? 'yes' : 'no')],
        ['Version', r => r.version || '–'],
        ['Leader', r => r.leader || '–'],
        ['Found', r => r.found],
        ['Error', r => r.error || ''],
      ], [
        tried.marathon && { name: 'Marathon', ...tried.marathon, found: `${tried.marathon.app_count || 0} apps` },
        tried.mesos && { name: 'Mesos master', ...tried.mesos, found: `${tried.mesos.agent_count || 0} agents` },
      ].filter(Boolean), 'Nothing to try.', 'Connection test'));
    } catch (failed) {
      fill(reached, note('error', failed.message));
    }
  };
  fill(body,
    h('p', {}, 'Where discovery finds the apps to serve: Marathon (one URL per master of an HA Marathon) and the Mesos master.'),
    state,
    form('Marathon and Mesos', inputs, async () => {
      const changed = {
        ...current,
        marathon_urls: urls.value.split('\n').map(s => s.trim()).filter(Boolean),
        mesos_url: mesos.value.trim(),
      };
      delete changed.status;
      delete changed.credentials_set;
      if (credentials.value) changed.marathon_credentials = credentials.value;
      // kept as it is when nothing shown was changed: no new revision for discovery to apply
      const same = !credentials.value
        && JSON.stringify(changed.marathon_urls) === JSON.stringify(shownUrls)
        && changed.mesos_url === shownMesos;
      if (!same) await save('cloud', loaded, changed);
      next('engines');
    },
    field('Marathon URLs', urls, 'One per line.'),
    field('Marathon credentials', credentials, 'Optional: HTTP Basic user:password.'),
    field('Mesos master URL', mesos),
    reached,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: test }, 'Test connection'),
      h('button', { type: 'submit' }, 'Save and continue'))));
}

const METHODS = [
  ['DEPLOYMENT_METHOD_LOCAL', 'Local processes (one machine)'],
  ['DEPLOYMENT_METHOD_MARATHON', 'A Marathon app, one engine per agent'],
  ['DEPLOYMENT_METHOD_SSH', 'SSH to each node'],
  ['DEPLOYMENT_METHOD_FLEET', 'Fleet units'],
];

async function engines(body) {
  const loaded = await load('service-engine-group', 'default');
  const current = loaded.object || { meta: { name: 'default' } };
  const before = JSON.stringify(current);
  const group = JSON.parse(before);
  const method = h('select', {}, METHODS.map(([value, text]) =>
    h('option', { value, selected: value === (group.deployment_method || 'DEPLOYMENT_METHOD_LOCAL') }, text)));
  const image = h('input', { spellcheck: 'false', value: (group.image || {}).docker_image || '' });
  const registry = h('input', { type: 'password', autocomplete: 'off',
    placeholder: (group.image || {}).registry_credentials_set ? 'stored: leave empty to keep' : 'user:password' });
  const marathonApp = h('input', { spellcheck: 'false', value: (group.marathon || {}).app_id || '' });
  const sshUser = h('input', { spellcheck: 'false', value: (group.ssh || {}).user || '' });
  const sshKey = h('select', {});
  const keyOut = h('div', { 'aria-live': 'polite' });
  const fleet = h('input', { spellcheck: 'false', value: (group.fleet || {}).endpoint || '' });
  const inputs = {
    deployment_method: method, 'image.docker_image': image, 'image.registry_credentials': registry,
    'marathon.app_id': marathonApp, 'ssh.user': sshUser, 'ssh.ssh_key_ref': sshKey, 'fleet.endpoint': fleet,
  };
  const keys = async selected => {
    const list = (await get('/api/v1/ssh-keys')).ssh_keys || [];
    fill(sshKey, h('option', { value: '' }, '(choose a key)'), list.map(k =>
      h('option', { value: k.name, selected: k.name === (selected || (group.ssh || {}).ssh_key_ref) }, `${k.name} (${k.fingerprint})`)));
  };
  const shown = key => {
    const publicKey = h('textarea', { readonly: true, rows: 3, 'aria-label': 'Public key', class: 'public-key' }, key.public_key);
    const copied = h('span', { class: 'muted', 'aria-live': 'polite' });
    const copy = async () => {
      publicKey.select();
      try {
        await navigator.clipboard.writeText(key.public_key);
        copied.textContent = ' Copied.';
      } catch (refused) {
        copied.textContent = ' Selected: copy it with Ctrl-C.';
      }
    };
    fill(keyOut, note('ok', `Key ${key.name} (${key.fingerprint}): add this public key to the nodes' authorized_keys.`),
      publicKey, h('button', { type: 'button', class: 'secondary', onclick: copy }, 'Copy public key'), copied);
  };
  const keyName = h('input', { spellcheck: 'false', value: 'engines' });
  const privateKey = h('textarea', { rows: 4, spellcheck: 'false', placeholder: '-----BEGIN OPENSSH PRIVATE KEY-----' });
  const keyAction = async (path, payload) => {
    try {
      const key = (await call('POST', path, payload)).body;
      await keys(key.name);
      privateKey.value = '';
      shown(key);
    } catch (failed) {
      fill(keyOut, note('error', failed.message));
    }
  };
  const ssh = h('fieldset', {}, h('legend', {}, 'SSH'),
    field('SSH user', sshUser), field('SSH key', sshKey),
    field('Key name', keyName), field('Private key to import', privateKey),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => keyAction('/api/v1/ssh-keys', { name: keyName.value, private_key: privateKey.value }) }, 'Import key'),
      h('button', { type: 'button', class: 'secondary', onclick: () => keyAction('/api/v1/ssh-keys/generate', { name: keyName.value }) }, 'Generate key pair')),
    keyOut);
  const marathon = h('fieldset', {}, h('legend', {}, 'Marathon'), field('Engine app id', marathonApp, 'Empty: the default.'));
  const fleetSet = h('fieldset', {}, h('legend', {}, 'Fleet'), field('Fleet API endpoint', fleet));
  const sections = { DEPLOYMENT_METHOD_SSH: ssh, DEPLOYMENT_METHOD_MARATHON: marathon, DEPLOYMENT_METHOD_FLEET: fleetSet };
  const switchTo = () => Object.entries(sections).forEach(([m, s]) => { s.hidden = m !== method.value; });
  method.addEventListener('change', switchTo);
  switchTo();
  await keys();
  fill(body,
    h('p', {}, 'One service engine runs on every node. How they are started, from which image:'),
    form('Service engines', inputs, async () => {
      group.deployment_method = method.value;
      group.image = { ...(group.image || {}), docker_image: image.value.trim() };
      delete group.image.registry_credentials_set;
      if (registry.value) group.image.registry_credentials = registry.value;
      if (method.value === 'DEPLOYMENT_METHOD_MARATHON') group.marathon = { ...(group.marathon || {}), app_id: marathonApp.value.trim() };
      if (method.value === 'DEPLOYMENT_METHOD_SSH') group.ssh = { ...(group.ssh || {}), user: sshUser.value.trim(), ssh_key_ref: sshKey.value };
      if (method.value === 'DEPLOYMENT_METHOD_FLEET') group.fleet = { ...(group.fleet || {}), endpoint: fleet.value.trim() };
      const compare = JSON.parse(before);
      if (compare.image) delete compare.image.registry_credentials_set;
      if (!loaded.object || JSON.stringify(group) !== JSON.stringify(compare)) await save('service-engine-group', loaded, group);
      next('done');
    },
    field('Deployment', method),
    marathon, ssh, fleetSet,
    field('Engine image', image, 'For Marathon deployments: the Docker image.'),
    field('Registry credentials', registry, 'Optional: for a private registry.'),
    h('button', { type: 'submit' }, 'Save and continue')));
}

async function done(body) {
  const list = h('div', { 'aria-live': 'polite' });
  const refresh = async () => {
    const [services, convergence] = await Promise.all([
      get('/api/v1/policy/virtual-service'), get('/api/v1/convergence')]);
    const converged = Object.fromEntries((convergence.virtual_services || []).map(v => [v.name, v]));
    fill(list, table([
      ['Virtual service', vs => vs.meta.name],
      ['Address', vs => ((vs.vip || {}).effective_address || 'every engine') + ':' + (vs.services || []).map(s => s.port).join(',')],
      ['On every engine', vs => {
        const c = converged[vs.meta.name];
        return c && c.converged ? h('span', { class: 'ok' }, 'converged') : h('span', { class: 'warn' }, 'not yet');
      }],
    ], services.virtual_services || [], 'No virtual services yet: deploy an app with Gatehouse labels.', 'Virtual services'));
  };
  fill(body,
    note('ok', 'Gatehouse is set up. The virtual services below are served by the engines as soon as they show converged.'),
    list,
    h('a', { class: 'button', href: '#/' }, 'Open the dashboard'));
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 2000);
  return () => clearInterval(timer);
}
