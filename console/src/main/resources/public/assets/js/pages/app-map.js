// The application map: clients (or the Marathon apps they are tasks of) → virtual services →
// pools → tasks, each edge with its rate and coloured by its errors, redrawn as traffic changes.
import { get, query, since } from '../api.js';
import { fill, fmt, h, table } from '../dom.js';

const WINDOW_SECONDS = 300;
const KINDS = {
  APP_MAP_NODE_KIND_CLIENT: ['client', '#8c8c8c'],
  APP_MAP_NODE_KIND_MARATHON_APP: ['app', '#6c8ebf'],
  APP_MAP_NODE_KIND_VIRTUAL_SERVICE: ['virtual service', '#2f6fb0'],
  pool: ['pool', '#9673a6'],
  APP_MAP_NODE_KIND_POOL_MEMBER: ['task', '#82b366'],
};

export async function render(main) {
  const graph = h('div', { id: 'app-map', class: 'map', role: 'img', 'aria-label': 'Application map' });
  const legend = h('p', { class: 'muted' }, Object.values(KINDS).map(([name, colour]) =>
    h('span', { class: 'legend' }, h('span', { class: 'swatch', style: null, 'data-colour': colour }), name)));
  const edges = h('div');
  fill(main, h('h1', {}, 'Application map'),
    h('p', { class: 'muted' }, 'The last five minutes. Edge colour: errors (green under 1%, amber under 5%, red above).'),
    legend, graph, h('h2', {}, 'Flows'), edges);
  legend.querySelectorAll('.swatch').forEach(s => { s.style.background = s.dataset.colour; });
  let cy = null;
  let shape = '';
  const refresh = async () => {
    const elements = await load();
    const ids = elements.map(e => e.data.id).sort().join('|');
    if (!cy) {
      cy = cytoscape({ container: graph, elements, style: STYLE, wheelSensitivity: 0.3 });
    } else if (ids !== shape) {
      cy.elements().remove();
      cy.add(elements);
    } else {
      elements.forEach(e => cy.getElementById(e.data.id).data(e.data));
      drawFlows(edges, elements);
      return;
    }
    shape = ids;
    cy.layout({ name: 'breadthfirst', directed: true, spacingFactor: 1.1, roots: cy.nodes('[root]') }).run();
    drawFlows(edges, elements);
  };
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  return () => {
    clearInterval(timer);
    if (cy) cy.destroy();
  };
}

/** The graph's nodes and edges: analytics' map, with each virtual service's pool put in between. */
async function load() {
  const [map, services, apps] = await Promise.all([
    get('/api/v1/app-map?' + query(since(WINDOW_SECONDS))),
    get('/api/v1/policy/virtual-service'),
    get('/api/v1/apps'),
  ]);
  const poolOf = Object.fromEntries((services.virtual_services || []).map(vs => [vs.meta.name, vs.pool_ref]));
  const taskOf = {};
  for (const app of apps.apps || []) {
    for (const task of app.tasks || []) {
      for (const e of task.endpoints || []) taskOf[`${e.address}:${e.port}`] = task.id;
    }
  }
  const nodes = new Map();
  const edges = [];
  const node = (id, kind, label, root = false) => {
    if (!nodes.has(id)) nodes.set(id, { data: { id, kind, label, colour: KINDS[kind][1], root: root || undefined } });
    return id;
  };
  const byId = Object.fromEntries((map.nodes || []).map(n => [n.id, n]));
  const poolTotals = {};
  for (const edge of map.edges || []) {
    const from = byId[edge.from];
    const to = byId[edge.to];
    if (!from || !to) continue;
    if (to.kind === 'APP_MAP_NODE_KIND_POOL_MEMBER') {
      const vsName = from.label;
      const poolId = node('pool:' + (poolOf[vsName] || vsName), 'pool', poolOf[vsName] || '(pool)');
      node(from.id, from.kind, from.label);
      node(to.id, to.kind, taskOf[to.label] ? `${taskOf[to.label]}\n${to.label}` : to.label);
      const sum = (poolTotals[from.id + '>' + poolId] ||= { from: from.id, to: poolId, rps: 0, errors: 0 });
      sum.rps += edge.requests_per_second || 0;
      sum.errors += (edge.requests_per_second || 0) * (edge.error_ratio || 0);
      edges.push(link(poolId, to.id, edge.requests_per_second, edge.error_ratio));
    } else {
      node(from.id, from.kind, from.label, true);
      node(to.id, to.kind, to.label);
      edges.push(link(from.id, to.id, edge.requests_per_second, edge.error_ratio));
    }
  }
  for (const sum of Object.values(poolTotals)) {
    edges.push(link(sum.from, sum.to, sum.rps, sum.rps > 0 ? sum.errors / sum.rps : 0));
  }
  return [...nodes.values(), ...edges];
}

function link(from, to, rps, errorRatio) {
  const ratio = errorRatio || 0;
  return {
    data: {
      id: `${from}>${to}`, source: from, target: to, rps: rps || 0, errors: ratio,
      label: fmt.rate(rps), width: 1 + Math.min(8, Math.log2(1 + (rps || 0))),
      colour: ratio >= 0.05 ? '#b85450' : ratio >= 0.01 ? '#d79b00' : '#5a9e4b',
    },
  };
}

function drawFlows(target, elements) {
  const labels = Object.fromEntries(elements.filter(e => !e.data.source).map(e => [e.data.id, e.data.label]));
  fill(target, table([
    ['From', e => labels[e.data.source]],
    ['To', e => labels[e.data.target]],
    ['Requests', e => fmt.rate(e.data.rps)],
    ['Errors', e => fmt.percent(e.data.errors)],
  ], elements.filter(e => e.data.source), 'No traffic in the last five minutes.', 'Flows'));
}

const STYLE = [
  { selector: 'node', style: {
    'background-color': 'data(colour)', label: 'data(label)', 'font-size': 10, 'text-wrap': 'wrap',
    'text-valign': 'bottom', 'text-margin-y': 4, color: '#222', width: 22, height: 22 } },
  { selector: 'edge', style: {
    width: 'data(width)', 'line-color': 'data(colour)', 'target-arrow-color': 'data(colour)',
    'target-arrow-shape': 'triangle', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 9,
    'text-background-color': '#fff', 'text-background-opacity': 0.8 } },
];
