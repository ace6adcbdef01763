// Billing: tariffs (edited in a form with a price preview: tariff-editor.ts), plans, customers,
// invoices (generate, printable HTML, CSV) and the CDR export.
import { apiGet, apiGetBlob, apiGetUrl, apiSend, isAbort, type BodyOf, type Op } from '../api/client';
import type { Customer, InvoiceSummary, Plan, Tariff } from '../api/types';
import { downloadBlob } from '../lib/csv';
import { h, replace } from '../lib/dom';
import { formatDateTime, formatMoney } from '../lib/format';
import { may } from '../lib/roles';
import { addDays, dateInputValue, localMidnightIso } from '../lib/time';
import type { PageContext } from '../router';
import { formFromPlan, planErrorText, planFromForm, type PlanForm } from './plan-form';
import { changedFields, confirmDialog, fillChoices, isTimeZone, textOrNull, timeZoneInput } from '../ui/forms';
import { pagedList } from '../ui/paged-list';
import { errorBox, field, loadInto, loading, openDialog, pageHeader, section, select, table } from '../ui/widgets';

const kTabs = [
  ['invoices', 'Invoices'],
  ['customers', 'Customers'],
  ['tariffs', 'Tariffs'],
  ['plans', 'Plans'],
  ['cdrs', 'CDR export'],
] as const;
type Tab = (typeof kTabs)[number][0];
const kTabKey = 'csms.billing-tab';

function isTab(value: string | null | undefined): value is Tab {
  return kTabs.some(([k]) => k === value);
}

/** The tab to show for #/billing without one: the last one used in this tab, else invoices (the daily task). */
export function defaultTab(remembered: string | null): Tab {
  return isTab(remembered) ? remembered : 'invoices';
}

function rememberedTab(): string | null {
  try {
    return sessionStorage.getItem(kTabKey);
  } catch {
    return null;
  }
}

export async function renderBilling(ctx: PageContext): Promise<void> {
  let tab: Tab;
  if (isTab(ctx.params.tab)) {
    tab = ctx.params.tab;
  } else {
    // #/billing (or an unknown tab): name the tab in the address so that a reload keeps it.
    tab = defaultTab(rememberedTab());
    const query = ctx.query.toString();
    history.replaceState(null, '', `#/billing/${tab}${query ? `?${query}` : ''}`);
  }
  try {
    sessionStorage.setItem(kTabKey, tab);
  } catch {
    // storage disabled: the address still names the tab
  }
  const body = h('div');
  replace(
    ctx.root,
    pageHeader('Billing'),
    h('nav', { class: 'tabs', 'aria-label': 'Billing' },
      kTabs.map(([key, label]) => h('a', { href: `#/billing/${key}`, 'aria-current': key === tab ? 'page' : null, 'data-testid': `billing-tab-${key}` }, label))),
    body,
  );
  const pages: Record<Tab, (ctx: PageContext, body: HTMLElement) => Promise<void>> = {
    tariffs: renderTariffs,
    plans: renderPlans,
    customers: renderCustomers,
    invoices: renderInvoices,
    cdrs: renderCdrs,
  };
  await pages[tab](ctx, body);
}

// ---- tariffs

function priceText(price: string | number | undefined, currency: string): string {
  return price === undefined ? '—' : formatMoney(price, currency);
}

/** "0.35 €/kWh + 1.00 € once (MONDAY–FRIDAY 08:00–18:00)" for each element. */
export function tariffSummary(tariff: Tariff): string[] {
  const unit: Record<string, string> = { ENERGY: '/kWh', TIME: '/h charging', PARKING_TIME: '/h parking', FLAT: ' once' };
  return tariff.elements.map((element) => {
    const prices = element.price_components.map((c) => `${priceText(c.price, tariff.currency)}${unit[c.type] ?? ''}`).join(' + ');
    const r = element.restrictions;
    const when = [
      r?.day_of_week?.length ? r.day_of_week.map((d) => d.slice(0, 3)).join(',') : '',
      r?.start_time || r?.end_time ? `${r.start_time ?? '00:00'}–${r.end_time ?? '24:00'}` : '',
      r?.min_kwh !== undefined || r?.max_kwh !== undefined ? `${r.min_kwh ?? 0}–${r.max_kwh ?? '∞'} kWh` : '',
      r?.min_power !== undefined || r?.max_power !== undefined ? `${r.min_power ?? 0}–${r.max_power ?? '∞'} kW` : '',
    ].filter(Boolean).join(' ');
    return when ? `${prices} (${when})` : prices;
  });
}

async function renderTariffs(ctx: PageContext, body: HTMLElement): Promise<void> {
  const canCreate = may(ctx.session.role, 'post /api/v1/tariffs');
  const canEdit = may(ctx.session.role, 'put /api/v1/tariffs/{id}');
  const canDelete = may(ctx.session.role, 'delete /api/v1/tariffs/{id}');
  const canPreview = may(ctx.session.role, 'post /api/v1/tariffs:price');
  const list = h('div');
  const notice = h('div', { role: 'status', 'aria-live': 'polite' });
  // The editor is a chunk of its own, loaded when first opened.
  const edit = async (existing: Tariff | null) => {
    let editor: typeof import('./tariff-editor');
    try {
      editor = await import('./tariff-editor');
    } catch (error) {
      replace(notice, errorBox(error));
      return;
    }
    if (ctx.signal.aborted) return;
    editor.tariffDialog({
      existing,
      canPreview,
      onSaved: (saved) => {
        replace(notice, h('p', { class: 'ok-text', 'data-testid': 'tariff-saved' }, `Saved tariff ${saved.id}, version ${saved.version ?? '?'}.`));
        void load();
      },
    });
  };
  const load = () =>
    loadInto(list, ctx.signal, () => apiGet('/api/v1/tariffs', { query: { limit: 500 }, signal: ctx.signal }), (page) =>
      table(
        [
          { header: 'Tariff', cell: (t: Tariff) => [h('strong', null, t.id), t.is_default ? ' (default)' : ''] },
          { header: 'Version', cell: (t: Tariff) => String(t.version ?? '—'), numeric: true },
          { header: 'Prices (excl. VAT)', cell: (t: Tariff) => tariffSummary(t).map((line) => h('div', null, line)) },
          { header: 'VAT', cell: (t: Tariff) => `${t.vat_percent} %` },
          { header: 'Valid', cell: (t: Tariff) => `${t.start_date_time ? formatDateTime(t.start_date_time, 'UTC', { seconds: false }) : 'from saving'} → ${t.end_date_time ? formatDateTime(t.end_date_time, 'UTC', { seconds: false }) : 'open'}` },
          ...(canEdit || canDelete ? [{ header: '', cell: (t: Tariff) => [
            canEdit ? h('button', { type: 'button', 'data-testid': 'tariff-edit', 'aria-label': `Edit tariff ${t.id}`, onClick: () => void edit(t) }, 'Edit') : null,
            canDelete ? h('button', { type: 'button', 'data-testid': 'tariff-delete', 'aria-label': `Delete tariff ${t.id}`, onClick: () => confirmDialog({
              title: `Delete tariff ${t.id}`,
              text: 'Stations and plans that name it fall back to the default tariff for new sessions; sessions already priced keep their cost.',
              confirmLabel: 'Delete',
              testId: 'tariff-delete-confirm',
              onConfirm: async () => {
                await apiSend('delete', '/api/v1/tariffs/{id}', { path: { id: t.id } });
                replace(notice, h('p', { class: 'ok-text', 'data-testid': 'tariff-deleted' }, `Deleted tariff ${t.id}.`));
                void load();
              },
            }) }, 'Delete') : null,
          ] }] : []),
        ],
        page.items ?? [],
        (t) => ({ 'data-testid': 'tariff-row', 'data-tariff-id': t.id }),
        { empty: 'No tariffs yet.' },
      ),
    );
  replace(body, canCreate ? h('div', { class: 'button-row' }, h('button', { type: 'button', class: 'primary', 'data-testid': 'tariff-new', onClick: () => void edit(null) }, 'New tariff')) : null, notice, list);
  await load();
}

// ---- plans

async function renderPlans(ctx: PageContext, body: HTMLElement): Promise<void> {
  const admin = may(ctx.session.role, 'post /api/v1/plans');
  const list = h('div');
  const load = () =>
    loadInto(list, ctx.signal, () => apiGet('/api/v1/plans', { query: { limit: 500 }, signal: ctx.signal }), (page) =>
      table(
        [
          { header: 'Plan', cell: (p: Plan) => [h('strong', null, p.id), p.name ? ` ${p.name}` : ''] },
          { header: 'Monthly fee (excl. VAT)', cell: (p: Plan) => formatMoney(p.monthly_fee, p.currency), numeric: true },
          { header: 'Included energy', cell: (p: Plan) => (p.included_energy_wh ? `${p.included_energy_wh / 1000} kWh` : '—'), numeric: true },
          { header: 'Discount', cell: (p: Plan) => (p.discount_percent !== undefined ? `${p.discount_percent} %` : '—'), numeric: true },
          { header: 'Tariff', cell: (p: Plan) => p.tariff_id ?? 'station’s' },
          ...(admin ? [{ header: '', cell: (p: Plan) => [
            h('button', { type: 'button', 'data-testid': 'plan-edit', onClick: () => planDialog(p, load) }, 'Edit'),
            may(ctx.session.role, 'delete /api/v1/plans/{id}') ? h('button', { type: 'button', 'data-testid': 'plan-delete', onClick: () => confirmDialog({
              title: `Delete plan ${p.id}`,
              text: 'Customers on it pay as customers without a plan from their next session; issued invoices stay.',
              confirmLabel: 'Delete',
              testId: 'plan-delete-confirm',
              onConfirm: async () => {
                await apiSend('delete', '/api/v1/plans/{id}', { path: { id: p.id } });
                void load();
              },
            }) }, 'Delete') : null,
          ] }] : []),
        ],
        page.items ?? [],
        (p) => ({ 'data-testid': 'plan-row', 'data-plan-id': p.id }),
        { empty: 'No plans yet.' },
      ),
    );
  replace(body, admin ? h('div', { class: 'button-row' }, h('button', { type: 'button', class: 'primary', 'data-testid': 'plan-new', onClick: () => planDialog(null, load) }, 'New plan')) : null, list);
  await load();
}

function planDialog(existing: Plan | null, reload: () => void): void {
  const start = formFromPlan(existing);
  const input = (key: keyof PlanForm, attrs: Record<string, string | number | boolean> = {}) =>
    h('input', { type: 'text', value: start[key], 'data-testid': `plan-field-${key}`, autocomplete: 'off', ...attrs });
  const inputs = {
    id: input('id', { required: true, maxlength: 36, disabled: Boolean(existing) }),
    name: input('name', { maxlength: 200 }),
    currency: input('currency', { required: true, maxlength: 3, size: 4, pattern: '[A-Za-z]{3}' }),
    monthlyFee: input('monthlyFee', { required: true, inputmode: 'decimal', placeholder: '9.90' }),
    includedKwh: input('includedKwh', { inputmode: 'decimal', placeholder: '0' }),
    discountPercent: input('discountPercent', { inputmode: 'decimal', placeholder: '0' }),
  };
  const tariff = select([['', 'The station’s tariff'], ...(start.tariffId ? [[start.tariffId, start.tariffId] as [string, string]] : [])], { 'data-testid': 'plan-field-tariffId' }, start.tariffId);
  void fillChoices(tariff, async () => ((await apiGet('/api/v1/tariffs', { query: { limit: 500 } })).items ?? []).map((t): [string, string] => [t.id, t.id]), 'tariffs');
  openDialog({
    title: existing ? `Edit plan ${existing.id}` : 'New plan',
    body: [
      field('Id', inputs.id, existing ? 'The id cannot change.' : 'Up to 36 characters; customers refer to it.'),
      field('Name', inputs.name),
      h('div', { class: 'field-row' },
        field('Monthly fee (excl. VAT)', inputs.monthlyFee),
        field('Currency', inputs.currency, 'ISO 4217, e.g. EUR')),
      h('div', { class: 'field-row' },
        field('Included energy per month (kWh)', inputs.includedKwh, 'Used up by the month’s sessions in order.'),
        field('Discount on energy beyond it (%)', inputs.discountPercent)),
      field('Tariff for members', tariff, 'Replaces the station’s tariff for this plan’s customers.'),
    ],
    submitLabel: existing ? 'Save' : 'Create',
    submitTestId: 'plan-save',
    onSubmit: async () => {
      const { plan, errors } = planFromForm({
        id: inputs.id.value, name: inputs.name.value, currency: inputs.currency.value, monthlyFee: inputs.monthlyFee.value,
        includedKwh: inputs.includedKwh.value, discountPercent: inputs.discountPercent.value, tariffId: tariff.value,
      });
      if (Object.keys(errors).length) throw new Error(planErrorText(errors));
      if (existing) await apiSend('put', '/api/v1/plans/{id}', { path: { id: existing.id }, body: plan });
      else await apiSend('post', '/api/v1/plans', { body: plan });
      reload();
      return 'close';
    },
  });
}

// ---- customers

async function renderCustomers(ctx: PageContext, body: HTMLElement): Promise<void> {
  const canCreate = may(ctx.session.role, 'post /api/v1/customers');
  const canEdit = may(ctx.session.role, 'patch /api/v1/customers/{id}');
  const canDelete = may(ctx.session.role, 'delete /api/v1/customers/{id}');
  const notice = h('div', { role: 'status', 'aria-live': 'polite' });
  const upsert = (customer: Customer) =>
    pager.update((rows) => {
      const index = rows.findIndex((r) => r.id === customer.id);
      if (index >= 0) rows[index] = customer;
      else rows.unshift(customer);
      return rows;
    });
  const pager = pagedList<Customer>({
    signal: ctx.signal,
    fetchPage: (cursor) => apiGet('/api/v1/customers', { query: { limit: 200, cursor }, signal: ctx.signal }),
    render: (rows) => table(
      [
        { header: 'Customer', cell: (c: Customer) => [h('strong', null, c.id), c.name ? ` ${c.name}` : ''] },
        { header: 'Email', cell: (c: Customer) => c.email ?? '—' },
        { header: 'Plan', cell: (c: Customer) => c.plan_id ?? '—' },
        { header: 'Time zone', cell: (c: Customer) => c.time_zone ?? '—' },
        { header: 'Id tokens', cell: (c: Customer) => h('a', { href: `#/id-tokens?customer=${encodeURIComponent(c.id)}` }, String(c.id_token_count ?? c.id_tokens?.length ?? 0)), numeric: true },
        { header: 'Invoices', cell: (c: Customer) => h('a', { href: `#/billing/invoices?customer=${encodeURIComponent(c.id)}` }, 'Invoices') },
        ...(canEdit || canDelete
          ? [{ header: '', cell: (c: Customer) => [
              canEdit ? h('button', { type: 'button', 'data-testid': 'customer-edit', onClick: () => customerDialog(c, upsert) }, 'Edit') : null,
              canDelete ? h('button', { type: 'button', 'data-testid': 'customer-delete', onClick: () => confirmDialog({
                title: `Delete customer ${c.id}`,
                text: 'The customer record goes. Its id tokens are not deleted (they keep naming this customer id); issued invoices stay.',
                confirmLabel: 'Delete',
                testId: 'customer-delete-confirm',
                onConfirm: async () => {
                  await apiSend('delete', '/api/v1/customers/{id}', { path: { id: c.id } });
                  pager.update((rows) => rows.filter((r) => r.id !== c.id));
                  replace(notice, h('p', { class: 'ok-text' }, `Deleted customer ${c.id}.`));
                },
              }) }, 'Delete') : null,
            ] }]
          : []),
      ],
      rows,
      (c) => ({ 'data-testid': 'customer-row', 'data-customer-id': c.id }),
      { empty: 'No customers yet.' },
    ),
  });
  replace(body, canCreate ? h('div', { class: 'button-row' }, h('button', { type: 'button', class: 'primary', 'data-testid': 'customer-new', onClick: () => customerDialog(null, upsert) }, 'New customer')) : null, notice, pager.list, pager.more);
  await pager.reload();
}

function customerDialog(existing: Customer | null, onSaved: (customer: Customer) => void): void {
  const plan = select([['', '(none)'], ...(existing?.plan_id ? [[existing.plan_id, existing.plan_id] as [string, string]] : [])], { 'data-testid': 'customer-field-plan_id' }, existing?.plan_id ?? '');
  void fillChoices(plan, async () => ((await apiGet('/api/v1/plans', { query: { limit: 500 } })).items ?? []).map((p): [string, string] => [p.id, p.name ? `${p.id} · ${p.name}` : p.id]), 'plans');
  const inputs = {
    id: h('input', { type: 'text', required: true, maxlength: 100, value: existing?.id ?? '', disabled: Boolean(existing), 'data-testid': 'customer-field-id', autocomplete: 'off' }),
    name: h('input', { type: 'text', maxlength: 200, value: existing?.name ?? '', 'data-testid': 'customer-field-name' }),
    email: h('input', { type: 'email', maxlength: 200, value: existing?.email ?? '', 'data-testid': 'customer-field-email' }),
    time_zone: timeZoneInput(existing?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone, { required: true, 'data-testid': 'customer-field-time_zone' }),
  };
  openDialog({
    title: existing ? `Edit customer ${existing.id}` : 'New customer',
    body: [
      field('Id', inputs.id, existing ? 'The id cannot change.' : 'Up to 100 characters; invoices and id tokens refer to it.'),
      field('Name', inputs.name),
      field('Email', inputs.email),
      field('Time zone', inputs.time_zone, 'Invoices count months in it.'),
      field('Plan', plan),
    ],
    submitLabel: existing ? 'Save' : 'Create',
    submitTestId: 'customer-save',
    onSubmit: async () => {
      const zone = inputs.time_zone.value.trim();
      if (!isTimeZone(zone)) throw new Error(`Time zone: “${zone}” is not an IANA time zone such as Europe/Berlin.`);
      const fields = {
        name: textOrNull(inputs.name),
        email: textOrNull(inputs.email),
        time_zone: zone,
        plan_id: textOrNull(plan),
      };
      if (fields.email !== null && !fields.email.includes('@')) throw new Error('Email must be an e-mail address.');
      let saved: Customer;
      if (existing) {
        const patch = changedFields<Record<string, unknown>>(existing, fields);
        if (Object.keys(patch).length === 0) return 'close';
        // The document types the PATCH body as the whole Customer (id required); the server ignores an id.
        saved = await apiSend('patch', '/api/v1/customers/{id}', { path: { id: existing.id }, body: { id: existing.id, ...patch } as Customer });
      } else {
        const id = inputs.id.value.trim();
        if (!id) throw new Error('Id is required.');
        const customer: Customer = { id, time_zone: zone };
        if (fields.name) customer.name = fields.name;
        if (fields.email) customer.email = fields.email;
        if (fields.plan_id) customer.plan_id = fields.plan_id;
        saved = await apiSend('post', '/api/v1/customers', { body: customer });
      }
      onSaved(saved);
      return 'close';
    },
  });
}

// ---- invoices

type GenerateBody = BodyOf<Op<'/api/v1/invoices:generate', 'post'>>;

function lastMonth(now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

async function renderInvoices(ctx: PageContext, body: HTMLElement): Promise<void> {
  const admin = may(ctx.session.role, 'post /api/v1/invoices:generate');
  const customer = h('input', { type: 'text', value: ctx.query.get('customer') ?? '', placeholder: 'Customer id' });
  const notice = h('div');
  const pager = pagedList<InvoiceSummary>({
    signal: ctx.signal,
    fetchPage: async (cursor) => {
      const page = await apiGet('/api/v1/invoices', { query: { customer: customer.value.trim() || undefined, limit: 100, cursor }, signal: ctx.signal });
      // The document lists invoices as bare objects; they are the Invoice schema without items.
      return { items: (page.items ?? []) as unknown as InvoiceSummary[], next_cursor: page.next_cursor };
    },
    render: (rows) => invoiceTable(rows, notice),
  });
  const generate = admin
    ? h('button', { type: 'button', class: 'primary', 'data-testid': 'invoice-generate', onClick: () => generateDialog(customer.value.trim(), (invoice) => {
        pager.update((rows) => [invoice, ...rows.filter((r) => r.id !== invoice.id)]);
        const row = pager.list.querySelector<HTMLElement>(`[data-testid="invoice-row"][data-invoice-id="${CSS.escape(String(invoice.id))}"]`);
        row?.classList.add('fresh');
        row?.scrollIntoView({ block: 'nearest' });
        replace(notice, h('p', { class: 'result ok', role: 'status', 'data-testid': 'invoice-result' },
          `Invoice ${invoice.number} for ${invoice.customer_id}${invoice.period?.month ? `, ${invoice.period.month}` : ''}: ${formatMoney(invoice.total_incl_vat, invoice.currency)} incl. VAT. `,
          h('button', { type: 'button', onClick: () => void openInvoiceHtml(invoice, notice) }, 'View')));
      }) }, 'Generate invoice')
    : null;
  replace(
    body,
    h('form', { class: 'filters', onSubmit: (e) => { e.preventDefault(); void pager.reload(); } }, field('Customer', customer), h('button', { type: 'submit' }, 'Apply'), generate),
    notice,
    pager.list,
    pager.more,
  );
  await pager.reload();
}

function generateDialog(customerId: string, onIssued: (invoice: InvoiceSummary) => void): void {
  const inputs: Record<keyof GenerateBody, HTMLInputElement> = {
    customer_id: h('input', { type: 'text', required: true, value: customerId, 'data-testid': 'invoice-field-customer_id', autocomplete: 'off' }),
    month: h('input', { type: 'text', required: true, pattern: '[0-9]{4}-(0[1-9]|1[0-2])', value: lastMonth(), placeholder: 'YYYY-MM', 'data-testid': 'invoice-field-month' }),
  };
  openDialog({
    title: 'Generate an invoice',
    body: [
      h('p', { class: 'muted' }, 'One customer, one ended month of the customer’s time zone. Generating a month again returns the invoice issued before.'),
      field('Customer id', inputs.customer_id),
      field('Month', inputs.month, 'YYYY-MM'),
    ],
    submitLabel: 'Generate',
    submitTestId: 'invoice-submit',
    onSubmit: async () => {
      const request: GenerateBody = { customer_id: inputs.customer_id.value.trim(), month: inputs.month.value.trim() };
      if (!request.customer_id) throw new Error('Customer id is required.');
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(request.month)) throw new Error('Month must be YYYY-MM, e.g. 2026-03.');
      const invoice = await apiSend('post', '/api/v1/invoices:generate', { body: request });
      // The list shows the new row and the page says what was issued; the dialog's job is done.
      onIssued(invoice);
      return 'close';
    },
  });
}

function invoiceTable(rows: readonly InvoiceSummary[], notice: HTMLElement): HTMLElement {
  return table(
    [
      { header: 'Number', cell: (i) => h('strong', null, i.number) },
      { header: 'Customer', cell: (i) => `${i.customer_id}${i.customer_name ? ` · ${i.customer_name}` : ''}` },
      { header: 'Month', cell: (i) => i.period?.month ?? '—' },
      { header: 'Issued', cell: (i) => formatDateTime(i.issued_at, i.period?.time_zone, { seconds: false }) },
      { header: 'Excl. VAT', cell: (i) => formatMoney(i.total_excl_vat, i.currency), numeric: true },
      { header: 'Incl. VAT', cell: (i) => formatMoney(i.total_incl_vat, i.currency), numeric: true },
      { header: '', cell: (i) => [
        h('button', { type: 'button', 'data-testid': 'invoice-html', onClick: () => void openInvoiceHtml(i, notice) }, 'View'),
        h('button', { type: 'button', 'data-testid': 'invoice-csv', onClick: () => void downloadInvoiceCsv(i, notice) }, 'CSV'),
      ] },
    ],
    rows,
    (i) => ({ 'data-testid': 'invoice-row', 'data-invoice-id': i.id }),
    { empty: 'No invoices.' },
  );
}

/** The printable page needs the token, so it is fetched and opened as a Blob URL. */
async function openInvoiceHtml(invoice: InvoiceSummary, notice: HTMLElement): Promise<void> {
  try {
    const { blob } = await apiGetBlob('/api/v1/invoices/{id}', 'text/html', { path: { id: invoice.id } });
    const url = URL.createObjectURL(new Blob([blob], { type: 'text/html' }));
    const opened = window.open(url, '_blank');
    if (!opened) {
      // A popup blocker stopped it: offer a link the user can click.
      replace(notice, h('p', { class: 'warning' }, 'The browser blocked the new tab: ', h('a', { href: url, target: '_blank', rel: 'noopener' }, `open invoice ${invoice.number}`)));
    }
    setTimeout(() => URL.revokeObjectURL(url), 10 * 60_000);
  } catch (error) {
    if (!isAbort(error)) replace(notice, errorBox(error));
  }
}

async function downloadInvoiceCsv(invoice: InvoiceSummary, notice: HTMLElement): Promise<void> {
  try {
    const { blob } = await apiGetBlob('/api/v1/invoices/{id}', 'text/csv', { path: { id: invoice.id } });
    downloadBlob(blob, `${invoice.number}.csv`);
  } catch (error) {
    if (!isAbort(error)) replace(notice, errorBox(error));
  }
}

// ---- CDR export

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (match?.[1]) return match[1];
  }
  return null;
}

/** Joins CSV pages: the header line of every page after the first is dropped. */
export function joinCsvPages(pages: readonly string[]): string {
  return pages.map((text, i) => {
    if (i === 0) return text;
    const end = text.indexOf('\n');
    return end < 0 ? '' : text.slice(end + 1);
  }).join('');
}

async function renderCdrs(ctx: PageContext, body: HTMLElement): Promise<void> {
  const today = dateInputValue(new Date());
  const from = h('input', { type: 'date', value: addDays(today, -31) ?? today, required: true });
  const to = h('input', { type: 'date', value: today, required: true });
  const status = h('div', { 'aria-live': 'polite' });
  const run = async (event: Event) => {
    event.preventDefault();
    const query = { from: localMidnightIso(from.value), to: localMidnightIso(addDays(to.value, 1) ?? ''), limit: 10000 };
    replace(status, loading('Fetching the records…'));
    try {
      const pages: string[] = [];
      let answer = await apiGetBlob('/api/v1/cdrs', 'text/csv', { query, signal: ctx.signal });
      pages.push(await answer.blob.text());
      for (let next = nextLink(answer.headers.get('Link')); next; next = nextLink(answer.headers.get('Link'))) {
        replace(status, loading(`Fetching page ${pages.length + 1}…`));
        answer = await apiGetUrl(next, 'text/csv', ctx.signal);
        pages.push(await answer.blob.text());
      }
      downloadBlob(new Blob([joinCsvPages(pages)], { type: 'text/csv;charset=utf-8' }), `cdrs-${from.value}-${to.value}.csv`);
      replace(status, h('p', { class: 'ok-text' }, `Downloaded ${pages.length} page${pages.length === 1 ? '' : 's'}.`));
    } catch (error) {
      if (!isAbort(error)) replace(status, errorBox(error));
    }
  };
  replace(body, section('Charge detail records',
    h('p', { class: 'muted' }, 'Every session that ended in the range, with its priced cost, as CSV (local dates of this browser).'),
    h('form', { class: 'filters', onSubmit: (e) => void run(e) }, field('Ended from', from), field('until (inclusive)', to),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'cdr-csv' }, 'Download CSV')),
    status));
}
