/// <reference lib="dom" />
import { type AuditEntry, api, type Phone, type Session, type Settings } from '../api.js';
import { dateTime, h, mount, when } from '../dom.js';
import { confirmDialog, toast } from './dialog.js';

const ACTIONS: Record<string, string> = {
  'pairing-attempt-ok': 'A phone paired',
  'pairing-attempt-wrong': 'A wrong pairing code was typed',
  'pairing-attempt-wrong-locked': 'Pairing locked after wrong codes',
  'pairing-attempt-locked': 'A pairing try while locked',
  'pairing-start-locked': 'A pairing code asked for while locked',
  'pairing-attempt-expired': 'An expired pairing code was typed',
  'pairing-started': 'A pairing code was spoken',
  'fingerprint-spoken': 'The certificate fingerprint was spoken',
  'phone-revoked': 'A phone was unpaired',
  'phones-revoked-all': 'All phones were unpaired',
  export: 'Everything was exported',
  'settings-changed': 'Settings changed',
};
const THINGS: Record<string, string> = {
  people: 'Person',
  notes: 'Note',
  encounters: 'Meeting',
  face_samples: 'Face sample',
  utterances: 'What you said',
  phones: 'Phone',
  profile: 'Profile',
  feedback: 'Answer feedback',
};
const DONE: Record<string, string> = {
  create: 'created',
  add: 'added',
  start: 'recorded',
  update: 'updated',
  rename: 'renamed',
  merge: 'merged',
  forget: 'forgotten',
  edit: 'edited',
  remove: 'deleted',
  prune: 'expired',
  set: 'changed',
  import: 'imported',
  pair: 'paired',
  revoke: 'unpaired',
};
const BY: Record<string, string> = { phone: 'from a phone', voice: 'by voice', device: 'by the device' };

function describeAudit(a: AuditEntry): string {
  const what = ACTIONS[a.action] ?? `${THINGS[a.table] ?? a.table} ${DONE[a.action] ?? a.action}`;
  const n = a.rowIds.length > 1 ? ` (${a.rowIds.length})` : '';
  return `${what}${n} ${BY[a.actor] ?? a.actor}`;
}

export async function renderSettings(root: HTMLElement, session: Session, rerender: () => void, onUnpaired: () => void): Promise<void> {
  const [{ settings, file }, phones, audit] = await Promise.all([
    api<{ settings: Settings; file: string }>('GET', '/api/settings'),
    api<Phone[]>('GET', '/api/phones'),
    api<AuditEntry[]>('GET', '/api/audit?limit=25'),
  ]);

  const cooldown = h('input', {
    type: 'number',
    min: 0,
    max: 86400,
    step: 30,
    value: settings.recallCooldownSeconds,
    'data-setting': 'recallCooldownSeconds',
  });
  const engine = h(
    'select',
    { 'data-setting': 'speechEngine' },
    ...(['flite', 'espeak-ng', 'say'] as const).map((e) => h('option', { value: e, selected: e === settings.speechEngine }, e)),
  );
  const voice = h('input', {
    type: 'text',
    value: settings.voice ?? '',
    placeholder: 'the engine default',
    maxlength: 64,
    'data-setting': 'voice',
  });
  const language = h('input', { type: 'text', value: settings.language, maxlength: 8, 'data-setting': 'language' });
  const capture = h('input', { type: 'checkbox', checked: settings.captureConversations, 'data-setting': 'captureConversations' });
  const form = h(
    'form',
    { class: 'card stack', 'data-role': 'settings-form' },
    h('label', { class: 'field' }, h('span', {}, 'Say a known person’s name again after (seconds)'), cooldown),
    h('label', { class: 'field' }, h('span', {}, 'Speech engine'), engine),
    h('label', { class: 'field' }, h('span', {}, 'Voice'), voice),
    h('label', { class: 'field' }, h('span', {}, 'Language'), language),
    h('label', { class: 'check' }, capture, h('span', {}, 'Summarise conversations with people I know (off by default)')),
    h('button', { type: 'submit', class: 'primary' }, 'Save settings'),
    h('p', { class: 'muted small' }, `Saved to ${file}. Some settings apply after mnemo restarts.`),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('PATCH', '/api/settings', {
        recallCooldownSeconds: Number(cooldown.value),
        speechEngine: engine.value,
        voice: voice.value.trim() || null,
        language: language.value.trim(),
        captureConversations: capture.checked,
      });
      toast('Settings saved');
    } catch (err) {
      toast((err as Error).message, 'error');
    }
  });

  const phoneItem = (ph: Phone) =>
    h(
      'li',
      { class: 'phone' },
      h('span', {}, ph.name, ph.id === session.phone.id ? h('strong', {}, ' (this phone)') : null),
      h('span', { class: 'muted' }, `paired ${when(ph.pairedAt)}`),
      h(
        'button',
        {
          type: 'button',
          class: 'link danger',
          onclick: async () => {
            if (
              !(await confirmDialog({
                title: `Unpair ${ph.name}?`,
                body: ['It will need a new code to see your memories again.'],
                confirm: 'Unpair',
                danger: true,
              }))
            )
              return;
            await api('DELETE', `/api/phones/${ph.id}`);
            if (ph.id === session.phone.id) onUnpaired();
            else rerender();
          },
        },
        'Unpair',
      ),
    );

  mount(
    root,
    h('h1', {}, 'Settings'),
    form,
    h('h2', {}, 'Paired phones'),
    h('ul', { class: 'phones' }, ...phones.map(phoneItem)),
    h(
      'button',
      {
        type: 'button',
        class: 'danger',
        onclick: async () => {
          if (
            !(await confirmDialog({
              title: 'Unpair every phone?',
              body: ['This one too. Each phone needs a new code afterwards.'],
              confirm: 'Unpair all',
              danger: true,
            }))
          )
            return;
          await api('POST', '/api/phones/revoke-all');
          onUnpaired();
        },
      },
      'Unpair all phones',
    ),
    h('h2', {}, 'Your data'),
    h('p', {}, 'Everything mnemo remembers, in one open JSON file (faces included).'),
    h('a', { class: 'button', href: '/api/export', download: 'mnemo-export.json', 'data-action': 'export' }, 'Download everything'),
    h('p', { class: 'small muted' }, `Certificate fingerprint: ${session.fingerprint}`),
    h('h2', {}, 'Activity'),
    audit.length
      ? h(
          'ul',
          { class: 'audit' },
          ...audit.map((a) => h('li', {}, h('span', { class: 'when' }, dateTime(a.at)), h('span', {}, describeAudit(a)))),
        )
      : h('p', { class: 'muted' }, 'Nothing yet.'),
  );
}
