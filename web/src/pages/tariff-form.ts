// The tariff editor's form state and its translation to and from the tariff document that
// POST/PUT /api/v1/tariffs take (OCPI 2.2.1 shape). No DOM here: the round trip and the
// messages are unit-tested. The checks follow the server's own (src/billing/tariff.cpp:
// from_json and validate) so that a mistake is named next to its field before anything is sent;
// the server stays the judge, and its problem detail is shown when it refuses.
import type { Tariff } from '../api/types';
import { parseDecimal, rescale, formatDecimal } from '../lib/decimal';

export const kDimensions = ['ENERGY', 'TIME', 'PARKING_TIME', 'FLAT'] as const;
export type Dimension = (typeof kDimensions)[number];

export const kWeekdays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Weekday = (typeof kWeekdays)[number];

/** Restriction bounds that are decimals (kWh, kW, A), in the order the form shows them. */
export const kDecimalBounds = ['min_kwh', 'max_kwh', 'min_power', 'max_power', 'min_current', 'max_current'] as const;
type DecimalBound = (typeof kDecimalBounds)[number];
const kRestrictionKeys = ['start_time', 'end_time', 'start_date', 'end_date', 'day_of_week', ...kDecimalBounds, 'min_duration', 'max_duration'] as const;
const kComponentKeys = ['type', 'price', 'step_size', 'grace_s'] as const;

export interface ComponentForm {
  enabled: boolean;
  price: string;
  step_size: string;
  /** PARKING_TIME only. */
  grace_s: string;
}

export interface RestrictionsForm extends Record<DecimalBound, string> {
  start_time: string;
  end_time: string;
  start_date: string;
  end_date: string;
  /** None: every day. */
  day_of_week: Weekday[];
  min_duration: string;
  max_duration: string;
}

export interface ElementForm {
  /** One per dimension: OCPI allows at most one component of each type in an element. */
  components: Record<Dimension, ComponentForm>;
  restrictions: RestrictionsForm;
}

export interface TariffForm {
  id: string;
  currency: string;
  vat_percent: string;
  min_price: string;
  max_price: string;
  is_default: boolean;
  /** datetime-local values, read in the browser's zone. */
  start_date_time: string;
  end_date_time: string;
  elements: ElementForm[];
}

/** Messages by field key: "currency", "e0" (an element), "e0-ENERGY-price", "e1-start_time". */
export type FieldErrors = Record<string, string>;

export const elementKey = (element: number) => `e${element}`;
export const componentKey = (element: number, dimension: Dimension, field: 'price' | 'step_size' | 'grace_s') => `e${element}-${dimension}-${field}`;
export const restrictionKey = (element: number, field: (typeof kRestrictionKeys)[number]) => `e${element}-${field}`;

// ---- empty values

function emptyComponent(dimension: Dimension): ComponentForm {
  return { enabled: false, price: '', step_size: '1', grace_s: dimension === 'PARKING_TIME' ? '0' : '' };
}

export function emptyRestrictions(): RestrictionsForm {
  return {
    start_time: '', end_time: '', start_date: '', end_date: '', day_of_week: [],
    min_kwh: '', max_kwh: '', min_power: '', max_power: '', min_current: '', max_current: '',
    min_duration: '', max_duration: '',
  };
}

export function emptyElement(): ElementForm {
  return {
    components: { ENERGY: emptyComponent('ENERGY'), TIME: emptyComponent('TIME'), PARKING_TIME: emptyComponent('PARKING_TIME'), FLAT: emptyComponent('FLAT') },
    restrictions: emptyRestrictions(),
  };
}

/** What "New tariff" starts from: 0.39 per kWh, 19 % VAT. */
export function newTariffForm(): TariffForm {
  const element = emptyElement();
  element.components.ENERGY = { enabled: true, price: '0.39', step_size: '1', grace_s: '' };
  return { id: '', currency: 'EUR', vat_percent: '19', min_price: '', max_price: '', is_default: false, start_date_time: '', end_date_time: '', elements: [element] };
}

export function hasRestrictions(r: RestrictionsForm): boolean {
  return Object.entries(r).some(([, v]) => (Array.isArray(v) ? v.length > 0 : v.trim() !== ''));
}

// ---- document → form

/** Thrown when a document cannot be shown in the form (edit it as JSON instead). */
export class NotRepresentable extends Error {
  override name = 'NotRepresentable';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const absent = (value: unknown) => value === undefined || value === null;

function decimalText(value: unknown, path: string): string {
  if (absent(value)) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return formatDecimal(parseDecimal(value));
  throw new NotRepresentable(`${path}: expected a decimal, got ${JSON.stringify(value)}`);
}

function integerText(value: unknown, path: string): string {
  if (absent(value)) return '';
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  throw new NotRepresentable(`${path}: expected a whole number, got ${JSON.stringify(value)}`);
}

function stringText(value: unknown, path: string): string {
  if (absent(value)) return '';
  if (typeof value === 'string') return value;
  throw new NotRepresentable(`${path}: expected a string, got ${JSON.stringify(value)}`);
}

function onlyKnownKeys(value: Record<string, unknown>, known: readonly string[], path: string): void {
  const unknown = Object.keys(value).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new NotRepresentable(`${path}.${unknown}: not a field the form knows`);
}

/** A datetime-local value for an RFC 3339 time, in this browser's zone (seconds only when not zero). */
export function localInputOf(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const two = (n: number) => String(n).padStart(2, '0');
  const seconds = date.getSeconds() ? `:${two(date.getSeconds())}` : '';
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}${seconds}`;
}

/** RFC 3339 UTC of a datetime-local value read in this browser's zone, as the server writes it; undefined when malformed. */
export function isoOfLocalInput(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return undefined;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace('.000Z', 'Z');
}

/**
 * The form of a tariff document (one the server sent, or JSON an admin typed). Values the
 * server would refuse (a negative price) are kept for the form to point at; what the form has
 * no place for (an unknown key inside an element, two ENERGY components in one element) throws
 * NotRepresentable. Unknown keys of the tariff itself are dropped: the server ignores them too.
 */
export function formFromTariff(doc: unknown): TariffForm {
  if (!isRecord(doc)) throw new NotRepresentable('the tariff must be a JSON object');
  const bound = (value: unknown, path: string) => decimalText(isRecord(value) ? value.excl_vat : value, path);
  if (!absent(doc.is_default) && typeof doc.is_default !== 'boolean') throw new NotRepresentable(`is_default: expected true or false`);
  const startTime = stringText(doc.start_date_time, 'start_date_time');
  const endTime = stringText(doc.end_date_time, 'end_date_time');
  if (!Array.isArray(doc.elements)) throw new NotRepresentable('elements: expected an array');
  return {
    id: stringText(doc.id, 'id'),
    currency: stringText(doc.currency, 'currency'),
    vat_percent: decimalText(doc.vat_percent, 'vat_percent'),
    min_price: bound(doc.min_price, 'min_price'),
    max_price: bound(doc.max_price, 'max_price'),
    is_default: doc.is_default === true,
    start_date_time: startTime ? localInputOf(startTime) : '',
    end_date_time: endTime ? localInputOf(endTime) : '',
    elements: doc.elements.map((element, e) => elementForm(element, `elements[${e}]`)),
  };
}

function elementForm(value: unknown, path: string): ElementForm {
  if (!isRecord(value)) throw new NotRepresentable(`${path}: expected an object`);
  onlyKnownKeys(value, ['price_components', 'restrictions'], path);
  const form = emptyElement();
  const components = value.price_components;
  if (!Array.isArray(components)) throw new NotRepresentable(`${path}.price_components: expected an array`);
  components.forEach((component, c) => {
    const at = `${path}.price_components[${c}]`;
    if (!isRecord(component)) throw new NotRepresentable(`${at}: expected an object`);
    onlyKnownKeys(component, kComponentKeys, at);
    const type = component.type;
    if (!kDimensions.includes(type as Dimension)) throw new NotRepresentable(`${at}.type: expected ${kDimensions.join(', ')}`);
    const dimension = type as Dimension;
    if (form.components[dimension].enabled) throw new NotRepresentable(`${at}: a second ${dimension} component in the same element`);
    form.components[dimension] = {
      enabled: true,
      price: decimalText(component.price, `${at}.price`),
      step_size: integerText(component.step_size, `${at}.step_size`) || '1',
      grace_s: integerText(component.grace_s, `${at}.grace_s`) || (dimension === 'PARKING_TIME' ? '0' : ''),
    };
  });
  if (!absent(value.restrictions)) form.restrictions = restrictionsForm(value.restrictions, `${path}.restrictions`);
  return form;
}

function restrictionsForm(value: unknown, path: string): RestrictionsForm {
  if (!isRecord(value)) throw new NotRepresentable(`${path}: expected an object`);
  onlyKnownKeys(value, kRestrictionKeys, path);
  const form = emptyRestrictions();
  form.start_time = stringText(value.start_time, `${path}.start_time`);
  form.end_time = stringText(value.end_time, `${path}.end_time`);
  form.start_date = stringText(value.start_date, `${path}.start_date`);
  form.end_date = stringText(value.end_date, `${path}.end_date`);
  if (!absent(value.day_of_week)) {
    const days = value.day_of_week;
    if (!Array.isArray(days) || !days.every((d) => kWeekdays.includes(d as Weekday))) {
      throw new NotRepresentable(`${path}.day_of_week: expected day names MONDAY to SUNDAY`);
    }
    form.day_of_week = kWeekdays.filter((d) => days.includes(d));
  }
  for (const key of kDecimalBounds) form[key] = decimalText(value[key], `${path}.${key}`);
  form.min_duration = integerText(value.min_duration, `${path}.min_duration`);
  form.max_duration = integerText(value.max_duration, `${path}.max_duration`);
  return form;
}

// ---- form → document

const kDecimal = /^\d+(\.\d{1,6})?$/;
const kInteger = /^\d+$/;

/** "0,39" is read as "0.39" (a comma is what many keyboards give). */
function normalDecimal(text: string): string {
  const t = text.trim();
  return /^\d+,\d+$/.test(t) ? t.replace(',', '.') : t;
}

function compareDecimals(a: string, b: string): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale).units - rescale(y, scale).units;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

class Checker {
  readonly errors: FieldErrors = {};

  fail(key: string, message: string): void {
    if (!(key in this.errors)) this.errors[key] = message;
  }

  /** A non-negative decimal with at most 6 decimals; '' stays absent unless required. */
  decimal(key: string, text: string, label: string, options: { required?: boolean; max?: string } = {}): string | undefined {
    const t = normalDecimal(text);
    if (t === '') {
      if (options.required) this.fail(key, `${label} is required.`);
      return undefined;
    }
    if (t.startsWith('-') && kDecimal.test(t.slice(1))) this.fail(key, `${label} must not be negative.`);
    else if (!kDecimal.test(t)) this.fail(key, `${label} must be a number such as 0.39 (a '.' before at most 6 decimals).`);
    else if (options.max !== undefined && compareDecimals(t, options.max) > 0) this.fail(key, `${label} must be at most ${options.max}.`);
    return t;
  }

  /** A whole number of at least `min`; '' stays absent. */
  integer(key: string, text: string, label: string, min: number): number | string | undefined {
    const t = text.trim();
    if (t === '') return undefined;
    if (!kInteger.test(t) || !Number.isSafeInteger(Number(t))) {
      this.fail(key, min > 0 ? `${label} must be a whole number of at least ${min}.` : `${label} must be a whole number (0 or more).`);
      return t; // kept as typed: the JSON view shows what is wrong
    }
    const value = Number(t);
    if (value < min) this.fail(key, `${label} must be at least ${min}.`);
    return value;
  }
}

const kTime = /^([01]\d|2[0-3]):[0-5]\d$/;

function validDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.getUTCFullYear() === Number(m[1]) && date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]);
}

const kBoundLabels: Record<DecimalBound, string> = {
  min_kwh: 'Min. energy', max_kwh: 'Max. energy', min_power: 'Min. power', max_power: 'Max. power', min_current: 'Min. current', max_current: 'Max. current',
};

export const kDimensionLabels: Record<Dimension, string> = { ENERGY: 'Energy', TIME: 'Charging time', PARKING_TIME: 'Parking time', FLAT: 'Flat fee' };

/**
 * The tariff document of the form and what is wrong with it. The document is built even when
 * something is wrong (values kept as typed) so that the JSON view can show it; it is sent only
 * when `errors` is empty. Components come in the order ENERGY, TIME, PARKING_TIME, FLAT
 * (their order inside an element means nothing to the pricing).
 */
export function tariffFromForm(form: TariffForm): { tariff: Tariff; errors: FieldErrors } {
  const check = new Checker();
  const id = form.id.trim();
  if (!id) check.fail('id', 'Id is required.');
  else if (id.length > 36) check.fail('id', 'Id must be at most 36 characters.');
  const currency = form.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) check.fail('currency', 'Currency must be a three-letter ISO 4217 code such as EUR.');
  const vat = check.decimal('vat_percent', form.vat_percent, 'VAT', { required: true, max: '100' });
  const minPrice = check.decimal('min_price', form.min_price, 'Minimum price');
  const maxPrice = check.decimal('max_price', form.max_price, 'Maximum price');
  if (minPrice && maxPrice && !check.errors.min_price && !check.errors.max_price && compareDecimals(minPrice, maxPrice) > 0) {
    check.fail('max_price', 'Maximum price must not be less than the minimum price.');
  }
  const tariff: Tariff = { id, currency, vat_percent: vat ?? '', is_default: form.is_default, elements: [] };
  if (minPrice !== undefined) tariff.min_price = minPrice;
  if (maxPrice !== undefined) tariff.max_price = maxPrice;
  const times: Record<'start_date_time' | 'end_date_time', [string, string]> = { start_date_time: [form.start_date_time, 'Valid from'], end_date_time: [form.end_date_time, 'Valid until'] };
  for (const [key, [text, label]] of Object.entries(times) as [keyof typeof times, [string, string]][]) {
    if (!text.trim()) continue;
    const iso = isoOfLocalInput(text);
    if (iso) tariff[key] = iso;
    else check.fail(key, `${label} must be a date and time.`);
  }
  if (tariff.start_date_time && tariff.end_date_time && Date.parse(tariff.end_date_time) <= Date.parse(tariff.start_date_time)) {
    check.fail('end_date_time', 'Valid until must be after valid from.');
  }
  if (form.elements.length === 0) check.fail('elements', 'A tariff needs at least one element.');
  form.elements.forEach((element, e) => tariff.elements.push(elementDocument(element, e, check)));
  return { tariff, errors: check.errors };
}

type ElementDocument = Tariff['elements'][number];
type RestrictionsDocument = NonNullable<ElementDocument['restrictions']>;

function elementDocument(element: ElementForm, e: number, check: Checker): ElementDocument {
  const doc: ElementDocument = { price_components: [] };
  for (const dimension of kDimensions) {
    const c = element.components[dimension];
    if (!c.enabled) continue;
    const label = kDimensionLabels[dimension];
    const price = check.decimal(componentKey(e, dimension, 'price'), c.price, `${label} price`, { required: true });
    const component: ElementDocument['price_components'][number] = { type: dimension, price: price ?? '' };
    const step = dimension === 'FLAT' ? undefined : check.integer(componentKey(e, dimension, 'step_size'), c.step_size, `${label} step`, 1);
    if (step !== undefined) component.step_size = step as number;
    if (dimension === 'PARKING_TIME') {
      const grace = check.integer(componentKey(e, dimension, 'grace_s'), c.grace_s, 'Free parking', 0);
      if (grace !== undefined) component.grace_s = grace as number;
    }
    doc.price_components.push(component);
  }
  if (doc.price_components.length === 0) check.fail(elementKey(e), `Element ${e + 1} needs at least one price component.`);
  const restrictions = restrictionsDocument(element.restrictions, e, check);
  if (Object.keys(restrictions).length > 0) doc.restrictions = restrictions;
  return doc;
}

function restrictionsDocument(r: RestrictionsForm, e: number, check: Checker): RestrictionsDocument {
  const doc: RestrictionsDocument = {};
  for (const [key, label] of [['start_time', 'From time'], ['end_time', 'Until time']] as const) {
    const t = r[key].trim();
    if (!t) continue;
    doc[key] = t;
    if (!kTime.test(t)) check.fail(restrictionKey(e, key), `${label} must be HH:MM between 00:00 and 23:59.`);
  }
  for (const [key, label] of [['start_date', 'From date'], ['end_date', 'Until date']] as const) {
    const t = r[key].trim();
    if (!t) continue;
    doc[key] = t;
    if (!validDate(t)) check.fail(restrictionKey(e, key), `${label} must be a date YYYY-MM-DD.`);
  }
  if (doc.start_date && doc.end_date && validDate(doc.start_date) && validDate(doc.end_date) && doc.start_date >= doc.end_date) {
    check.fail(restrictionKey(e, 'end_date'), 'Until date must be after the from date (it is exclusive).');
  }
  if (r.day_of_week.length > 0) doc.day_of_week = kWeekdays.filter((d) => r.day_of_week.includes(d));
  for (const key of kDecimalBounds) {
    const value = check.decimal(restrictionKey(e, key), r[key], kBoundLabels[key]);
    if (value !== undefined) doc[key] = value;
  }
  for (const [min, max] of [['min_kwh', 'max_kwh'], ['min_power', 'max_power'], ['min_current', 'max_current']] as const) {
    const a = doc[min];
    const b = doc[max];
    if (typeof a === 'string' && typeof b === 'string' && kDecimal.test(a) && kDecimal.test(b) && compareDecimals(a, b) >= 0) {
      check.fail(restrictionKey(e, max), `${kBoundLabels[max]} must be more than ${kBoundLabels[min].toLowerCase()}.`);
    }
  }
  const minDuration = check.integer(restrictionKey(e, 'min_duration'), r.min_duration, 'Min. duration', 0);
  const maxDuration = check.integer(restrictionKey(e, 'max_duration'), r.max_duration, 'Max. duration', 0);
  if (minDuration !== undefined) doc.min_duration = minDuration as number;
  if (maxDuration !== undefined) doc.max_duration = maxDuration as number;
  if (typeof minDuration === 'number' && typeof maxDuration === 'number' && minDuration >= maxDuration) {
    check.fail(restrictionKey(e, 'max_duration'), 'Max. duration must be more than min. duration.');
  }
  return doc;
}

// ---- the server's answer

/**
 * The form field a server message is about, for messages that name a path such as
 * "invalid tariff: tariff.elements[1].price_components[0].price: must not be negative"
 * (src/billing/tariff.cpp). `sent` is the document the message answers: it says which
 * dimension component [0] was. Undefined when the message names no field of the form.
 */
export function fieldOfServerMessage(detail: string, sent: Tariff): string | undefined {
  // "tariff: min_price must not exceed max_price", "…restrictions: min_kwh must be less than max_kwh",
  // "…restrictions: start_date must be before end_date": the upper bound is the field to fix.
  const text = detail.replace(/^invalid tariff: /, '');
  if (/^id must\b/.test(text)) return 'id';
  const pair = /: (min_[a-z]+|start_date) must (?:not exceed|be less than|be before) ([a-z_]+)/.exec(text)?.[2];
  const m = /^tariff(?:\.([a-z_]+)(?:\[(\d+)\](?:\.(price_components)\[(\d+)\](?:\.([a-z_]+))?|\.restrictions(?:\.([a-z_]+))?)?)?)?(?=[:.[]|$)/.exec(text);
  if (!m) return undefined;
  const [, top, element, components, component, componentField, restriction] = m;
  if (top === undefined) return pair === 'max_price' ? pair : undefined;
  if (top !== 'elements') return kTopFields.includes(top) ? top : undefined;
  if (element === undefined) return 'elements';
  const e = Number(element);
  if (components && component !== undefined) {
    const type = sent.elements[e]?.price_components[Number(component)]?.type;
    if (!type) return elementKey(e);
    const field = componentField === 'step_size' || componentField === 'grace_s' ? componentField : 'price';
    return componentKey(e, type, field);
  }
  const named = restriction ?? pair;
  if (named && (kRestrictionKeys as readonly string[]).includes(named)) return restrictionKey(e, named as (typeof kRestrictionKeys)[number]);
  return elementKey(e);
}

const kTopFields: readonly string[] = ['id', 'currency', 'vat_percent', 'min_price', 'max_price', 'start_date_time', 'end_date_time'];
