/// <reference lib="dom" />
import { api, type PersonSummary } from '../api.js';
import { h, initials, mount, plural, when } from '../dom.js';

export function avatar(p: Pick<PersonSummary, 'name' | 'thumbnail'>, size: 'small' | 'large' = 'small'): HTMLElement {
  const fallback = h('span', { class: `avatar ${size} initials`, 'aria-hidden': 'true' }, initials(p.name));
  if (!p.thumbnail) return fallback;
  const img = h('img', { class: `avatar ${size}`, src: p.thumbnail, alt: `Face of ${p.name}`, loading: 'lazy', decoding: 'async' });
  img.addEventListener('error', () => img.replaceWith(fallback));
  return img;
}

function card(p: PersonSummary): HTMLElement {
  return h(
    'a',
    { class: 'person-card', href: `#/person/${p.id}`, 'data-person-id': p.id },
    avatar(p),
    h('span', { class: 'name' }, p.name),
    h('span', { class: 'meta' }, p.lastSeen === null ? 'Not seen yet' : `Seen ${when(p.lastSeen)}`),
    h('span', { class: 'meta' }, `${plural(p.encounters, 'meeting')} · ${plural(p.notes, 'note')}`),
  );
}

function emptyState(): HTMLElement {
  return h(
    'section',
    { class: 'empty card stack', 'data-role': 'empty' },
    h('h2', {}, 'No one here yet'),
    h('p', {}, 'mnemo learns people when you introduce them. To meet someone:'),
    h(
      'ol',
      { class: 'steps' },
      h('li', {}, 'Look at the person so their face is in the middle of the view.'),
      h('li', {}, 'Press the glasses button (or say the wake word) and say “this is Ana, she works on drones”.'),
      h('li', {}, 'mnemo answers “Nice to meet Ana” and remembers her face, where you met and your note.'),
    ),
    h('p', { class: 'muted' }, 'Next time Ana is in view you will hear her name. She will show up here to review, rename or forget.'),
  );
}

let searchTimer: ReturnType<typeof setTimeout> | undefined;

export async function renderPeople(root: HTMLElement, query = ''): Promise<void> {
  const people = await api<PersonSummary[]>('GET', query ? `/api/people?q=${encodeURIComponent(query)}` : '/api/people');
  const grid = h('div', { class: 'grid', 'data-role': 'people-grid' }, ...people.map(card));
  const search = h('input', {
    type: 'search',
    placeholder: 'Search names, notes, places',
    'aria-label': 'Search people',
    'data-role': 'search',
    value: query,
    autocomplete: 'off',
  });
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      const q = search.value.trim();
      history.replaceState(null, '', q ? `#/?q=${encodeURIComponent(q)}` : '#/');
      void renderPeople(root, q).then(() => {
        const again = root.querySelector<HTMLInputElement>('[data-role=search]');
        again?.focus();
        again?.setSelectionRange(q.length, q.length);
      });
    }, 200);
  });
  const nobodyAtAll = people.length === 0 && !query;
  mount(
    root,
    h(
      'div',
      { class: 'row' },
      h('h1', {}, 'People'),
      h('span', { class: 'count muted' }, people.length ? plural(people.length, 'person', 'people') : ''),
    ),
    nobodyAtAll ? null : search,
    nobodyAtAll ? emptyState() : people.length ? grid : h('p', { class: 'muted', 'data-role': 'no-results' }, `No one matches “${query}”.`),
  );
}
