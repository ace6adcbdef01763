// "What would this tariff have earned?" (POST /api/v1/analytics/tariff-simulation): used as the
// price preview of the tariff editor and as the what-if of the analytics page.
import { apiSend } from '../api/client';
import type { BodyOf, Op, OkOf } from '../api/client';
import { toCsv, downloadCsv, type Column } from '../lib/csv';
import { h, replace } from '../lib/dom';
import { formatEnergy, formatMoney, formatPercent } from '../lib/format';
import { errorBox, loading, table } from '../ui/widgets';

type SimOp = Op<'/api/v1/analytics/tariff-simulation', 'post'>;
export type SimulationRequest = BodyOf<SimOp>;
export type Simulation = OkOf<SimOp>;
export type SimulationRow = Simulation['rows'][number];

export const kSimulationCsv: Column<SimulationRow>[] = [
  'customer_type', 'sessions', 'energy_wh', 'actual_currency', 'actual_excl_vat', 'actual_incl_vat', 'proposed_currency', 'proposed_excl_vat',
  'proposed_incl_vat', 'actual_per_session_incl_vat', 'proposed_per_session_incl_vat', 'actual_per_kwh_incl_vat', 'proposed_per_kwh_incl_vat',
  'change_percent', 'unpriced_sessions', 'other_currency_sessions',
].map((key) => ({ header: key, value: (row: SimulationRow) => row[key as keyof SimulationRow] as string | number | null }));

export function simulationTable(result: Simulation): HTMLElement {
  const money = (amount: string, currency: string) => (currency ? formatMoney(amount, currency) : amount);
  return h(
    'div',
    { 'data-testid': 'tariff-simulation' },
    h('p', { class: 'muted' }, `${result.sessions} ended sessions re-priced with tariff ${result.tariff_id}${result.truncated ? ` (limit reached: sessions until ${result.until ?? '?'})` : ''}.`),
    table(
      [
        { header: 'Customers', cell: (r: SimulationRow) => r.customer_type.replace(/_/g, ' ') },
        { header: 'Sessions', cell: (r: SimulationRow) => String(r.sessions), numeric: true },
        { header: 'Energy', cell: (r: SimulationRow) => formatEnergy(r.energy_wh), numeric: true },
        { header: 'Actual incl. VAT', cell: (r: SimulationRow) => money(r.actual_incl_vat, r.actual_currency), numeric: true },
        { header: 'Proposed incl. VAT', cell: (r: SimulationRow) => money(r.proposed_incl_vat, r.proposed_currency), numeric: true },
        { header: 'Change', cell: (r: SimulationRow) => formatPercent(r.change_percent), numeric: true },
        { header: 'Per session (actual → proposed)', cell: (r: SimulationRow) => `${money(r.actual_per_session_incl_vat, r.actual_currency)} → ${money(r.proposed_per_session_incl_vat, r.proposed_currency)}`, numeric: true },
        { header: 'Per kWh (actual → proposed)', cell: (r: SimulationRow) => `${money(r.actual_per_kwh_incl_vat, r.actual_currency)} → ${money(r.proposed_per_kwh_incl_vat, r.proposed_currency)}`, numeric: true },
        { header: 'Not comparable', cell: (r: SimulationRow) => `${r.unpriced_sessions} unpriced, ${r.other_currency_sessions} other currency`, numeric: true },
      ],
      result.rows,
    ),
    h('button', { type: 'button', 'data-testid': 'analytics-csv', onClick: () => downloadCsv(toCsv(result.rows, kSimulationCsv), 'tariff-simulation.csv') }, 'Download CSV'),
  );
}

/** Runs the simulation into `slot`; `tariff` is the tariff document (id optional). */
export async function simulateInto(slot: HTMLElement, request: SimulationRequest): Promise<void> {
  replace(slot, loading('Re-pricing the sessions…'));
  try {
    const result = await apiSend('post', '/api/v1/analytics/tariff-simulation', { body: request });
    replace(slot, simulationTable(result));
  } catch (error) {
    replace(slot, errorBox(error));
  }
}
