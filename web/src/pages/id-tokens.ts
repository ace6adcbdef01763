// Id tokens (RFID cards, app ids): the list with a customer filter and an exact lookup; admins
// create, edit and delete them, everybody else reads.
import { apiGet, apiSend, ApiError } from '../api/client';
import type { components } from '../api/schema';
import { h, replace } from '../lib/dom';
import { formatDateTime } from '../lib/format';
import { may } from '../lib/roles';
import type { PageContext } from '../router';
import { changedFields, confirmDialog, fromLocalInput, toLocalInput } from '../ui/forms';
import { pagedList } from '../ui/paged-list';
import { badge, field, openDialog, pageHeader, select, table } from '../ui/widgets';

type IdToken = components['schemas']['IdToken'];
type IdTokenInput = components['schemas']['IdTokenInput'];

const kStatuses = ['Accepted', 'Blocked', 'Expired', 'Invalid'] as const;
const kStatusKind: Record<string, string> = { Accepted: 'ok', Blocked: 'bad', Expired: 'warn', Invalid: 'muted' };
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export async function renderIdTokens(ctx: PageContext): Promise<void> {
  const canCreate = may(ctx.session.role, 'post /api/v1/id-tokens');
  const canEdit = may(ctx.session.role, 'patch /api/v1/id-tokens/{token}');
  const canDelete = may(ctx.session.role, 'delete /api/v1/id-tokens/{token}');
  const customer = h('input', { type: 'text', value: ctx.query.get('customer') ?? '', placeholder: 'Customer id', 'data-testid': 'id-tokens-customer' });
  const lookup = h('input', { type: 'search', placeholder: 'Exact token', 'data-testid': 'id-tokens-lookup', autocomplete: 'off' });
  const notice = h('div', { role: 'status', 'aria-live': 'polite' });
  const upsert = (token: IdToken) =>
    pager.update((rows) => {
      const index = rows.findIndex((r) => r.token === token.token);
      if (index >= 0) rows[index] = token;
      else rows.unshift(token);
      return rows;
    });
  const pager = pagedList<IdToken>({
    signal: ctx.signal,
    fetchPage: (cursor) =>
      apiGet('/api/v1/id-tokens', { query: { customer: customer.value.trim() || undefined, limit: 200, cursor }, signal: ctx.signal }),
    render: (rows) => table(
      [
        { header: 'Token', cell: (t: IdToken) => h('code', null, t.token) },
        { header: 'Status', cell: (t: IdToken) => badge(t.status, kStatusKind[t.status] ?? 'muted') },
        { header: 'Customer', cell: (t: IdToken) => (t.customer_id ? h('a', { href: `#/id-tokens?customer=${encodeURIComponent(t.customer_id)}`, title: 'Tokens of this customer' }, t.customer_id) : '—') },
        { header: 'Group', cell: (t: IdToken) => t.group ?? '—' },
        { header: 'Expires', cell: (t: IdToken) => (t.expires_at ? formatDateTime(t.expires_at, browserZone(), { seconds: false }) : 'never') },
        { header: 'Sessions at once', cell: (t: IdToken) => (t.max_concurrent_sessions === null ? 'no limit' : String(t.max_concurrent_sessions)), numeric: true },
        { header: 'Priority', cell: (t: IdToken) => (t.charging_priority === null || t.charging_priority === undefined ? '—' : String(t.charging_priority)), numeric: true },
        { header: 'Sessions', cell: (t: IdToken) => h('a', { href: `#/sessions?id_token=${encodeURIComponent(t.token)}` }, 'Sessions') },
        ...(canEdit || canDelete
          ? [{ header: '', cell: (t: IdToken) => [
              canEdit ? h('button', { type: 'button', 'data-testid': 'id-token-edit', onClick: () => tokenDialog(t, upsert) }, 'Edit') : null,
              canDelete ? h('button', { type: 'button', 'data-testid': 'id-token-delete', onClick: () => confirmDialog({
                title: `Delete id token ${t.token}`,
                text: 'Chargers stop accepting it at their next authorization here (a copy in a station’s local list or cache lasts until the list is sent again or the cache cleared). Its past sessions stay.',
                confirmLabel: 'Delete',
                testId: 'id-token-delete-confirm',
                onConfirm: async () => {
                  await apiSend('delete', '/api/v1/id-tokens/{token}', { path: { token: t.token } });
                  pager.update((rows) => rows.filter((r) => r.token !== t.token));
                  replace(notice, h('p', { class: 'ok-text' }, `Deleted id token ${t.token}.`));
                },
              }) }, 'Delete') : null,
            ] }]
          : []),
      ],
      rows,
      (t) => ({ 'data-testid': 'id-token-row', 'data-token': t.token, 'data-status': t.status }),
      { empty: customer.value.trim() ? 'This customer has no id tokens.' : 'No id tokens yet.' },
    ),
  });
  const load = () => {
    const next = new URLSearchParams();
    if (customer.value.trim()) next.set('customer', customer.value.trim());
    ctx.setQuery(next);
    return pager.reload();
  };
  const find = () => {
    const token = lookup.value.trim();
    if (!token) return load();
    // The one token or none: a list of its own, with no more pages.
    return pager.reload(async () => {
      try {
        return { items: [await apiGet('/api/v1/id-tokens/{token}', { path: { token }, signal: ctx.signal })], next_cursor: null };
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
        replace(notice, h('p', { class: 'muted' }, `No id token “${token}”.`));
        return { items: [], next_cursor: null };
      }
    });
  };

  replace(
    ctx.root,
    pageHeader('Id tokens', canCreate ? h('button', { type: 'button', class: 'primary', 'data-testid': 'id-token-new', onClick: () => tokenDialog(null, upsert, customer.value.trim()) }, 'New id token') : null),
    h('div', { class: 'filters' },
      h('form', { class: 'filters inline', onSubmit: (e) => { e.preventDefault(); lookup.value = ''; replace(notice); void load(); } }, field('Customer', customer), h('button', { type: 'submit' }, 'Apply')),
      h('form', { class: 'filters inline', role: 'search', onSubmit: (e) => { e.preventDefault(); replace(notice); void find(); } }, field('Find a token', lookup), h('button', { type: 'submit' }, 'Find'))),
    notice,
    pager.list,
    h('div', { class: 'list-footer' }, pager.more),
  );
  await load();
}

/** The request body of the form (every field named: PATCH sends only those that changed). */
export function tokenFields(values: {
  status: string;
  expires: string;
  group: string;
  customer: string;
  concurrent: string;
  priority: string;
}): Omit<IdTokenInput, 'token'> {
  const expires = values.expires.trim();
  let expiresAt: string | null = null;
  if (expires) {
    const iso = fromLocalInput(expires);
    if (!iso) throw new Error('Expires must be a date and time.');
    expiresAt = iso;
  }
  const int = (text: string, label: string, min: number, max: number): number | null => {
    const t = text.trim();
    if (t === '') return null;
    if (!/^-?\d+$/.test(t)) throw new Error(`${label} must be a whole number, not “${t}”`);
    const v = Number(t);
    if (v < min || v > max) throw new Error(`${label} must be between ${min} and ${max}`);
    return v;
  };
  if (!(kStatuses as readonly string[]).includes(values.status)) throw new Error(`Status must be one of ${kStatuses.join(', ')}`);
  const group = values.group.trim() || null;
  if (group && group.length > 36) throw new Error('Group must be at most 36 characters');
  const customer = values.customer.trim() || null;
  if (customer && customer.length > 100) throw new Error('Customer must be at most 100 characters');
  return {
    status: values.status as IdTokenInput['status'],
    expires_at: expiresAt,
    group,
    customer_id: customer,
    max_concurrent_sessions: int(values.concurrent, 'Sessions at once', 1, 1_000_000),
    charging_priority: int(values.priority, 'Priority', -9, 9),
  };
}

function tokenDialog(existing: IdToken | null, onSaved: (token: IdToken) => void, customerId = ''): void {
  const token = h('input', { type: 'text', required: true, maxlength: 36, value: existing?.token ?? '', disabled: Boolean(existing), autocomplete: 'off', spellcheck: 'false', 'data-testid': 'id-token-field-token' });
  const status = select([...kStatuses], { 'data-testid': 'id-token-field-status' }, existing?.status ?? 'Accepted');
  const expires = h('input', { type: 'datetime-local', value: toLocalInput(existing?.expires_at), 'data-testid': 'id-token-field-expires_at' });
  const group = h('input', { type: 'text', maxlength: 36, value: existing?.group ?? '', autocomplete: 'off', 'data-testid': 'id-token-field-group' });
  const customer = h('input', { type: 'text', maxlength: 100, value: existing ? (existing.customer_id ?? '') : customerId, autocomplete: 'off', 'data-testid': 'id-token-field-customer_id' });
  const concurrent = h('input', { type: 'text', inputmode: 'numeric', value: existing ? (existing.max_concurrent_sessions === null ? '' : String(existing.max_concurrent_sessions)) : '1', 'data-testid': 'id-token-field-max_concurrent_sessions' });
  const priority = h('input', { type: 'text', inputmode: 'numeric', value: existing?.charging_priority === null || existing?.charging_priority === undefined ? '' : String(existing.charging_priority), 'data-testid': 'id-token-field-charging_priority' });
  openDialog({
    title: existing ? `Edit id token ${existing.token}` : 'New id token',
    body: [
      field('Token', token, existing ? 'The token cannot change.' : 'As the charger reads it (up to 36 characters); matched case-insensitively.'),
      field('Status', status, 'What an authorization is answered with.'),
      field('Expires (optional)', expires, `In this browser’s time (${browserZone()}); empty: never.`),
      field('Group (optional)', group, 'The parent id token (1.6 parentIdTag, 2.0.1 groupIdToken).'),
      field('Customer (optional)', customer, 'The customer it is billed to.'),
      field('Sessions at once', concurrent, 'Empty: no limit (fleet cards).'),
      field('Charging priority (optional)', priority, '−9 to 9; higher is served first by the load manager.'),
    ],
    submitLabel: existing ? 'Save' : 'Create',
    submitTestId: 'id-token-save',
    onSubmit: async () => {
      const fields = tokenFields({ status: status.value, expires: expires.value, group: group.value, customer: customer.value, concurrent: concurrent.value, priority: priority.value });
      let saved: IdToken;
      if (existing) {
        const patch = changedFields<Record<string, unknown>>(existing, fields);
        if (Object.keys(patch).length === 0) return 'close';
        saved = await apiSend('patch', '/api/v1/id-tokens/{token}', { path: { token: existing.token }, body: patch as IdTokenInput });
      } else {
        const text = token.value.trim();
        if (!text) throw new Error('Token is required.');
        if (text.length > 36) throw new Error('Token must be at most 36 characters.');
        saved = await apiSend('post', '/api/v1/id-tokens', { body: { token: text, ...fields } });
      }
      onSaved(saved);
      return 'close';
    },
  });
}
