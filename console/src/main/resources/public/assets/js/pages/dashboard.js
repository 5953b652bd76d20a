// Everything at a glance: apps with their health and label errors, virtual services with their
// traffic and whether every engine has their latest version, and the engines.
import { get, query, since } from '../api.js';
import { fill, fmt, h, link, note, table } from '../dom.js';

const WINDOW_SECONDS = 300;
const MOST_MEASURED = 50; // virtual services whose traffic is looked up on each refresh

export async function render(main) {
  const apps = h('section', { 'aria-labelledby': 'apps-title', class: 'full' });
  const services = h('section', { 'aria-labelledby': 'vs-title', class: 'full' });
  const engines = h('section', { 'aria-labelledby': 'engines-title' });
  fill(main, h('h1', {}, 'Dashboard'), h('div', { class: 'grid' }, services, apps, engines));
  const refresh = async () => {
    const [appList, vsList, convergence, engineList] = await Promise.all([
      get('/api/v1/apps'), get('/api/v1/policy/virtual-service'), get('/api/v1/convergence'), get('/api/v1/engines')]);
    const vss = vsList.virtual_services || [];
    const traffic = await measured(vss.slice(0, MOST_MEASURED));
    drawServices(services, vss, traffic, convergence.virtual_services || []);
    drawApps(apps, appList.apps || []);
    drawEngines(engines, engineList.service_engines || [], convergence.virtual_services || [],
      convergence.unanswered_replicas || []);
  };
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  return () => clearInterval(timer);
}

/** Each virtual service's mean requests/s and errors/s over the last minutes. */
async function measured(vss) {
  const answers = await Promise.all(vss.map(vs => get('/api/v1/metrics?' + query({
    'target.virtual_service': vs.meta.name,
    metrics: ['METRIC_REQUESTS', 'METRIC_ERRORS_4XX', 'METRIC_ERRORS_5XX', 'METRIC_HEALTHY_MEMBERS'],
    step: '60s',
    ...since(WINDOW_SECONDS),
  })).catch(() => null)));
  const result = {};
  vss.forEach((vs, i) => {
    const series = Object.fromEntries(((answers[i] || {}).series || []).map(s => [s.metric, s.points || []]));
    const mean = points => points.reduce((sum, p) => sum + (p.value || 0), 0) / (WINDOW_SECONDS / 60);
    const healthy = series.METRIC_HEALTHY_MEMBERS || [];
    result[vs.meta.name] = {
      healthy: healthy.length ? healthy[healthy.length - 1].value : null,
      requests: mean(series.METRIC_REQUESTS || []),
      errors: mean(series.METRIC_ERRORS_4XX || []) + mean(series.METRIC_ERRORS_5XX || []),
    };
  });
  return result;
}

function drawServices(section, vss, traffic, convergence) {
  const converged = Object.fromEntries(convergence.map(c => [c.name, c]));
  fill(section, h('h2', { id: 'vs-title' }, 'Virtual services'), table([
    ['Name', vs => link(['vs', vs.meta.name], vs.meta.name)],
    ['Address', vs => ((vs.vip || {}).effective_address || 'every engine') + ':' + (vs.services || []).map(s => s.port).join(',')],
    ['Requests', vs => fmt.rate((traffic[vs.meta.name] || {}).requests)],
    ['Healthy members', vs => {
      const healthy = (traffic[vs.meta.name] || {}).healthy;
      if (healthy === null || healthy === undefined) return '–';
      return h('span', { class: healthy > 0 ? 'ok' : 'bad' }, String(healthy));
    }],
    ['Errors', vs => {
      const t = traffic[vs.meta.name] || {};
      return h('span', { class: t.errors > 0 ? 'bad' : null }, fmt.rate(t.errors));
    }],
    ['Engines', vs => {
      const c = converged[vs.meta.name];
      if (!c) return '–';
      const rejected = (c.engines || []).filter(e => e.nack_error);
      if (rejected.length) return h('span', { class: 'bad' }, `rejected by ${rejected.length}`);
      return c.converged ? h('span', { class: 'ok' }, 'converged') : h('span', { class: 'warn' }, 'converging');
    }],
  ], vss, 'No virtual services yet.', 'Virtual services'));
}

function drawApps(section, apps) {
  fill(section, h('h2', { id: 'apps-title' }, 'Marathon apps'), table([
    ['App', app => app.id],
    ['Tasks', app => {
      const c = app.counts || {};
      return `${c.running || 0}/${app.instances || 0} running, ${c.healthy || 0} healthy`;
    }],
    ['Deploying', app => ((app.deployment_ids || []).length ? 'yes' : '')],
    ['Label errors', app => (app.label_errors || []).map(e =>
      h('div', { class: 'bad label-error' }, h('code', {}, e.label), e.field ? ` (${e.field})` : '', `: ${e.message}`))],
  ], apps, 'No apps in Marathon.', 'Marathon apps'));
}

function drawEngines(section, engines, convergence, unanswered) {
  const behind = convergence.filter(c => !c.converged).length;
  const states = {};
  engines.forEach(e => { states[e.state] = (states[e.state] || 0) + 1; });
  fill(section, h('h2', { id: 'engines-title' }, 'Service engines'),
    behind
      ? note('info', `${behind} virtual service(s) not yet on every engine.`)
      : note('ok', 'Every change has reached every engine.'),
    // the engines of a se-manager-svc replica that did not answer are not in the line above
    ...unanswered.map(r => note('warn',
      `se-manager-svc replica ${r.address} did not answer: its engines are not counted.`)),
    h('p', {}, Object.entries(states).map(([state, n]) => `${n} ${fmt.enumName(state, 'SERVICE_ENGINE_STATE_')}`).join(', ') || 'No engines.',
      ' ', link(['engines'], 'Engines…')));
}
