// Fault rules: thresholds, on/off, severity and per-station overrides. Admins edit; a save
// sends only what changed (PATCH merges params and overrides; null removes an override).
import { apiGet, apiSend, errorText } from '../api/client';
import type { FaultRule, FaultRulePatch } from '../api/types';
import { h, replace } from '../lib/dom';
import { may } from '../lib/roles';
import type { PageContext } from '../router';
import { errorBox, field, loadInto, pageHeader, select } from '../ui/widgets';

type Params = Record<string, unknown>;

/**
 * A param's value from its input, typed like the rule's current value. An unset (null) param
 * stays null while its input is empty and becomes a number when one is typed.
 */
export function parseParam(current: unknown, text: string): unknown {
  const trimmed = text.trim();
  if (typeof current === 'number' || (current === null && /^-?\d+(\.\d+)?$/.test(trimmed))) {
    const value = Number(trimmed);
    if (trimmed === '' || !Number.isFinite(value)) throw new Error(`“${text}” is not a number`);
    return value;
  }
  if (current === null && trimmed === '') return null;
  if (typeof current === 'boolean') return text === 'true';
  return text;
}

/** The PATCH body that turns `before` into the edited values; null when nothing changed. */
export function rulePatch(
  before: FaultRule,
  edited: { enabled: boolean; severity: FaultRule['severity']; params: Params; overrides: Record<string, Params | null> },
): FaultRulePatch | null {
  const patch: FaultRulePatch = {};
  if (edited.enabled !== before.enabled) patch.enabled = edited.enabled;
  if (edited.severity !== before.severity) patch.severity = edited.severity;
  const params = Object.fromEntries(Object.entries(edited.params).filter(([k, v]) => before.params[k] !== v));
  if (Object.keys(params).length) patch.params = params;
  const overrides: Record<string, Params | null> = {};
  for (const [station, value] of Object.entries(edited.overrides)) {
    if (JSON.stringify(value) !== JSON.stringify(before.overrides[station] ?? null)) overrides[station] = value;
  }
  if (Object.keys(overrides).length) patch.overrides = overrides;
  return Object.keys(patch).length ? patch : null;
}

export async function renderRules(ctx: PageContext): Promise<void> {
  const list = h('div', { class: 'rules' });
  const editable = may(ctx.session.role, 'patch /api/v1/fault-rules/{name}');
  replace(
    ctx.root,
    pageHeader('Fault rules'),
    h('p', { class: 'muted' }, editable ? 'Changes apply to the next event, without a restart.' : 'Only an admin may change the rules.'),
    list,
  );
  await loadInto(list, ctx.signal, () => apiGet('/api/v1/fault-rules', { signal: ctx.signal }), (page) => (page.items ?? []).map((rule) => ruleCard(rule, editable)));
}

function ruleCard(initial: FaultRule, editable: boolean): HTMLElement {
  const card = h('section', { class: 'card rule', 'data-testid': 'rule-card', 'data-rule': initial.name });
  const render = (rule: FaultRule, message: HTMLElement | null = null) => replace(card, ruleForm(rule, editable, render), message);
  render(initial);
  return card;
}

function ruleForm(rule: FaultRule, editable: boolean, rerender: (rule: FaultRule, message?: HTMLElement | null) => void): HTMLElement {
  const disabled = !editable;
  const enabled = h('input', { type: 'checkbox', checked: rule.enabled, disabled, 'data-testid': 'rule-enabled' });
  const severity = select(['info', 'warning', 'critical'], { disabled, 'data-testid': 'rule-severity' }, rule.severity);
  const paramInputs = Object.entries(rule.params).map(([name, value]) => ({
    name,
    input:
      typeof value === 'boolean'
        ? select(['true', 'false'], { disabled, 'data-testid': `rule-param-${name}` }, String(value))
        : h('input', {
            type: typeof value === 'number' ? 'number' : 'text',
            step: 'any',
            value: value === null ? '' : String(value),
            placeholder: value === null ? 'unset' : undefined,
            disabled,
            'data-testid': `rule-param-${name}`,
          }),
  }));
  const overrides = h('div', { class: 'overrides' });
  const overrideRows: { station: HTMLInputElement; params: HTMLTextAreaElement; removed: boolean; original: string | null }[] = [];
  const addOverrideRow = (station: string, params: Params | null) => {
    const stationInput = h('input', { type: 'text', value: station, disabled: disabled || station !== '', placeholder: 'Station id' });
    const paramsInput = h('textarea', { rows: 2, disabled, placeholder: '{"grace_s": 600}' }, params ? JSON.stringify(params) : '');
    const row = { station: stationInput, params: paramsInput, removed: false, original: station || null };
    const element = h('div', { class: 'override-row' }, field('Station', stationInput), field('Params (JSON)', paramsInput),
      editable ? h('button', { type: 'button', onClick: () => { row.removed = true; element.remove(); } }, 'Remove') : null);
    overrideRows.push(row);
    overrides.append(element);
  };
  for (const [station, params] of Object.entries(rule.overrides)) addOverrideRow(station, params as Params);
  if (!Object.keys(rule.overrides).length && !editable) overrides.append(h('p', { class: 'muted' }, 'No per-station overrides.'));
  const message = h('div');

  const save = async (event: Event) => {
    event.preventDefault();
    try {
      const params: Params = {};
      for (const { name, input } of paramInputs) {
        try {
          params[name] = parseParam(rule.params[name], input.value);
        } catch (error) {
          throw new Error(`${name}: ${errorText(error)}`);
        }
      }
      const edited: Record<string, Params | null> = {};
      for (const row of overrideRows) {
        const station = row.station.value.trim();
        if (row.removed) {
          if (row.original) edited[row.original] = null;
          continue;
        }
        if (!station) continue;
        edited[station] = parseOverride(station, row.params.value);
      }
      const patch = rulePatch(rule, { enabled: enabled.checked, severity: severity.value as FaultRule['severity'], params, overrides: edited });
      if (!patch) {
        replace(message, h('p', { class: 'muted' }, 'Nothing changed.'));
        return;
      }
      const saved = await apiSend('patch', '/api/v1/fault-rules/{name}', { path: { name: rule.name }, body: patch });
      rerender(saved, h('p', { class: 'ok-text', role: 'status' }, 'Saved.'));
    } catch (error) {
      replace(message, errorBox(error));
    }
  };

  return h(
    'form',
    { onSubmit: (e) => void save(e) },
    h('h2', null, rule.name),
    h('div', { class: 'filters' }, h('label', { class: 'check' }, enabled, ' Enabled'), field('Severity', severity),
      paramInputs.map(({ name, input }) => field(name, input))),
    h('h3', null, 'Per-station overrides'),
    overrides,
    editable ? h('div', { class: 'button-row' },
      h('button', { type: 'button', onClick: () => addOverrideRow('', null) }, 'Add override'),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'rule-save' }, 'Save')) : null,
    message,
  );
}

function parseOverride(station: string, text: string): Params {
  let value: unknown;
  try {
    value = JSON.parse(text || '{}');
  } catch {
    throw new Error(`The override of ${station} is not JSON: ${text}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`The override of ${station} must be a JSON object of params`);
  return value as Params;
}
