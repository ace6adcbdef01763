// Building blocks every page uses: loading and error states (with the test ids the browser
// tests look for), tables, form fields, dialogs and badges.
import { errorText, isAbort, ApiError } from '../api/client';
import { h, replace, type Child } from '../lib/dom';

export function loading(text = 'Loading…'): HTMLElement {
  return h('p', { class: 'loading', 'data-testid': 'loading', role: 'status', 'aria-live': 'polite' }, text);
}

export function errorBox(error: unknown): HTMLElement {
  const text = typeof error === 'string' ? error : errorText(error);
  return h('div', { class: 'error', 'data-testid': 'error', role: 'alert' }, text);
}

/**
 * Shows a loading state in `slot`, then what `render` makes of `load()`'s result, or the error.
 * Returns the value (undefined on error or when the page was left).
 */
export async function loadInto<T>(
  slot: HTMLElement,
  signal: AbortSignal,
  load: () => Promise<T>,
  render: (value: T) => Child,
  options: { quiet?: boolean } = {},
): Promise<T | undefined> {
  if (!options.quiet) replace(slot, loading());
  try {
    const value = await load();
    if (signal.aborted) return undefined;
    replace(slot, render(value));
    return value;
  } catch (error) {
    if (signal.aborted || isAbort(error) || (error instanceof ApiError && error.isAuth)) return undefined;
    replace(slot, errorBox(error));
    return undefined;
  }
}

export interface TableColumn<Row> {
  header: string;
  cell: (row: Row) => Child;
  /** Right-aligned numbers. */
  numeric?: boolean;
  className?: string;
}

export function table<Row>(
  columns: readonly TableColumn<Row>[],
  rows: readonly Row[],
  rowAttrs: (row: Row) => Record<string, string | number | boolean | null | undefined> = () => ({}),
  options: { caption?: string; empty?: string } = {},
): HTMLElement {
  const body = h(
    'tbody',
    null,
    rows.map((row) =>
      h('tr', rowAttrs(row), columns.map((c) => h('td', { class: cellClass(c) }, c.cell(row)))),
    ),
  );
  if (rows.length === 0) body.append(h('tr', null, h('td', { colspan: columns.length, class: 'empty' }, options.empty ?? 'Nothing to show.')));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      null,
      options.caption ? h('caption', null, options.caption) : null,
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: cellClass(c) }, c.header)))),
      body,
    ),
  );
}

function cellClass<Row>(column: TableColumn<Row>): string | undefined {
  return [column.numeric ? 'num' : '', column.className ?? ''].join(' ').trim() || undefined;
}

/** A labelled control; the label wraps it so clicking the text focuses the control. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control, hint ? h('small', { class: 'hint' }, hint) : null);
}

export function select(
  options: readonly (string | [value: string, label: string])[],
  attrs: Record<string, string | number | boolean | null | undefined | ((e: Event) => void)> = {},
  selected = '',
): HTMLSelectElement {
  return h(
    'select',
    attrs,
    options.map((o) => {
      const [value, label] = typeof o === 'string' ? [o, o] : o;
      return h('option', { value, selected: value === selected }, label);
    }),
  );
}

export function badge(text: string, kind = ''): HTMLElement {
  return h('span', { class: `badge ${kind}`.trim() }, text);
}

const kStatusKinds: Record<string, string> = {
  Available: 'ok',
  Preparing: 'busy',
  Charging: 'busy',
  SuspendedEV: 'busy',
  SuspendedEVSE: 'busy',
  Finishing: 'busy',
  Occupied: 'busy',
  Reserved: 'info',
  Unavailable: 'muted',
  Faulted: 'bad',
  critical: 'bad',
  warning: 'warn',
  info: 'info',
  open: 'bad',
  acknowledged: 'warn',
  resolved: 'ok',
};

export function statusBadge(status: string | null | undefined): HTMLElement {
  return badge(status ?? 'unknown', kStatusKinds[status ?? ''] ?? 'muted');
}

export function onlineBadge(online: boolean, testId?: string): HTMLElement {
  return h('span', { class: `badge ${online ? 'ok' : 'muted'}`, 'data-testid': testId, 'data-online': String(online) }, online ? 'Online' : 'Offline');
}

export interface DialogOptions {
  title: string;
  body: Child;
  submitLabel: string;
  submitTestId?: string;
  /** Runs on submit; the dialog stays open to show the outcome unless it returns 'close'. */
  onSubmit: (dialog: HTMLDialogElement) => Promise<'close' | void>;
}

/**
 * A modal <dialog> with a form. Escape and "Close" dismiss it; focus returns to what opened it.
 * Errors of onSubmit are shown inside the dialog (data-testid="error").
 */
export function openDialog(options: DialogOptions): HTMLDialogElement {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const message = h('div', { class: 'dialog-message', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': options.submitTestId }, options.submitLabel);
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', null, options.title),
    h('div', { class: 'dialog-body' }, options.body),
    message,
    h('div', { class: 'dialog-actions' }, submit, h('button', { type: 'button', onClick: () => dialog.close() }, 'Close')),
  );
  const dialog = h('dialog', { 'aria-label': options.title }, form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run();
  });
  async function run(): Promise<void> {
    submit.disabled = true;
    replace(message, loading('Sending…'));
    try {
      const outcome = await options.onSubmit(dialog);
      if (outcome === 'close') dialog.close();
      else if (message.querySelector('[data-testid="loading"]')) message.replaceChildren();
    } catch (error) {
      replace(message, errorBox(error));
    } finally {
      submit.disabled = false;
    }
  }
  dialog.addEventListener('close', () => {
    dialog.remove();
    opener?.focus();
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  return dialog;
}

export function setMessage(dialog: HTMLDialogElement, ...children: Child[]): void {
  const slot = dialog.querySelector<HTMLElement>('.dialog-message');
  if (slot) replace(slot, ...children);
}

export function pageHeader(title: string, ...extra: Child[]): HTMLElement {
  return h('div', { class: 'page-header' }, h('h1', null, title), extra.length ? h('div', { class: 'page-actions' }, extra) : null);
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), children);
}
