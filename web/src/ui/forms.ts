// Form helpers the edit dialogs share: time zone inputs, browser-local date-times, PATCH bodies
// with only what changed, and a confirmation dialog for deleting.
import { errorText, isAbort } from '../api/client';
import { h, type Child } from '../lib/dom';
import { openDialog } from './widgets';

/** Whether Intl knows the IANA zone (the server checks its own tz database too). */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const kZoneListId = 'csms-time-zones';

function zoneList(): void {
  if (document.getElementById(kZoneListId)) return;
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  document.body.append(h('datalist', { id: kZoneListId }, ['UTC', ...zones].map((z) => h('option', { value: z }))));
}

/** A text input for an IANA zone with the browser's zones as suggestions. */
export function timeZoneInput(value: string, attrs: Record<string, string | boolean> = {}): HTMLInputElement {
  zoneList();
  return h('input', { type: 'text', value, list: kZoneListId, autocomplete: 'off', spellcheck: 'false', placeholder: 'Europe/Berlin', ...attrs });
}

/** A datetime-local value ("2026-03-01T08:30") for an instant, in this browser's zone. */
export function toLocalInput(value: string | Date | null | undefined): string {
  if (!value) return '';
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** RFC 3339 (UTC) of a datetime-local value read in this browser's zone; undefined when malformed. */
export function fromLocalInput(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return undefined;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * The fields of `next` that differ from `original` (a PATCH changes exactly what it names).
 * Values compare as JSON, so null vs. a missing field counts as the same.
 */
export function changedFields<T extends Record<string, unknown>>(original: Partial<T>, next: Partial<T>): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(next) as (keyof T)[]) {
    const before = original[key] ?? null;
    const after = next[key] ?? null;
    if (JSON.stringify(before) !== JSON.stringify(after)) out[key] = next[key];
  }
  return out;
}

/** A JSON object typed by the user; throws naming the field when it is not JSON or not an object. */
export function parseJsonObject(text: string, label: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${label} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${label} must be a JSON object ({…})`);
  return value as Record<string, unknown>;
}

/** Checks a station or site id as the API takes it (1 to 48 printable characters without ':' or '/'). */
export function checkResourceId(id: string): void {
  if (!/^[^\u0000-\u0020\u007F:/]{1,48}$/.test(id)) throw new Error('Id: 1 to 48 printable characters without spaces, “:” or “/”');
}

/** Trimmed text, or null when empty (a PATCH clears the field with null). */
export function textOrNull(input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement): string | null {
  const text = input.value.trim();
  return text === '' ? null : text;
}

/** A whole number from an input, null when empty; throws naming the field when malformed or out of range. */
export function intOrNull(input: HTMLInputElement, label: string, min = -Infinity, max = Infinity): number | null {
  const text = input.value.trim();
  if (text === '') return null;
  if (!/^-?\d+$/.test(text)) throw new Error(`${label} must be a whole number, not “${text}”`);
  const value = Number(text);
  if (value < min || value > max) throw new Error(`${label} must be between ${min} and ${max}`);
  return value;
}

/** A number from an input, null when empty; throws naming the field when malformed or out of range. */
export function numberOrNull(input: HTMLInputElement, label: string, min = -Infinity, max = Infinity): number | null {
  const text = input.value.trim().replace(',', '.');
  if (text === '') return null;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${label} must be a number, not “${input.value.trim()}”`);
  if (value < min || value > max) throw new Error(`${label} must be between ${min} and ${max}`);
  return value;
}

/** Asks before something that cannot be undone; `onConfirm` runs on "Delete". */
export function confirmDialog(options: { title: string; text: Child; confirmLabel: string; testId?: string; onConfirm: () => Promise<void> }): void {
  openDialog({
    title: options.title,
    body: h('p', null, options.text),
    submitLabel: options.confirmLabel,
    submitTestId: options.testId,
    onSubmit: async () => {
      await options.onConfirm();
      return 'close';
    },
  });
}

/** Adds the loaded choices to a select (the ones it has stay); a failure is told in its title. */
export async function fillChoices(control: HTMLSelectElement, load: () => Promise<[string, string][]>, what: string): Promise<void> {
  try {
    const present = new Set([...control.options].map((o) => o.value));
    for (const [value, label] of await load()) if (!present.has(value)) control.append(h('option', { value }, label));
  } catch (error) {
    if (!isAbort(error)) control.title = `The ${what} could not be loaded: ${errorText(error)}`;
  }
}
