// A virtual service's members: each pool member (a task's endpoint, or a static server) with its
// health, and its share of the virtual service's traffic as analytics measured it.
import { get, query, since } from '../api.js';
import { fmt, h, table } from '../dom.js';

/** The members' table of a virtual service, over the last `seconds`. */
export async function memberHealth(vs, seconds) {
  const name = vs.meta.name;
  const [map, members] = await Promise.all([
    get('/api/v1/app-map?' + query({ virtual_service: name, ...since(seconds) })),
    vs.pool_ref ? poolMembers(vs.pool_ref) : Promise.resolve([]),
  ]);
  const labels = Object.fromEntries((map.nodes || []).map(n => [n.id, n.label]));
  const traffic = {};
  for (const edge of map.edges || []) {
    if (edge.from === 'vs:' + name) traffic[labels[edge.to]] = edge;
  }
  const total = Object.values(traffic).reduce((s, e) => s + (e.requests_per_second || 0), 0);
  const rows = members.map(m => ({ ...m, edge: traffic[m.address] }));
  for (const [address, edge] of Object.entries(traffic)) {
    if (!members.some(m => m.address === address)) rows.push({ address, name: '(gone)', health: '–', edge });
  }
  return table([
    ['Member', m => m.address],
    ['Task or server', m => m.name],
    ['Health', m => h('span', { class: /healthy|enabled/.test(m.health) && !/unhealthy/.test(m.health) ? 'ok' : 'warn' }, m.health)],
    ['Requests', m => fmt.rate(m.edge ? m.edge.requests_per_second : 0)],
    ['Share', m => (total > 0 && m.edge ? fmt.percent(m.edge.requests_per_second / total) : '–')],
    ['Errors', m => (m.edge ? fmt.percent(m.edge.error_ratio) : '–')],
    ['p95', m => (m.edge ? fmt.millis(fmt.ms(m.edge.p95_total)) : '–')],
  ], rows, 'No members.', 'Members');
}

async function poolMembers(poolName) {
  const pool = await get('/api/v1/policy/pool/' + poolName);
  if (pool.static_servers) {
    return (pool.static_servers.servers || []).map(s => ({
      address: `${s.ip_address}:${s.port}`,
      name: s.hostname || 'server',
      health: s.enabled === false ? 'disabled' : 'enabled',
    }));
  }
  if (!pool.marathon_app) return [];
  const app = await get('/api/v1/apps/' + pool.marathon_app.app_id.replace(/^\//, ''));
  const index = pool.marathon_app.port_index || 0;
  return (app.tasks || []).flatMap(task => (task.endpoints || [])
    .filter(e => (e.port_index || 0) === index)
    .map(e => ({
      address: `${e.address}:${e.port}`,
      name: task.id,
      health: fmt.enumName(task.health, 'TASK_HEALTH_') || fmt.enumName(task.state, 'TASK_STATE_'),
    })));
}
