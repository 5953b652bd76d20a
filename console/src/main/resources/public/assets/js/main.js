// The console's shell: who is logged in, the setup wizard on a first start, and one page per
// route. A page is a module whose render(main, route) may return a function that stops it.
import { call, get, session } from './api.js';
import { fill, h, note, route } from './dom.js';
import * as setup from './pages/setup.js';
import * as login from './pages/login.js';
import * as dashboard from './pages/dashboard.js';
import * as virtualService from './pages/virtual-service.js';
import * as logs from './pages/logs.js';
import * as appMap from './pages/app-map.js';
import * as engines from './pages/engines.js';
import * as autoscaling from './pages/autoscaling.js';
import * as policy from './pages/policy.js';

const pages = {
  '': dashboard,
  vs: virtualService,
  logs,
  map: appMap,
  engines,
  autoscaling,
  policy,
  setup,
};

const main = document.getElementById('main');
let stop = null;
let account = null;

async function show() {
  if (stop) {
    stop();
    stop = null;
  }
  const current = route();
  const page = account ? pages[current.parts[0] || ''] : null;
  document.querySelectorAll('#nav a').forEach(a => {
    const here = a.getAttribute('href').replace(/^#\/?/, '').split('/')[0] === (current.parts[0] || '');
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  if (!account) {
    const needed = (await get('/api/v1/setup')).needed;
    stop = await (needed ? setup : login).render(main, current, loggedIn);
    return;
  }
  if (!page) {
    fill(main, note('error', 'No page here. ', h('a', { href: '#/' }, 'Back to the dashboard')));
    return;
  }
  try {
    stop = await page.render(main, current, loggedIn);
  } catch (failed) {
    fill(main, note('error', failed.message));
  }
}

function loggedIn(who) {
  account = who;
  session(who ? who.csrf_token : null, loggedOut);
  document.getElementById('nav').hidden = !who;
  const whoSlot = document.getElementById('who');
  if (!who) {
    whoSlot.replaceChildren();
    return;
  }
  fill(whoSlot, `${who.account} (${who.role}) `,
    h('button', { type: 'button', class: 'link', onclick: logOut }, 'Log out'));
}

function loggedOut() {
  if (!account) return;
  loggedIn(null);
  show();
}

async function logOut() {
  try {
    await call('DELETE', '/api/v1/session');
  } finally {
    loggedIn(null);
    location.hash = '#/';
    show();
  }
}

async function boot() {
  try {
    loggedIn(await get('/api/v1/session'));
  } catch (notLoggedIn) {
    loggedIn(null);
  }
  window.addEventListener('hashchange', show);
  show();
}

boot();
