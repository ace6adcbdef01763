// Names for the document's schemas the pages use.
import type { components } from './schema';
import type { GetOk } from './client';

type Schemas = components['schemas'];
export type Station = Schemas['Station'];
/** A station as GET /api/v1/stations?view=brief lists it. */
export type StationBrief = Schemas['StationBrief'];
/** The stations list answers with one of these, as its view parameter asks. */
export type StationPage = Schemas['StationPage'];
export type StationBriefPage = Schemas['StationBriefPage'];
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
export type StationReport = Schemas['StationReport'];
export type CommandName = Schemas['CommandName'];
export type CommandAnswer = Schemas['CommandAnswer'];
export type Site = Schemas['Site'];
export type SiteInput = Schemas['SiteInput'];
export type SiteLoad = Schemas['SiteLoad'];
export type ChargingProfile = Schemas['ChargingProfile'];
export type FirmwareImage = Schemas['FirmwareImage'];
export type FileTransfer = Schemas['FileTransfer'];
export type Job = Schemas['Job'];
export type JobInput = Schemas['JobInput'];
export type JobStation = Schemas['JobStation'];
export type MaintenanceWindow = Schemas['MaintenanceWindow'];
export type AuditEntry = Schemas['AuditEntry'];
export type Me = GetOk<'/api/v1/me'>;
export type Overview = Schemas['Overview'];
export type PricedSample = Schemas['PricedSample'];

export type AnalyticsReport = GetOk<'/api/v1/analytics/{report}'>;
export type ReportName = AnalyticsReport['report'];
/** The report document of one report name. */
export type ReportOf<N extends ReportName> = Extract<AnalyticsReport, { report: N }>;
export type ReportRow<N extends ReportName> = ReportOf<N>['rows'][number];

export type Cost = Schemas['Cost'];
export type CostLine = Schemas['CostLine'];
export type SignedVerdict = Schemas['SignedVerdict'];
export type InvoiceSummary = Schemas['InvoiceSummary'];
