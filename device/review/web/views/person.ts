/// <reference lib="dom" />
import { api, type Note, type PersonDetail, type PersonSummary } from '../api.js';
import { dateTime, h, mount, plural, when } from '../dom.js';
import { confirmDialog, promptDialog, toast } from './dialog.js';
import { avatar } from './people.js';

function encounterItem(e: PersonDetail['encounters'][number]): HTMLElement {
  const how = e.source === 'face' ? 'Seen' : e.source === 'voice' ? 'Introduced by voice' : 'Added from the phone';
  return h(
    'li',
    { class: 'encounter' },
    h('span', { class: 'when' }, dateTime(e.startedAt)),
    h('span', {}, `${how}${e.place ? ` at ${e.place}` : ''}`),
    e.context ? h('span', { class: 'muted' }, e.context) : null,
  );
}

export async function renderPerson(root: HTMLElement, id: number, rerender: () => void): Promise<void> {
  const detail = await api<PersonDetail>('GET', `/api/people/${id}`);
  const p = detail.person;

  const noteItem = (n: Note) =>
    h(
      'li',
      { class: 'note', 'data-note-id': n.id },
      h('p', {}, n.text),
      h(
        'div',
        { class: 'note-actions' },
        h('span', { class: 'muted' }, when(n.createdAt)),
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            'data-action': 'edit-note',
            onclick: async () => {
              const text = await promptDialog('Edit note', 'Note', n.text, { multiline: true });
              if (text === null || text === n.text) return;
              await api('PATCH', `/api/notes/${n.id}`, { text });
              rerender();
            },
          },
          'Edit',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'link danger',
            'data-action': 'delete-note',
            onclick: async () => {
              if (!(await confirmDialog({ title: 'Delete this note?', body: [`“${n.text}”`], confirm: 'Delete note', danger: true })))
                return;
              await api('DELETE', `/api/notes/${n.id}`);
              rerender();
            },
          },
          'Delete',
        ),
      ),
    );

  const noteInput = h('textarea', {
    rows: 2,
    maxlength: 2000,
    placeholder: `Something to remember about ${p.name}`,
    'data-role': 'note-input',
  });
  const noteForm = h(
    'form',
    { class: 'add-note stack' },
    noteInput,
    h('button', { type: 'submit', class: 'primary', 'data-action': 'add-note' }, 'Add note'),
  );
  noteForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = noteInput.value.trim();
    if (!text) return;
    await api('POST', `/api/people/${p.id}/notes`, { text });
    rerender();
  });

  const rename = async () => {
    const name = await promptDialog(`Rename ${p.name}`, 'Name', p.name, { confirm: 'Rename' });
    if (name === null || name === p.name) return;
    await api('PATCH', `/api/people/${p.id}`, { name });
    toast(`Renamed to ${name}`);
    rerender();
  };

  const merge = async () => {
    const others = (await api<PersonSummary[]>('GET', '/api/people')).filter((o) => o.id !== p.id);
    if (!others.length) return toast('There is no one else to merge with.', 'error');
    const select = h(
      'select',
      { 'data-role': 'merge-select', 'aria-label': 'Person to merge in' },
      ...others.map((o) => h('option', { value: o.id }, `${o.name} (${plural(o.encounters, 'meeting')})`)),
    );
    const ok = await confirmDialog({
      title: `Merge into ${p.name}`,
      body: [
        'Use this when mnemo thinks one person is two. Their faces, meetings and notes move here, and the other entry is removed.',
        h('label', { class: 'field' }, h('span', {}, `Merge this person into ${p.name}`), select),
      ],
      confirm: 'Merge',
    });
    if (!ok) return;
    const other = others.find((o) => o.id === Number(select.value));
    await api('POST', `/api/people/${p.id}/merge`, { dropId: Number(select.value) });
    toast(`Merged ${other?.name ?? 'them'} into ${p.name}`);
    rerender();
  };

  const forget = async () => {
    const preview = await api<{ token: string; person: PersonSummary }>('POST', `/api/people/${p.id}/forget/preview`);
    const s = preview.person;
    const ok = await confirmDialog({
      title: `Forget ${s.name}?`,
      body: [
        `This deletes ${plural(s.samples, 'face sample')}, ${plural(s.encounters, 'meeting')} and ${plural(s.notes, 'note')} for good. mnemo will not recognise ${s.name} again. This cannot be undone.`,
      ],
      confirm: `Forget ${s.name}`,
      danger: true,
      typeToConfirm: s.name,
    });
    if (!ok) return;
    await api('POST', `/api/people/${p.id}/forget`, { token: preview.token });
    toast(`${s.name} is forgotten`);
    location.hash = '#/';
  };

  mount(
    root,
    h('a', { href: '#/', class: 'back' }, '← People'),
    h(
      'section',
      { class: 'person-head' },
      avatar(p, 'large'),
      h(
        'div',
        { class: 'stack tight' },
        h('h1', { 'data-role': 'person-name' }, p.name),
        h(
          'span',
          { class: 'muted' },
          `${plural(p.samples, 'face sample')} · ${plural(p.encounters, 'meeting')} · last seen ${when(p.lastSeen)}`,
        ),
        h('button', { type: 'button', 'data-action': 'rename', onclick: rename }, 'Rename'),
      ),
    ),
    h('h2', {}, 'Notes'),
    detail.notes.length ? h('ul', { class: 'notes' }, ...detail.notes.map(noteItem)) : h('p', { class: 'muted' }, 'No notes yet.'),
    noteForm,
    h('h2', {}, 'Meetings'),
    detail.encounters.length
      ? h('ul', { class: 'encounters' }, ...detail.encounters.map(encounterItem))
      : h('p', { class: 'muted' }, 'No meetings recorded.'),
    h(
      'section',
      { class: 'danger-zone stack' },
      h('h2', {}, 'Fix mistakes'),
      h('button', { type: 'button', 'data-action': 'merge', onclick: merge }, 'Merge with someone else…'),
      h('button', { type: 'button', class: 'danger', 'data-action': 'forget', onclick: forget }, `Forget ${p.name}…`),
    ),
  );
}
