// Names for the document's schemas the pages use, and types for what the document leaves
// open (free-form objects, the event streams) with the reason for each.
import type { components } from './schema';
import type { GetOk } from './client';

type Schemas = components['schemas'];
export type Station = Schemas['Station'];
export type Evse = Schemas['Evse'];
export type Connector = Schemas['Connector'];
export type ConnectorStatus = Schemas['ConnectorStatus'];
export type Transaction = Schemas['Transaction'];
export type MeterSample = Schemas['MeterSample'];
export type Alert = Schemas['Alert'];
export type FaultRule = Schemas['FaultRule'];
export type FaultRulePatch = Schemas['FaultRulePatch'];
export type Tariff = Schemas['Tariff'];
export type Plan = Schemas['Plan'];
export type Customer = Schemas['Customer'];
export type Invoice = Schemas['Invoice'];
export type StationVariable = Schemas['StationVariable'];
export type CommandName = Schemas['CommandName'];
export type CommandAnswer = Schemas['CommandAnswer'];
export type Site = Schemas['Site'];
export type Me = GetOk<'/api/v1/me'>;

export type AnalyticsReport = GetOk<'/api/v1/analytics/{report}'>;
export type ReportName = AnalyticsReport['report'];
/** The report document of one report name. */
export type ReportOf<N extends ReportName> = Extract<AnalyticsReport, { report: N }>;
export type ReportRow<N extends ReportName> = ReportOf<N>['rows'][number];

/**
 * Transaction.cost is documented in prose only (`type: object`); this is that prose as a type.
 * Every field is optional so that a missing one shows as "—" rather than breaking the page.
 */
export interface Cost {
  currency?: string;
  tariff_id?: string;
  tariff_version?: number;
  energy_wh?: number;
  lines?: CostLine[];
  lines_total?: string;
  total_excl_vat?: string;
  vat_percent?: string;
  vat?: string;
  total_incl_vat?: string;
  flags?: string[];
  signed_meter_values?: { start?: SignedVerdict | null; stop?: SignedVerdict | null };
}

export interface CostLine {
  dimension?: string;
  element_index?: number;
  quantity?: number;
  unit_price?: string;
  amount?: string;
  basis?: string;
  discount_percent?: string;
}

export interface SignedVerdict {
  status?: 'verified' | 'invalid' | 'unparseable' | 'unsigned' | 'no_public_key' | string;
  meter_serial?: string | null;
  reading?: { time?: string; type?: string; value?: string | number; unit?: string } | null;
  detail?: string | null;
}

/** GET /api/v1/invoices lists invoices "without their items" but types them as bare objects. */
export type InvoiceSummary = Omit<Invoice, 'items'> & { items?: Invoice['items'] };
