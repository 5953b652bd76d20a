// One virtual service: its traffic and errors over time, the timing breakdown of its requests
// (client RTT, server RTT, app response, data transfer) at a chosen percentile, and its members
// with their health and share of the traffic.
import { get, query, since } from '../api.js';
import { fill, fmt, h, link } from '../dom.js';
import { memberHealth } from './members.js';

const WINDOWS = [[300, '5 minutes'], [3600, '1 hour'], [21600, '6 hours'], [86400, '1 day'], [604800, '7 days']];
const PERCENTILES = [[0.5, 'p50'], [0.95, 'p95'], [0.99, 'p99']];
const COMPONENTS = [
  ['TIMING_COMPONENT_CLIENT_RTT', 'Client RTT', '#6c8ebf'],
  ['TIMING_COMPONENT_SERVER_RTT', 'Server RTT', '#82b366'],
  ['TIMING_COMPONENT_APP_RESPONSE', 'App response', '#d6b656'],
  ['TIMING_COMPONENT_DATA_TRANSFER', 'Data transfer', '#b85450'],
];
const BUCKETS = 12;

export async function render(main, route) {
  const name = route.parts.slice(1).join('/');
  const vs = await get('/api/v1/policy/virtual-service/' + name);
  const windowSelect = h('select', { id: 'vs-window' }, WINDOWS.map(([s, text]) =>
    h('option', { value: s, selected: String(s) === (route.query.window || '300') }, text)));
  const percentileSelect = h('select', { id: 'vs-percentile' }, PERCENTILES.map(([p, text]) =>
    h('option', { value: p, selected: String(p) === (route.query.percentile || '0.95') }, text)));
  const trafficChart = h('div', { class: 'chart', id: 'traffic-chart', role: 'img', 'aria-label': 'Requests and errors per second' });
  const timingChart = h('div', { class: 'chart', id: 'timing-chart', role: 'img', 'aria-label': 'Timing breakdown' });
  const members = h('div');
  fill(main,
    h('h1', {}, 'Virtual service ', h('code', {}, name)),
    h('p', { class: 'muted' }, ((vs.vip || {}).effective_address || 'every engine') + ':' + (vs.services || []).map(s => s.port).join(','),
      vs.pool_ref ? ` → pool ${vs.pool_ref}` : '', ' · ', link(['logs'], 'client logs', { vs: name })),
    h('div', { class: 'controls' },
      h('label', { for: 'vs-window' }, 'Window'), windowSelect,
      h('label', { for: 'vs-percentile' }, 'Percentile'), percentileSelect),
    h('h2', {}, 'Requests and errors'), trafficChart,
    h('h2', {}, 'Timing breakdown'),
    h('p', { class: 'muted' }, 'Each component at the chosen percentile, stacked: the network to the client, the network to the app, the app itself, and sending the answer.'),
    timingChart,
    h('h2', {}, 'Members'), members);
  const charts = [];
  const draw = async () => {
    const seconds = Number(windowSelect.value);
    const percentile = Number(percentileSelect.value);
    const [traffic, timing] = await Promise.all([trafficData(name, seconds), timingData(name, seconds, percentile)]);
    charts.splice(0).forEach(c => c.destroy());
    charts.push(trafficPlot(trafficChart, traffic), timingPlot(timingChart, timing, percentileSelect.selectedOptions[0].text));
    // what was drawn, for whoever reads the page without seeing the canvas
    trafficChart.dataset.requests = traffic[1].reduce((a, b) => a + b, 0).toFixed(3);
    timingChart.dataset.milliseconds = timing.components.flat().reduce((a, b) => a + b, 0).toFixed(3);
    fill(members, await memberHealth(vs, seconds));
  };
  windowSelect.addEventListener('change', draw);
  percentileSelect.addEventListener('change', draw);
  await draw();
  const timer = setInterval(() => draw().catch(() => {}), 10000);
  return () => {
    clearInterval(timer);
    charts.forEach(c => c.destroy());
  };
}

async function trafficData(name, seconds) {
  const step = Math.max(5, Math.round(seconds / 120));
  const end = Date.now();
  const answer = await get('/api/v1/metrics?' + query({
    'target.virtual_service': name,
    metrics: ['METRIC_REQUESTS', 'METRIC_ERRORS_4XX', 'METRIC_ERRORS_5XX'],
    step: step + 's',
    ...since(seconds, end),
  }));
  const used = parseFloat(answer.step) || step;
  const first = Math.floor((end / 1000 - seconds) / used) * used;
  const xs = [];
  for (let t = first; t <= end / 1000; t += used) xs.push(t);
  const byMetric = Object.fromEntries((answer.series || []).map(s => [s.metric,
    new Map((s.points || []).map(p => [Math.floor(Date.parse(p.time) / 1000 / used) * used, p.value || 0]))]));
  const values = metric => xs.map(t => (byMetric[metric] ? byMetric[metric].get(t) || 0 : 0));
  return [xs, values('METRIC_REQUESTS'), values('METRIC_ERRORS_4XX'), values('METRIC_ERRORS_5XX')];
}

function trafficPlot(target, data) {
  return new uPlot({
    width: chartWidth(target), height: 220,
    series: [{},
      { label: 'Requests/s', stroke: '#2f6fb0', width: 2, points: { show: false }, value: (u, v) => fmt.rate(v) },
      { label: '4xx/s', stroke: '#d6b656', points: { show: false }, value: (u, v) => fmt.rate(v) },
      { label: '5xx/s', stroke: '#b85450', points: { show: false }, value: (u, v) => fmt.rate(v) }],
    axes: [{}, { label: 'per second' }],
  }, data, target);
}

/** The breakdown in BUCKETS slices of the window, each component at the percentile. */
async function timingData(name, seconds, percentile) {
  const end = Date.now();
  const slice = (seconds * 1000) / BUCKETS;
  const answers = await Promise.all(Array.from({ length: BUCKETS }, (_, i) => get('/api/v1/latency?' + query({
    'target.virtual_service': name,
    percentiles: percentile,
    'range.start_time': new Date(end - (BUCKETS - i) * slice).toISOString(),
    'range.end_time': new Date(end - (BUCKETS - i - 1) * slice).toISOString(),
  })).catch(() => ({}))));
  const xs = answers.map((_, i) => (end - (BUCKETS - i - 0.5) * slice) / 1000);
  const components = COMPONENTS.map(([id]) => answers.map(a => {
    const c = (a.components || []).find(x => x.component === id);
    return c && c.percentiles && c.percentiles.length ? fmt.ms(c.percentiles[0].value) : 0;
  }));
  return { xs, components };
}

function timingPlot(target, { xs, components }, percentileName) {
  // stacked bars: each series is the sum up to its component, drawn from the tallest down so the
  // shorter sums cover the lower part of each bar; the legend shows the component's own value
  const sums = components.map((_, i) => xs.map((__, j) => components.slice(0, i + 1).reduce((s, c) => s + c[j], 0)));
  const order = COMPONENTS.map((_, i) => i).reverse();
  const bars = uPlot.paths.bars({ size: [0.7, 60] });
  return new uPlot({
    width: chartWidth(target), height: 220,
    series: [{}, ...order.map(i => ({
      label: `${COMPONENTS[i][1]} (${percentileName})`,
      fill: COMPONENTS[i][2], stroke: COMPONENTS[i][2], paths: bars, points: { show: false },
      value: (u, v, si, idx) => (idx === null || idx === undefined ? '–' : fmt.millis(components[i][idx])),
    }))],
    axes: [{}, { label: 'ms', values: (u, ticks) => ticks.map(t => t.toFixed(t < 10 ? 1 : 0)) }],
    scales: { y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
  }, [xs, ...order.map(i => sums[i])], target);
}

function chartWidth(target) {
  return Math.max(280, Math.min(1100, target.clientWidth || 900));
}

