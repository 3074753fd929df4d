/// <reference lib="dom" />
import { ApiError, api, type PairingStatus, type Session, setCsrf } from './api.js';
import { h, mount } from './dom.js';
import { toast } from './views/dialog.js';
import { renderPair } from './views/pair.js';
import { renderPeople } from './views/people.js';
import { renderPerson } from './views/person.js';
import { renderSettings } from './views/settings.js';

/*
 * The phone review app: a hash router over four views. Everything comes from this
 * device; the session is an HttpOnly cookie, so the page itself only ever holds the
 * CSRF token it sends back on changes.
 */

const root = document.getElementById('app') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
let session: Session | null = null;

async function ensureSession(): Promise<Session | null> {
  if (session) return session;
  // The public status says whether the cookie is a live session, so an unpaired phone never gets a 401.
  if (!(await api<PairingStatus>('GET', '/api/pairing')).paired) return null;
  try {
    session = await api<Session>('GET', '/api/session');
    setCsrf(session.csrfToken);
    return session;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

function unpaired(): void {
  session = null;
  setCsrf('');
  location.hash = '#/';
  void route();
}

async function route(): Promise<void> {
  try {
    const s = await ensureSession();
    nav.hidden = !s;
    if (!s) {
      await renderPair(root, () => {
        location.hash = '#/';
        void route();
      });
      return;
    }
    const hash = location.hash.replace(/^#/, '') || '/';
    const person = /^\/person\/(\d+)$/.exec(hash);
    if (person) return await renderPerson(root, Number(person[1]), route);
    if (hash === '/settings') return await renderSettings(root, s, route, unpaired);
    const q = new URLSearchParams(hash.split('?')[1] ?? '').get('q') ?? '';
    return await renderPeople(root, q);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return unpaired();
    if (err instanceof ApiError && err.status === 404) {
      mount(root, h('p', {}, 'That is no longer here.'), h('a', { href: '#/' }, 'Back to people'));
      return;
    }
    toast(err instanceof Error ? err.message : 'Something went wrong', 'error');
  }
}

window.addEventListener('hashchange', () => {
  window.scrollTo(0, 0);
  void route();
});
window.addEventListener('unhandledrejection', (e) => {
  toast(e.reason instanceof Error ? e.reason.message : 'Something went wrong', 'error');
});
void route();
