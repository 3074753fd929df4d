/// <reference lib="dom" />
import { h, mount } from '../dom.js';

export interface ConfirmOptions {
  title: string;
  body: Array<Node | string>;
  confirm: string;
  danger?: boolean;
  /** The user must type this exactly before the confirm button works (used for forgetting). */
  typeToConfirm?: string;
}

/** A modal confirmation: resolves true only when the confirm button is pressed. */
export function confirmDialog(opts: ConfirmOptions): Promise<boolean> {
  const dialog = document.getElementById('dialog') as HTMLDialogElement;
  return new Promise((resolve) => {
    const ok = h('button', { type: 'button', class: opts.danger ? 'danger' : 'primary', 'data-action': 'confirm' }, opts.confirm);
    const cancel = h('button', { type: 'button', 'data-action': 'cancel' }, 'Cancel');
    const typed = opts.typeToConfirm
      ? h('input', {
          type: 'text',
          autocomplete: 'off',
          'aria-label': `Type ${opts.typeToConfirm} to confirm`,
          'data-role': 'type-to-confirm',
        })
      : null;
    if (typed && opts.typeToConfirm) {
      ok.disabled = true;
      const expected = opts.typeToConfirm;
      typed.addEventListener('input', () => {
        ok.disabled = typed.value.trim() !== expected;
      });
    }
    const done = (value: boolean) => {
      dialog.close();
      resolve(value);
    };
    ok.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    dialog.onclose = () => resolve(false);
    dialog.oncancel = () => resolve(false);
    mount(
      dialog,
      h('h2', {}, opts.title),
      ...opts.body.map((b) => (typeof b === 'string' ? h('p', {}, b) : b)),
      typed ? h('label', { class: 'field' }, h('span', {}, `Type “${opts.typeToConfirm}” to confirm`), typed) : null,
      h('div', { class: 'actions' }, cancel, ok),
    );
    dialog.showModal();
    (typed ?? cancel).focus();
  });
}

/** A one-field prompt (rename, edit a note); resolves the new text or null. */
export function promptDialog(
  title: string,
  label: string,
  value: string,
  opts: { multiline?: boolean; confirm?: string } = {},
): Promise<string | null> {
  const dialog = document.getElementById('dialog') as HTMLDialogElement;
  return new Promise((resolve) => {
    const input = opts.multiline
      ? h('textarea', { rows: 4, maxlength: 2000, 'data-role': 'prompt' })
      : h('input', { type: 'text', maxlength: 100, autocomplete: 'off', 'data-role': 'prompt' });
    input.value = value;
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', {}, title),
      h('label', { class: 'field' }, h('span', {}, label), input),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', 'data-action': 'cancel', onclick: () => dialog.close() }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary', 'data-action': 'confirm' }, opts.confirm ?? 'Save'),
      ),
    );
    let result: string | null = null;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const v = input.value.trim();
      if (!v) return;
      result = v;
      dialog.close();
    });
    dialog.onclose = () => resolve(result);
    dialog.oncancel = null;
    mount(dialog, form);
    dialog.showModal();
    input.focus();
    input.select();
  });
}

/** A short message at the bottom of the screen. */
export function toast(text: string, kind: 'ok' | 'error' = 'ok'): void {
  for (const old of document.querySelectorAll('.toast')) old.remove();
  const el = h('div', { class: `toast ${kind}`, role: 'status' }, text);
  document.body.append(el);
  setTimeout(() => el.remove(), 4000);
}
