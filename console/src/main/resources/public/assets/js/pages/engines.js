// The service engines: each one's state, the versions it applied and what it rejected (with the
// engine's reason), its recent events, and the redeploy and drain actions.
import { call, get } from '../api.js';
import { fill, fmt, h, note, table } from '../dom.js';

export async function render(main) {
  const list = h('div', { 'aria-live': 'polite' });
  const message = h('div');
  const details = h('div');
  fill(main, h('h1', {}, 'Service engines'), message, list, details);
  const act = async (engine, action, question) => {
    if (!window.confirm(question)) return;
    try {
      await call('POST', `/api/v1/engines/${encodeURIComponent(engine.id)}/${action}`);
      fill(message, note('ok', `${engine.id}: ${action === 'redeploy' ? 'redeploying' : 'draining, then stopped'}.`));
      await refresh();
    } catch (failed) {
      fill(message, note('error', failed.message));
    }
  };
  const show = async engine => {
    const events = (await get(`/api/v1/engines/${encodeURIComponent(engine.id)}/events`)).events || [];
    fill(details, h('h2', {}, 'Engine ', h('code', {}, engine.id)),
      h('h3', {}, 'Configuration'),
      table([
        ['Resource', r => `${fmt.enumName((r.desired || {}).type, 'RESOURCE_TYPE_')} ${(r.desired || {}).name || ''}`],
        ['Desired', r => short((r.desired || {}).version)],
        ['Applied', r => short(r.applied_version)],
        ['Rejected', r => (r.nack_error ? h('span', { class: 'bad' }, r.nack_error.message || 'rejected') : '')],
      ], engine.resources || [], 'Nothing pushed yet.', 'Configuration'),
      h('h3', {}, 'Events'),
      table([['Time', e => fmt.time(e.time)], ['Event', e => e.type], ['Detail', e => e.message]],
        events, 'No events.', 'Events'));
  };
  const refresh = async () => {
    const engines = (await get('/api/v1/engines')).service_engines || [];
    fill(list, table([
      ['Engine', e => h('button', { type: 'button', class: 'link', onclick: () => show(e) }, e.id)],
      ['Node', e => e.hostname || e.node_id],
      ['Group', e => e.se_group],
      ['State', e => h('span', { class: /CONNECTED$/.test(e.state) && !/DIS/.test(e.state) ? 'ok' : 'warn' }, fmt.enumName(e.state, 'SERVICE_ENGINE_STATE_'))],
      ['Applied', e => {
        const rs = e.resources || [];
        const behind = rs.filter(r => r.applied_version !== (r.desired || {}).version).length;
        const rejected = rs.filter(r => r.nack_error).length;
        return h('span', { class: rejected ? 'bad' : behind ? 'warn' : 'ok' },
          `${rs.length - behind}/${rs.length}` + (rejected ? `, ${rejected} rejected` : ''));
      }],
      ['Load', e => load(e.load)],
      ['Last heartbeat', e => fmt.time(e.last_heartbeat_time)],
      ['Actions', e => [
        h('button', { type: 'button', class: 'secondary', onclick: () => act(e, 'redeploy', `Redeploy ${e.id}?`) }, 'Redeploy'),
        ' ',
        h('button', { type: 'button', class: 'secondary', onclick: () => act(e, 'decommission', `Drain and stop ${e.id}?`) }, 'Drain'),
      ]],
    ], engines, 'No engines yet.', 'Service engines'));
  };
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  return () => clearInterval(timer);
}

/** The last heartbeat's load: requests per second, CPUs, open connections; a dash when none. */
function load(figures) {
  if (!figures) return '–';
  const rps = Number(figures.requests_per_second || 0);
  const cpu = Number(figures.cpu_used || 0);
  return `${rps.toFixed(rps < 10 ? 1 : 0)} req/s, ${cpu.toFixed(2)} CPU, ${figures.open_connections || 0} conn.`;
}

function short(version) {
  return version ? String(version).slice(0, 12) : '–';
}
