// Client logs: search them by virtual service, status, client, URI and latency, page through
// them, or follow new ones as analytics-svc stores them.
import { get, query, since } from '../api.js';
import { field, fill, fmt, h, note, table } from '../dom.js';

const PAGE_SIZE = 50;
const LIVE_ROWS = 200;

export async function render(main, route) {
  const vss = (await get('/api/v1/policy/virtual-service')).virtual_services || [];
  const vs = h('select', {}, h('option', { value: '' }, '(every virtual service)'),
    vss.map(v => h('option', { value: v.meta.name, selected: v.meta.name === route.query.vs }, v.meta.name)));
  const statusMin = h('input', { type: 'number', min: 100, max: 599, inputmode: 'numeric' });
  const statusMax = h('input', { type: 'number', min: 100, max: 599, inputmode: 'numeric' });
  const client = h('input', { spellcheck: 'false', placeholder: '10.0.0.0/8' });
  const uri = h('input', { spellcheck: 'false', placeholder: '/api' });
  const latency = h('input', { type: 'number', min: 0, inputmode: 'numeric' });
  const span = h('select', {}, [[900, '15 minutes'], [3600, '1 hour'], [86400, '1 day'], [604800, '7 days']]
    .map(([s, t]) => h('option', { value: s }, t)));
  const live = h('input', { type: 'checkbox' });
  const results = h('div', { 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Next page');
  const filters = () => ({
    virtual_service: vs.value,
    status_min: statusMin.value,
    status_max: statusMax.value,
    client_cidr: client.value.trim(),
    uri_prefix: uri.value.trim(),
    min_total: latency.value ? Number(latency.value) / 1000 + 's' : '',
  });
  let rows = [];
  let nextPage = '';
  let follow = null;
  const draw = () => fill(results, table(COLUMNS, rows, 'No client logs match.', 'Client logs'));
  const search = async pageToken => {
    const answer = await get('/api/v1/logs?' + query({
      ...filters(), ...since(Number(span.value)), page_size: PAGE_SIZE, page_token: pageToken,
    }));
    rows = pageToken ? rows.concat(answer.logs || []) : answer.logs || [];
    nextPage = answer.next_page_token || '';
    more.hidden = !nextPage || !!follow;
    draw();
  };
  const stopFollowing = () => {
    if (follow) follow.close();
    follow = null;
  };
  const startFollowing = () => {
    stopFollowing();
    const params = Object.fromEntries(Object.entries(filters()).map(([k, v]) => ['filter.' + k, v]));
    follow = new EventSource('/api/v1/logs/follow?' + query({ ...params, backlog: 20 }));
    follow.addEventListener('logs', event => {
      const logs = JSON.parse(event.data).logs || [];
      rows = logs.reverse().concat(rows).slice(0, LIVE_ROWS);
      draw();
    });
    follow.addEventListener('error', event => {
      if (event.data) fill(results, note('error', 'The live tail stopped: ' + event.data));
    });
    more.hidden = true;
  };
  const form = h('form', { class: 'filters', 'aria-label': 'Log filters' },
    field('Virtual service', vs), field('Status from', statusMin), field('Status to', statusMax),
    field('Client (CIDR)', client), field('URI prefix', uri), field('Slower than (ms)', latency),
    field('Window', span),
    h('div', { class: 'field' }, h('label', { for: 'live-tail' }, 'Live tail'), Object.assign(live, { id: 'live-tail' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search')));
  form.addEventListener('submit', event => {
    event.preventDefault();
    rows = [];
    if (live.checked) {
      startFollowing();
      draw();
    }
    else search('').catch(failed => fill(results, note('error', failed.message)));
  });
  live.addEventListener('change', () => form.requestSubmit());
  more.addEventListener('click', () => search(nextPage).catch(failed => fill(results, note('error', failed.message))));
  fill(main, h('h1', {}, 'Client logs'), form, results, more);
  await search('').catch(failed => fill(results, note('error', failed.message)));
  return stopFollowing;
}

const COLUMNS = [
  ['Time', log => fmt.time(log.time)],
  ['Virtual service', log => log.virtual_service],
  ['Client', log => log.client_ip],
  ['Request', log => `${log.method || ''} ${log.uri_path || ''}${log.uri_query ? '?' + log.uri_query : ''}`],
  ['Status', log => h('span', { class: log.status >= 500 ? 'bad' : log.status >= 400 ? 'warn' : null }, String(log.status || '–'))],
  ['Total', log => fmt.millis(fmt.ms((log.timing || {}).total))],
  ['App response', log => fmt.millis(fmt.ms((log.timing || {}).app_response))],
  ['Member', log => log.server_address || '–'],
];
