// The tariff editor: a form for every field the server takes (state and checks in
// tariff-form.ts), a JSON view for advanced users, and a price preview that follows the edits:
// a moment after the last change the server prices a sample session the user describes with
// the tariff as it stands (POST /api/v1/tariffs:price, nothing saved; the sample's state and
// words in tariff-sample.ts). Re-pricing recent real sessions (POST
// /api/v1/analytics/tariff-simulation) is a heavier query, so it runs only on request. When the
// server refuses the tariff or the sample, its problem detail is shown beside the form and tied
// to the field it names.
import { ApiError, apiSend, isAbort } from '../api/client';
import type { PricedSample, Tariff } from '../api/types';
import { h, replace, type Child } from '../lib/dom';
import { formatDateTime, formatMoney, formatPower } from '../lib/format';
import { addDays, dateInputValue, localMidnightIso } from '../lib/time';
import { timeZoneInput } from '../ui/forms';
import { errorBox, loading, openDialog, table } from '../ui/widgets';
import {
  componentKey, elementKey, emptyElement, fieldOfServerMessage, formFromTariff, hasRestrictions, kDecimalBounds, kDimensionLabels, kDimensions,
  kWeekdays, newTariffForm, restrictionKey, tariffFromForm, type ComponentForm, type Dimension, type ElementForm, type FieldErrors, type RestrictionsForm,
  type TariffForm,
} from './tariff-form';
import {
  averagePowerW, durationText, flagText, kwhText, newSampleForm, quantityText, sampleFieldOfServerMessage, sampleKey, sessionFromSample,
  unitText, type SampleField, type SampleForm, type SampleSession,
} from './tariff-sample';
import { simulationTable, type Simulation, type SimulationRequest } from './tariff-sim';

export interface TariffEditorOptions {
  /** The tariff to change (PUT), or null for a new one (POST). */
  existing: Tariff | null;
  /** Whether the role may run the preview and the comparison (both are an operator's call). */
  canPreview: boolean;
  onSaved: (saved: Tariff) => void;
}

const kPreviewDelayMs = 600;

const kPriceLabels: Record<Dimension, string> = {
  ENERGY: 'Energy price per kWh',
  TIME: 'Charging time price per hour',
  PARKING_TIME: 'Parking price per hour',
  FLAT: 'Flat fee per session',
};
const kStepLabels: Partial<Record<Dimension, [label: string, hint: string]>> = {
  ENERGY: ['Energy step (Wh)', 'The session’s energy is billed in whole steps, rounded up.'],
  TIME: ['Charging time step (s)', 'Charging time is billed in whole steps, rounded up.'],
  PARKING_TIME: ['Parking step (s)', 'Parking time is billed in whole steps, rounded up.'],
};
const kBoundUnits: Record<(typeof kDecimalBounds)[number], [label: string, hint: string]> = {
  min_kwh: ['Min. energy (kWh)', 'Energy of the session so far.'],
  max_kwh: ['Max. energy (kWh)', 'Exclusive.'],
  min_power: ['Min. power (kW)', 'Average power of the interval.'],
  max_power: ['Max. power (kW)', 'Exclusive.'],
  min_current: ['Min. current (A)', 'Highest phase current.'],
  max_current: ['Max. current (A)', 'Exclusive.'],
};

type Built = { tariff: Tariff; errors: FieldErrors } | { json: string };

let editorCount = 0;

const enabledKey = (element: number, dimension: Dimension) => `e${element}-${dimension}-enabled`;

/** Opens the editor in a dialog. */
export function tariffDialog(options: TariffEditorOptions): void {
  const { existing } = options;
  const prefix = `tariff-${++editorCount}`;
  const closed = new AbortController();

  // The form state; in JSON mode the textarea is the truth and `state` waits.
  let state: TariffForm = newTariffForm();
  let jsonMode = false;
  let startProblem = '';
  if (existing) {
    try {
      state = formFromTariff(existing);
    } catch (error) {
      jsonMode = true;
      startProblem = `The form cannot show this tariff (${error instanceof Error ? error.message : String(error)}); edit it as JSON.`;
    }
  }

  // Every field's control and message slot, by key (see tariff-form.ts FieldErrors).
  const slots = new Map<string, { control: HTMLElement; error: HTMLElement; hintId: string | undefined }>();
  const serverBox = h('div', { id: `${prefix}-server`, class: 'error', role: 'alert', 'data-testid': 'tariff-server-error', hidden: true });
  let serverField: string | undefined;

  function register(key: string, control: HTMLElement, hintId?: string): HTMLElement {
    const error = h('small', { class: 'field-error', id: `${prefix}-${key}-error`, 'data-testid': `tariff-error-${key}`, hidden: true });
    slots.set(key, { control, error, hintId });
    describe(key);
    return error;
  }

  function describe(key: string, message?: string): void {
    const slot = slots.get(key);
    if (!slot) return;
    slot.error.textContent = message ?? '';
    slot.error.hidden = !message;
    const server = key === serverField;
    const ids = [slot.hintId, message ? slot.error.id : undefined, server ? serverBox.id : undefined].filter(Boolean);
    if (ids.length) slot.control.setAttribute('aria-describedby', ids.join(' '));
    else slot.control.removeAttribute('aria-describedby');
    if (message || server) slot.control.setAttribute('aria-invalid', 'true');
    else slot.control.removeAttribute('aria-invalid');
  }

  let shownErrors: FieldErrors = {};
  // The sample session's: the form's checks, and the server's detail about the sample last sent.
  let sampleErrors: FieldErrors = {};
  let sampleServerErrors: FieldErrors = {};
  // A new tariff opens without an id: no message about it until it was typed in or saving was tried.
  let idTouched = Boolean(existing);
  function showErrors(errors: FieldErrors = shownErrors): void {
    shownErrors = errors;
    const all = { ...errors, ...sampleErrors, ...sampleServerErrors };
    for (const key of slots.keys()) describe(key, key === 'id' && !idTouched ? undefined : all[key]);
  }

  function setServerError(detail: string | null, sent?: Tariff): void {
    serverField = detail && sent ? fieldOfServerMessage(detail, sent) : undefined;
    serverBox.textContent = detail ? `The server refuses the tariff: ${detail}` : '';
    serverBox.hidden = !detail;
    showErrors(shownErrors);
  }

  // ---- controls bound to the state

  function textInput(key: string, value: string, set: (v: string) => void, attrs: Record<string, string | number | boolean> = {}): HTMLInputElement {
    const input = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs, id: `${prefix}-${key}`, value, 'data-testid': `tariff-field-${key}` });
    input.addEventListener('input', () => set(input.value));
    return input;
  }

  /** A labelled control with an optional hint (text, or an element that changes) and its message slot. */
  function labelled(key: string, label: string, control: HTMLElement, hint?: string | HTMLElement): HTMLElement {
    const hintNode = typeof hint === 'string' ? h('small', { class: 'hint', id: `${prefix}-${key}-hint` }, hint) : hint;
    const error = register(key, control, hintNode?.id || undefined);
    return h('div', { class: 'field' }, h('label', { class: 'field-label', for: control.id }, label), control, hintNode, error);
  }

  function checkbox(key: string, label: string, checked: boolean, set: (v: boolean) => void): HTMLElement {
    const input = h('input', { type: 'checkbox', id: `${prefix}-${key}`, checked, 'data-testid': `tariff-field-${key}` });
    input.addEventListener('change', () => set(input.checked));
    return h('label', { class: 'check', for: input.id }, input, label);
  }

  // ---- the tariff's own fields

  const idInput = textInput('id', existing ? existing.id : state.id, (v) => {
    state.id = v;
    idTouched = true;
  }, { maxlength: 36, required: true, disabled: Boolean(existing) });
  const topFields = h(
    'fieldset',
    null,
    h('legend', null, 'Tariff'),
    h('div', { class: 'field-row' },
      labelled('id', 'Id', idInput, existing ? 'The id cannot change; saving adds a version.' : 'Up to 36 characters; stations and plans refer to it.'),
      labelled('currency', 'Currency', textInput('currency', state.currency, (v) => (state.currency = v), { maxlength: 3, required: true, autocapitalize: 'characters', size: 4 }), 'ISO 4217, e.g. EUR.'),
      labelled('vat_percent', 'VAT (%)', textInput('vat_percent', state.vat_percent, (v) => (state.vat_percent = v), { inputmode: 'decimal', required: true, size: 6 }), 'Added to the prices below.')),
    h('div', { class: 'field-row' },
      labelled('min_price', 'Minimum price (optional)', textInput('min_price', state.min_price, (v) => (state.min_price = v), { inputmode: 'decimal' }), 'Per session, excl. VAT.'),
      labelled('max_price', 'Maximum price (optional)', textInput('max_price', state.max_price, (v) => (state.max_price = v), { inputmode: 'decimal' }), 'Per session, excl. VAT.')),
    h('div', { class: 'field-row' },
      labelled('start_date_time', 'Valid from (optional)', dateTime('start_date_time', state.start_date_time, (v) => (state.start_date_time = v)), `Sessions starting from then, in this browser’s time (${browserZone()}); empty: from saving.`),
      labelled('end_date_time', 'Valid until (optional)', dateTime('end_date_time', state.end_date_time, (v) => (state.end_date_time = v)), 'Sessions starting from then are not priced by it; empty: open.')),
    checkbox('is_default', 'Default tariff: prices stations that have no tariff of their own', state.is_default, (v) => (state.is_default = v)),
  );

  function dateTime(key: string, value: string, set: (v: string) => void): HTMLInputElement {
    const input = h('input', { type: 'datetime-local', id: `${prefix}-${key}`, value, 'data-testid': `tariff-field-${key}` });
    input.addEventListener('input', () => set(input.value));
    input.addEventListener('change', () => set(input.value));
    return input;
  }

  // ---- elements

  const elementsBox = h('div', { class: 'tariff-elements' });
  const addElement = h('button', { type: 'button', 'data-testid': 'tariff-element-add', onClick: () => {
    state.elements.push(emptyElement());
    renderElements();
    changed();
    elementsBox.querySelector<HTMLElement>(`[data-testid="tariff-field-${enabledKey(state.elements.length - 1, 'ENERGY')}"]`)?.focus();
  } }, 'Add element');
  const elementsError = register('elements', addElement);

  function renderElements(): void {
    for (const key of [...slots.keys()]) if (/^e\d/.test(key)) slots.delete(key);
    replace(elementsBox, state.elements.map((element, e) => elementFieldset(element, e)));
    showErrors(shownErrors);
  }

  function move(e: number, to: number, focusTestId: string): void {
    const [element] = state.elements.splice(e, 1);
    if (!element) return;
    state.elements.splice(to, 0, element);
    renderElements();
    changed();
    const buttons = elementsBox.querySelectorAll<HTMLButtonElement>(`[data-testid="${focusTestId}"]`);
    const target = buttons[to];
    (target && !target.disabled ? target : elementsBox.querySelector<HTMLElement>(`#${CSS.escape(`${prefix}-${elementKey(to)}`)}`))?.focus();
  }

  function elementFieldset(element: ElementForm, e: number): HTMLElement {
    const n = e + 1;
    const count = state.elements.length;
    const fieldset = h('fieldset', { class: 'tariff-element', id: `${prefix}-${elementKey(e)}`, tabindex: -1, 'data-testid': 'tariff-element', 'data-index': e });
    const error = register(elementKey(e), fieldset);
    const tools = h('div', { class: 'button-row' },
      h('button', { type: 'button', 'aria-label': `Move element ${n} up`, 'data-testid': 'tariff-element-up', disabled: e === 0, onClick: () => move(e, e - 1, 'tariff-element-up') }, 'Move up'),
      h('button', { type: 'button', 'aria-label': `Move element ${n} down`, 'data-testid': 'tariff-element-down', disabled: e === count - 1, onClick: () => move(e, e + 1, 'tariff-element-down') }, 'Move down'),
      h('button', { type: 'button', 'aria-label': `Remove element ${n}`, 'data-testid': 'tariff-element-remove', disabled: count === 1, onClick: () => {
        state.elements.splice(e, 1);
        renderElements();
        changed();
        addElement.focus();
      } }, 'Remove'));
    const none = h('span', null);
    const showNone = () => (none.textContent = hasRestrictions(element.restrictions) ? '' : ' (none: always)');
    showNone();
    const restrictions = h('details', { open: hasRestrictions(element.restrictions), class: 'restrictions' },
      h('summary', null, 'Restrictions: when this element applies', none),
      restrictionFields(element.restrictions, e));
    restrictions.addEventListener('input', showNone);
    restrictions.addEventListener('change', showNone);
    replace(
      fieldset,
      h('legend', null, `Element ${n}${count > 1 && e === 0 ? ' (checked first)' : ''}`),
      tools,
      error,
      h('div', { class: 'components' }, kDimensions.map((d) => componentRow(element.components[d], e, d))),
      restrictions,
    );
    return fieldset;
  }

  function componentRow(component: ComponentForm, e: number, dimension: Dimension): HTMLElement {
    const controls: HTMLInputElement[] = [];
    const enabled = h('input', { type: 'checkbox', id: `${prefix}-${enabledKey(e, dimension)}`, checked: component.enabled, 'data-testid': `tariff-field-${enabledKey(e, dimension)}` });
    enabled.addEventListener('change', () => {
      component.enabled = enabled.checked;
      for (const control of controls) control.disabled = !enabled.checked;
    });
    const input = (field: 'price' | 'step_size' | 'grace_s', attrs: Record<string, string | number>) => {
      const control = textInput(componentKey(e, dimension, field), component[field], (v) => (component[field] = v), { ...attrs, disabled: !component.enabled });
      controls.push(control);
      return control;
    };
    const step = kStepLabels[dimension];
    return h('div', { class: 'component-row', 'data-dimension': dimension },
      h('label', { class: 'check', for: enabled.id }, enabled, kDimensionLabels[dimension]),
      labelled(componentKey(e, dimension, 'price'), kPriceLabels[dimension], input('price', { inputmode: 'decimal', size: 8 }), 'Excl. VAT.'),
      step ? labelled(componentKey(e, dimension, 'step_size'), step[0], input('step_size', { inputmode: 'numeric', size: 6 }), step[1]) : h('span'),
      dimension === 'PARKING_TIME'
        ? labelled(componentKey(e, dimension, 'grace_s'), 'Free parking (s)', input('grace_s', { inputmode: 'numeric', size: 6 }), 'Parked seconds before the fee starts.')
        : h('span'),
    );
  }

  function restrictionFields(r: RestrictionsForm, e: number): HTMLElement {
    const key = (field: Parameters<typeof restrictionKey>[1]) => restrictionKey(e, field);
    const typed = (field: 'start_time' | 'end_time' | 'start_date' | 'end_date', type: string) => {
      const control = textInput(key(field), r[field], (v) => (r[field] = v), { type });
      control.addEventListener('change', () => (r[field] = control.value));
      return control;
    };
    const bound = (field: (typeof kDecimalBounds)[number]) =>
      labelled(key(field), kBoundUnits[field][0], textInput(key(field), r[field], (v) => (r[field] = v), { inputmode: 'decimal', size: 7 }), kBoundUnits[field][1]);
    const days = h('fieldset', { class: 'days', id: `${prefix}-${key('day_of_week')}`, tabindex: -1 },
      h('legend', null, 'Days (none: every day)'),
      kWeekdays.map((day) => checkbox(`${key('day_of_week')}-${day}`, day.charAt(0) + day.slice(1).toLowerCase(), r.day_of_week.includes(day), (on) => {
        r.day_of_week = kWeekdays.filter((d) => (d === day ? on : r.day_of_week.includes(d)));
      })));
    const daysError = register(key('day_of_week'), days);
    return h('div', { class: 'restriction-fields' },
      h('div', { class: 'field-row' },
        labelled(key('start_time'), 'From time', typed('start_time', 'time'), 'Station’s local time.'),
        labelled(key('end_time'), 'Until time', typed('end_time', 'time'), 'Exclusive; before the from time: past midnight.')),
      h('div', { class: 'field-row' },
        labelled(key('start_date'), 'From date', typed('start_date', 'date')),
        labelled(key('end_date'), 'Until date', typed('end_date', 'date'), 'Exclusive.')),
      days,
      daysError,
      h('div', { class: 'field-row' }, bound('min_kwh'), bound('max_kwh')),
      h('div', { class: 'field-row' }, bound('min_power'), bound('max_power')),
      h('div', { class: 'field-row' }, bound('min_current'), bound('max_current')),
      h('div', { class: 'field-row' },
        labelled(key('min_duration'), 'Min. duration (s)', textInput(key('min_duration'), r.min_duration, (v) => (r.min_duration = v), { inputmode: 'numeric', size: 7 }), 'Since the session started.'),
        labelled(key('max_duration'), 'Max. duration (s)', textInput(key('max_duration'), r.max_duration, (v) => (r.max_duration = v), { inputmode: 'numeric', size: 7 }), 'Exclusive.')),
    );
  }

  const formView = h('div', { class: 'tariff-form', 'data-testid': 'tariff-form' },
    topFields,
    h('p', { class: 'muted' }, 'For each of energy, charging time, parking time and flat fee, the first element whose restrictions all hold prices it: put special cases (night, weekend) before the general element.'),
    elementsBox,
    h('div', { class: 'button-row' }, addElement),
    elementsError);

  // ---- JSON view

  const jsonHintId = `${prefix}-json-hint`;
  const jsonText = h('textarea', { id: `${prefix}-json`, rows: 18, class: 'code', spellcheck: 'false', 'data-testid': 'tariff-json', 'aria-describedby': jsonHintId });
  const jsonError = h('small', { class: 'field-error', id: `${prefix}-json-error`, 'data-testid': 'tariff-error-json', hidden: true });
  const setJsonError = (message: string) => {
    jsonError.textContent = message;
    jsonError.hidden = !message;
    jsonText.setAttribute('aria-describedby', message ? `${jsonHintId} ${jsonError.id}` : jsonHintId);
    if (message) jsonText.setAttribute('aria-invalid', 'true');
    else jsonText.removeAttribute('aria-invalid');
  };
  const jsonView = h('div', { class: 'field' },
    h('label', { class: 'field-label', for: jsonText.id }, 'Tariff (JSON)'),
    jsonText,
    h('small', { class: 'hint', id: jsonHintId }, 'The OCPI 2.2.1 shape of /api/v1/tariffs; the server checks it.'),
    jsonError);

  const toggle = h('button', { type: 'button', 'aria-pressed': 'false', 'data-testid': 'tariff-json-toggle', onClick: () => {
    if (jsonMode) {
      let next: TariffForm;
      try {
        next = formFromTariff(JSON.parse(jsonText.value) as unknown);
      } catch (error) {
        setJsonError(`The form cannot show this: ${error instanceof Error ? error.message : String(error)}. Keep editing it as JSON.`);
        return;
      }
      if (existing) next.id = existing.id;
      state = next;
      idInput.value = state.id;
      for (const key of ['currency', 'vat_percent', 'min_price', 'max_price', 'start_date_time', 'end_date_time'] as const) {
        const control = slots.get(key)?.control;
        if (control instanceof HTMLInputElement) control.value = state[key];
      }
      const isDefault = formView.querySelector<HTMLInputElement>('[data-testid="tariff-field-is_default"]');
      if (isDefault) isDefault.checked = state.is_default;
      renderElements();
      setMode(false);
      formView.querySelector<HTMLElement>('input:not(:disabled)')?.focus();
    } else {
      jsonText.value = JSON.stringify(tariffFromForm(state).tariff, null, 2);
      setMode(true);
      jsonText.focus();
    }
    changed();
  } }, 'Edit as JSON');

  function setMode(json: boolean): void {
    jsonMode = json;
    formView.hidden = json;
    jsonView.hidden = !json;
    toggle.setAttribute('aria-pressed', String(json));
    setJsonError('');
    if (json) showErrors({});
  }

  // ---- preview: a sample session priced as the form changes

  const sample: SampleForm = newSampleForm(new Date(), browserZone());
  const sampleInput = (field: SampleField, attrs: Record<string, string | number | boolean>): HTMLInputElement => {
    const input = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs, id: `${prefix}-${sampleKey(field)}`, value: sample[field], 'data-testid': `tariff-sample-${field}` });
    const set = () => (sample[field] = input.value);
    input.addEventListener('input', set);
    input.addEventListener('change', set);
    return input;
  };
  const zoneInput = timeZoneInput(sample.time_zone, { id: `${prefix}-${sampleKey('time_zone')}`, required: true, 'data-testid': 'tariff-sample-time_zone' });
  zoneInput.addEventListener('input', () => (sample.time_zone = zoneInput.value));
  zoneInput.addEventListener('change', () => (sample.time_zone = zoneInput.value));
  // What the start is where the station is, once read in the zone (the hour daylight saving time skips moves).
  const startHint = h('small', { class: 'hint', id: `${prefix}-sample-start-hint`, 'data-testid': 'tariff-sample-start' });
  const sampleSummary = h('p', { class: 'hint', 'data-testid': 'tariff-sample-summary' });
  const previewResult = h('div', { 'aria-live': 'polite', 'data-testid': 'tariff-preview-result' });

  // ---- comparison with recent sessions, on request

  const today = dateInputValue(new Date());
  const compareFrom = h('input', { type: 'date', id: `${prefix}-compare-from`, value: addDays(today, -7) ?? today, 'data-testid': 'tariff-compare-from' });
  const compareTo = h('input', { type: 'date', id: `${prefix}-compare-to`, value: today, 'data-testid': 'tariff-compare-to' });
  const compareResult = h('div', { 'aria-live': 'polite', 'data-testid': 'tariff-compare-result' });
  const compareStale = h('p', { class: 'hint', hidden: true, 'data-testid': 'tariff-compare-stale' }, 'The tariff changed since this comparison: compare again.');
  const compareButton = h('button', { type: 'button', 'data-testid': 'tariff-compare', onClick: () => void compare() }, 'Compare with recent sessions');
  /** The tariff the comparison shown was made with ('' while none is shown). */
  let compared = '';
  let comparing: AbortController | null = null;

  const preview = options.canPreview
    ? h('section', { class: 'preview', 'aria-labelledby': `${prefix}-preview-title` },
        h('h3', { id: `${prefix}-preview-title` }, 'Price preview'),
        h('p', { class: 'muted' }, 'The server prices a sample session with the tariff as it stands here, as billing prices a real one (nothing is saved). It follows your edits.'),
        h('fieldset', { class: 'sample', 'data-testid': 'tariff-sample' },
          h('legend', null, 'Sample session'),
          h('div', { class: 'field-row' },
            labelled(sampleKey('date'), 'Start date', sampleInput('date', { type: 'date', required: true })),
            labelled(sampleKey('time'), 'Start time', sampleInput('time', { type: 'time', required: true }), startHint),
            labelled(sampleKey('time_zone'), 'Time zone', zoneInput, 'The station’s: the start and restrictions by time and day are read in it.')),
          h('div', { class: 'field-row' },
            labelled(sampleKey('duration_min'), 'Plugged in (min)', sampleInput('duration_min', { inputmode: 'numeric', size: 6, required: true }), 'From plugging in to unplugging.'),
            labelled(sampleKey('energy_kwh'), 'Energy (kWh)', sampleInput('energy_kwh', { inputmode: 'decimal', size: 8, required: true }), 'Charged evenly while not parked.'),
            labelled(sampleKey('parking_min'), 'Parking at the end (min)', sampleInput('parking_min', { inputmode: 'numeric', size: 6 }), 'The last minutes plugged in, not charging.')),
          sampleSummary),
        previewResult,
        h('h4', null, 'Compare with recent sessions'),
        h('p', { class: 'muted' }, 'Re-prices the ended sessions that started in these days with the tariff as it stands here and compares with what they were charged (nothing is saved).'),
        h('div', { class: 'filters' },
          h('div', { class: 'field' }, h('label', { class: 'field-label', for: compareFrom.id }, 'Sessions from'), compareFrom),
          h('div', { class: 'field' }, h('label', { class: 'field-label', for: compareTo.id }, 'until (inclusive)'), compareTo),
          compareButton),
        compareStale,
        compareResult)
    : null;

  /** The document as it stands: the form's (with its messages) or the JSON's. */
  function current(): Built {
    if (!jsonMode) {
      const built = tariffFromForm(state);
      if (existing) built.tariff.id = existing.id;
      return built;
    }
    let value: unknown;
    try {
      value = JSON.parse(jsonText.value);
    } catch (error) {
      return { json: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { json: 'The tariff must be a JSON object.' };
    const tariff = value as Tariff;
    if (existing) tariff.id = existing.id;
    return { tariff, errors: {} };
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSent = '';
  let inFlight: AbortController | null = null;
  closed.signal.addEventListener('abort', () => {
    clearTimeout(timer);
    inFlight?.abort();
    comparing?.abort();
  });

  /** Something changed: check and preview a moment after the last change. */
  function changed(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), kPreviewDelayMs);
  }

  async function refresh(): Promise<void> {
    clearTimeout(timer);
    if (closed.signal.aborted) return;
    const built = current();
    compareStale.hidden = !compared || ('tariff' in built && JSON.stringify(built.tariff) === compared);
    const checked = sessionFromSample(sample);
    sampleErrors = options.canPreview ? checked.errors : {};
    showSample(checked.session, checked.start);
    if ('json' in built) {
      setJsonError(built.json);
      showErrors();
      return quiet('The preview waits for valid JSON.');
    }
    setJsonError('');
    showErrors(built.errors);
    // A new tariff can be previewed before it has an id.
    const blocking = Object.keys(built.errors).filter((k) => k !== 'id');
    if (blocking.length) return quiet('The preview waits for the marked fields of the tariff.');
    if (!options.canPreview) return;
    if (!checked.session) return quiet('The preview waits for the marked fields of the sample session.');
    // Without an id the server prices it as "proposed".
    const { id, ...rest } = built.tariff;
    const tariff = id ? built.tariff : rest;
    const request = { tariff: tariff as unknown as Record<string, unknown>, session: checked.session };
    const key = JSON.stringify(request);
    if (key === lastSent) return;
    lastSent = key;
    sampleServerErrors = {};
    showErrors();
    inFlight?.abort();
    const call = new AbortController();
    inFlight = call;
    replace(previewResult, loading('Pricing the sample session…'));
    try {
      const cost = await apiSend('post', '/api/v1/tariffs:price', { body: request, signal: call.signal });
      if (call !== inFlight) return;
      setServerError(null);
      replace(previewResult, costView(cost, built.tariff.elements.length));
    } catch (error) {
      if (call !== inFlight || isAbort(error)) return;
      const sampleField = error instanceof ApiError && error.status === 400 ? sampleFieldOfServerMessage(error.detail) : undefined;
      if (error instanceof ApiError && sampleField) {
        // The server read the tariff before the session: it is not what is wrong.
        setServerError(null);
        sampleServerErrors = { [sampleField]: `The server refuses the sample: ${error.detail}` };
        showErrors();
        replace(previewResult, h('p', { class: 'muted' }, 'No preview while the server refuses the sample session.'));
      } else if (error instanceof ApiError && error.status === 400) {
        setServerError(error.detail, built.tariff);
        replace(previewResult, h('p', { class: 'muted' }, 'No preview while the server refuses the tariff.'));
      } else {
        lastSent = '';
        replace(previewResult, errorBox(error));
      }
    }
  }

  function quiet(text: string): void {
    lastSent = '';
    if (Object.keys(sampleServerErrors).length) {
      sampleServerErrors = {};
      showErrors();
    }
    inFlight?.abort();
    inFlight = null;
    if (options.canPreview) replace(previewResult, h('p', { class: 'muted' }, text));
  }

  /** The start as the station's clock shows it, and what the sample does, under its fields. */
  function showSample(session: SampleSession | undefined, start: Date | undefined): void {
    const zone = sample.time_zone.trim();
    const there = start ? formatDateTime(start, zone, { seconds: false }) : '';
    const utc = start ? formatDateTime(start, 'UTC', { seconds: false }) : '';
    startHint.textContent = there === utc ? there : `${there} (${utc})`;
    if (!session) {
      sampleSummary.textContent = '';
      return;
    }
    const parking = session.parking_s ?? 0;
    const power = averagePowerW(session);
    const charging = power === null
      ? `Plugged in for ${durationText(session.duration_s)} without charging`
      : `Charges ${kwhText(session.energy_wh)} in ${durationText(session.duration_s - parking)} (${formatPower(power)} on average)`;
    sampleSummary.textContent = `${charging}${parking && power !== null ? `, then parks for ${durationText(parking)}` : ''}.`;
  }

  async function compare(): Promise<void> {
    const built = current();
    if ('json' in built) {
      setJsonError(built.json);
      replace(compareResult, h('p', { class: 'muted' }, 'The comparison waits for valid JSON.'));
      return;
    }
    const blocking = Object.keys(built.errors).filter((k) => k !== 'id');
    if (blocking.length) {
      showErrors(built.errors);
      replace(compareResult, h('p', { class: 'muted' }, 'The comparison waits for the marked fields of the tariff.'));
      return;
    }
    const from = localMidnightIso(compareFrom.value);
    const to = localMidnightIso(addDays(compareTo.value, 1) ?? '');
    if (!from || !to) {
      replace(compareResult, h('p', { class: 'muted' }, 'Choose the days whose sessions to compare.'));
      return;
    }
    const tariff = { ...built.tariff, id: built.tariff.id || 'proposed' };
    const request: SimulationRequest = { tariff: tariff as unknown as Record<string, unknown>, from, to };
    comparing?.abort();
    const call = new AbortController();
    comparing = call;
    compared = JSON.stringify(built.tariff);
    compareStale.hidden = true;
    replace(compareResult, loading('Re-pricing the sessions with this tariff…'));
    try {
      const result = await apiSend('post', '/api/v1/analytics/tariff-simulation', { body: request, signal: call.signal });
      if (call !== comparing) return;
      replace(compareResult, comparisonView(result, built.tariff.currency));
    } catch (error) {
      if (call !== comparing || isAbort(error)) return;
      compared = '';
      if (error instanceof ApiError && error.status === 400 && /tariff/.test(error.detail)) {
        setServerError(error.detail, tariff);
        replace(compareResult, h('p', { class: 'muted' }, 'No comparison while the server refuses the tariff.'));
      } else {
        replace(compareResult, errorBox(error));
      }
    }
  }

  // ---- the dialog

  const body = h('div', { class: 'tariff-editor' },
    h('p', { class: 'muted' }, 'Prices are excl. VAT. Saving adds a version; a session is priced with the version in force when it started.'),
    h('div', { class: 'button-row' }, toggle),
    formView,
    jsonView,
    serverBox,
    preview);
  body.addEventListener('input', changed);
  body.addEventListener('change', changed);

  renderElements();
  if (jsonMode && existing) {
    jsonText.value = JSON.stringify(withoutReadOnly(existing), null, 2);
    setMode(true);
    setJsonError(startProblem);
  } else {
    setMode(false);
  }

  openDialog({
    title: existing ? `Edit tariff ${existing.id}` : 'New tariff',
    body,
    wide: true,
    nativeValidation: false,
    submitLabel: 'Save',
    submitTestId: 'tariff-save',
    onClose: () => closed.abort(),
    onSubmit: async () => {
      clearTimeout(timer);
      idTouched = true;
      const built = current();
      if ('json' in built) {
        setJsonError(built.json);
        throw new Error(built.json);
      }
      showErrors(jsonMode ? {} : built.errors);
      const wrong = Object.keys(built.errors);
      if (wrong.length) {
        slots.get(wrong[0]!)?.control.focus();
        throw new Error(wrong.length === 1 ? `Check the marked field: ${built.errors[wrong[0]!]}` : `Check the ${wrong.length} marked fields, starting with: ${built.errors[wrong[0]!]}`);
      }
      let saved: Tariff;
      try {
        saved = existing
          ? await apiSend('put', '/api/v1/tariffs/{id}', { path: { id: existing.id }, body: built.tariff })
          : await apiSend('post', '/api/v1/tariffs', { body: built.tariff });
      } catch (error) {
        if (error instanceof ApiError && error.status === 400) {
          setServerError(error.detail, built.tariff);
          if (serverField) slots.get(serverField)?.control.focus();
        }
        throw error;
      }
      options.onSaved(saved);
      return 'close';
    },
  });
  void refresh();
}

function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The editable part of a tariff: what PUT/POST accept (read-only fields dropped). */
function withoutReadOnly(tariff: Tariff): Omit<Tariff, 'version' | 'last_updated'> {
  const { version: _version, last_updated: _updated, ...rest } = tariff;
  return rest;
}

/** The sample session's price: its lines, totals and flags. */
function costView(cost: PricedSample, elements: number): Child {
  const money = (amount: string) => formatMoney(amount, cost.currency);
  const totals: [string, string][] = [
    ...(cost.lines_total === cost.total_excl_vat ? [] : [['Lines', money(cost.lines_total)] as [string, string]]),
    ['Total excl. VAT', money(cost.total_excl_vat)],
    [`VAT (${cost.vat_percent} %)`, money(cost.vat)],
    ['Total incl. VAT', money(cost.total_incl_vat)],
  ];
  return [
    h('p', { class: 'lead', 'data-testid': 'tariff-preview-total' }, `This session costs ${money(cost.total_incl_vat)} incl. VAT (${money(cost.total_excl_vat)} excl. VAT).`),
    table(
      [
        { header: 'Price component', cell: (l) => (elements > 1 ? `${kDimensionLabels[l.dimension]} (element ${l.element_index + 1})` : kDimensionLabels[l.dimension]) },
        { header: 'Quantity', cell: (l) => quantityText(l), numeric: true },
        { header: 'Unit price', cell: (l) => `${money(l.unit_price)} ${unitText(l.dimension)}`.trim(), numeric: true },
        { header: 'Amount', cell: (l) => money(l.amount), numeric: true },
      ],
      cost.lines,
      (l) => ({ 'data-testid': 'tariff-preview-line', 'data-dimension': l.dimension }),
      { caption: 'Priced lines, excl. VAT', empty: 'No price component of the tariff applies to this session.' },
    ),
    h('dl', { class: 'facts totals', 'data-testid': 'tariff-preview-totals' }, totals.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
    cost.flags.length ? h('ul', { 'data-testid': 'tariff-preview-flags' }, cost.flags.map((f) => h('li', { 'data-flag': f }, flagText(f)))) : null,
  ];
}

function comparisonView(result: Simulation, currency: string): Child {
  const all = result.rows.find((r) => r.customer_type === 'all');
  const money = (amount: string, code: string) => (code ? formatMoney(amount, code) : amount);
  if (!all || result.sessions === 0) {
    return h('p', { class: 'lead', 'data-testid': 'tariff-compare-total' }, 'No ended session started in these days, so there is nothing to compare: choose other days.');
  }
  return [
    h('p', { class: 'lead', 'data-testid': 'tariff-compare-total' },
      `${result.sessions} session${result.sessions === 1 ? '' : 's'}: ${money(all.proposed_incl_vat, all.proposed_currency || currency)} incl. VAT with this tariff `,
      `(${money(all.proposed_excl_vat, all.proposed_currency || currency)} excl. VAT); charged: ${money(all.actual_incl_vat, all.actual_currency)}.`),
    simulationTable(result),
  ];
}
