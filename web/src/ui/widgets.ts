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
  /** A dialog that only shows something: no submit button. */
  readOnly?: boolean;
  /** Runs once the dialog has closed (Escape, "Close" or after a submit). */
  onClose?: () => void;
  /** false: onSubmit checks the fields itself (and says what is wrong in the dialog). */
  nativeValidation?: boolean;
  /** A wider dialog for a long form. */
  wide?: boolean;
}

let dialogCount = 0;

/** The first control of the dialog's body, else its submit button, else "Close". */
function initialFocus(dialog: HTMLDialogElement): HTMLElement | null {
  return (
    dialog.querySelector<HTMLElement>('[autofocus]') ??
    dialog.querySelector<HTMLElement>('.dialog-body :is(input:not([type=hidden]), select, textarea):not(:disabled)') ??
    dialog.querySelector<HTMLElement>('.dialog-actions button')
  );
}

/**
 * Where focus goes back to when a dialog closes: the opener, or (when the list it was in has been
 * drawn again) the element that took its place, else the page's main region.
 */
export function returnFocusTarget(opener: HTMLElement | null): HTMLElement | null {
  if (opener?.isConnected) return opener;
  const testId = opener?.dataset.testid;
  if (opener && testId) {
    const row = opener.closest<HTMLElement>('[data-testid][data-testid$="-row"]');
    const keys = row ? Object.entries(row.dataset).filter(([k]) => k !== 'testid') : [];
    const rowSelector = row ? `[data-testid="${CSS.escape(row.dataset.testid ?? '')}"]${keys.map(([k, v]) => `[data-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${CSS.escape(v ?? '')}"]`).join('')} ` : '';
    const same = document.querySelector<HTMLElement>(`${rowSelector}[data-testid="${CSS.escape(testId)}"]`);
    if (same) return same;
  }
  return document.getElementById('main');
}

/** Closes every open dialog (the page under them is being replaced). */
export function closeDialogs(): void {
  for (const dialog of document.querySelectorAll('dialog')) if (dialog.open) dialog.close();
}

/**
 * A modal <dialog> with a form. Escape and "Close" dismiss it; focus moves to its first control
 * when it opens and returns to what opened it when it closes. Errors of onSubmit are shown inside
 * the dialog (data-testid="error").
 */
export function openDialog(options: DialogOptions): HTMLDialogElement {
  const opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
  const titleId = `dialog-title-${++dialogCount}`;
  const message = h('div', { class: 'dialog-message', 'aria-live': 'polite' });
  const submit = options.readOnly ? null : h('button', { type: 'submit', class: 'primary', 'data-testid': options.submitTestId }, options.submitLabel);
  const form = h(
    'form',
    { method: 'dialog', novalidate: true },
    h('h2', { id: titleId }, options.title),
    h('div', { class: 'dialog-body' }, options.body),
    message,
    h('div', { class: 'dialog-actions' }, submit, h('button', { type: 'button', 'data-testid': 'dialog-close', onClick: () => dialog.close() }, 'Close')),
  );
  const dialog = h('dialog', { 'aria-labelledby': titleId, 'aria-modal': 'true', class: options.wide ? 'wide' : undefined }, form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (submit?.disabled) return;
    // The browser's own checks first (required, pattern, type=email): they name the field.
    if (options.nativeValidation !== false && !form.checkValidity()) {
      form.reportValidity();
      return;
    }
    void run();
  });
  // Escape closes even while a request runs (its answer is then dropped with the dialog).
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !event.defaultPrevented && dialog.open) {
      event.preventDefault();
      dialog.close();
    }
  });
  async function run(): Promise<void> {
    if (!submit) return;
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
    returnFocusTarget(opener)?.focus();
    options.onClose?.();
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  initialFocus(dialog)?.focus();
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

/** A folded card whose content loads the first time it is opened; `refresh` loads it again if it was. */
export function foldedCard(title: string, testId: string, content: Child[], load: () => Promise<void>): { details: HTMLElement; refresh: () => void } {
  const details = h('details', { class: 'card', 'data-testid': testId }, h('summary', null, h('h2', null, title)), content);
  let opened = false;
  details.addEventListener('toggle', () => {
    if (!details.open || opened) return;
    opened = true;
    void load();
  });
  return { details, refresh: () => void (opened ? load() : undefined) };
}
