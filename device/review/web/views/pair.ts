/// <reference lib="dom" />
import { ApiError, api, type PairingStatus, type Session, setCsrf } from '../api.js';
import { h, mount } from '../dom.js';

/** The only page an unpaired phone can see. */
export async function renderPair(root: HTMLElement, onPaired: () => void): Promise<void> {
  const status = await api<PairingStatus>('GET', '/api/pairing');
  const message = h('p', { class: 'message', role: 'alert', 'data-role': 'pair-message' });
  const show = (text: string, kind: 'info' | 'error' = 'info') => {
    message.textContent = text;
    message.className = `message ${kind}`;
  };
  const code = h('input', {
    id: 'code',
    name: 'code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]{6}',
    maxlength: 6,
    required: true,
    placeholder: '······',
    class: 'code',
  });
  const name = h('input', { id: 'phone-name', name: 'name', maxlength: 100, placeholder: 'My phone', autocomplete: 'off' });
  const send = h(
    'button',
    {
      type: 'button',
      'data-action': 'request-code',
      onclick: async () => {
        try {
          await api('POST', '/api/pairing/request');
          show('Listen: a 6-digit code is being spoken in your glasses. It works once, for 2 minutes.');
          code.focus();
        } catch (err) {
          show((err as Error).message, 'error');
        }
      },
    },
    'Send a code to my glasses',
  );
  const form = h(
    'form',
    { class: 'card stack', 'data-role': 'pair-form' },
    h('label', { class: 'field', for: 'code' }, h('span', {}, 'Code you heard'), code),
    h('label', { class: 'field', for: 'phone-name' }, h('span', {}, 'Name for this phone (optional)'), name),
    h('button', { type: 'submit', class: 'primary', 'data-action': 'pair' }, 'Pair this phone'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(code.value.trim())) return show('The code is six digits.', 'error');
    try {
      const body: { code: string; name?: string } = { code: code.value.trim() };
      if (name.value.trim()) body.name = name.value.trim();
      const session = await api<Session>('POST', '/api/pairing', body);
      setCsrf(session.csrfToken);
      onPaired();
    } catch (err) {
      code.value = '';
      show(err instanceof ApiError ? err.message : 'Could not reach your device.', 'error');
    }
  });
  if (status.locked && status.lockedUntil) {
    show(`Pairing is locked until ${new Date(status.lockedUntil).toLocaleTimeString()} after too many wrong codes.`, 'error');
  }
  mount(
    root,
    h(
      'section',
      { class: 'pair stack' },
      h('h1', {}, 'Pair this phone'),
      h(
        'ol',
        { class: 'steps' },
        h('li', {}, 'Say “pair my phone”, long-press the glasses button, or tap the button below.'),
        h('li', {}, 'Type the 6 digits you hear in your glasses.'),
      ),
      send,
      message,
      form,
      h(
        'details',
        { class: 'fingerprint' },
        h('summary', {}, 'Is this really my device?'),
        h('p', {}, 'Your browser warned about the certificate because your device made it itself. Its SHA-256 fingerprint is:'),
        h('code', { 'data-role': 'fingerprint' }, status.fingerprint),
        h(
          'button',
          {
            type: 'button',
            'data-action': 'say-fingerprint',
            onclick: async () => {
              try {
                await api('POST', '/api/pairing/fingerprint');
                show('Listen: your glasses are reading the start of the fingerprint.');
              } catch (err) {
                show((err as Error).message, 'error');
              }
            },
          },
          'Say it in my glasses',
        ),
        h(
          'p',
          {},
          'Compare what you hear with the SHA-256 fingerprint your browser shows for this site’s certificate (tap the icon next to the address). If they differ, do not pair: this is not your device.',
        ),
      ),
    ),
  );
}
