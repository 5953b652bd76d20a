// The autoscaler's decisions, each with the figures it decided on.
import { get, query, since } from '../api.js';
import { fill, fmt, h, table } from '../dom.js';

export async function render(main) {
  const list = h('div');
  fill(main, h('h1', {}, 'Autoscaling'), h('p', { class: 'muted' }, 'Decisions of the last seven days, newest first.'), list);
  const answer = await get('/api/v1/autoscale-decisions?' + query({ ...since(7 * 86400), page_size: 100 }));
  fill(list, table([
    ['Time', d => fmt.time(d.time)],
    ['App', d => d.app_id],
    ['Policy', d => d.policy],
    ['Decision', d => h('span', { class: d.action === 'AUTOSCALE_ACTION_FAILED' ? 'bad' : null },
      fmt.enumName(d.action, 'AUTOSCALE_ACTION_') + (d.dry_run ? ' (dry run)' : ''))],
    ['Instances', d => `${d.current_instances || 0} → ${d.target_instances || 0}`],
    ['Because', d => `${d.metric || ''} ${(d.observed_value || 0).toFixed(2)} against ${(d.threshold || 0).toFixed(2)}`],
    ['Detail', d => d.message || ''],
  ], answer.decisions || [], 'No decisions yet: an app scales when its autoscale policy says so.', 'Autoscale decisions'));
}
