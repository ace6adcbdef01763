// What the analytics page asks the server for, kept apart from the page so that the dashboard's
// start (main.ts) can send the first requests of /analytics while the page's code still loads.
import { prefetchGet, type CallOptions, type Op } from '../api/client';
import type { ReportName } from '../api/types';
import { addDays, dateInputValue, localMidnightIso } from '../lib/time';

export const kReportNames = ['utilization', 'energy', 'peak-hours', 'uptime', 'faults', 'sessions', 'revenue', 'expansion', 'maintenance', 'what-if'] as const;
export type ReportChoice = (typeof kReportNames)[number];
export const kBuckets = ['hour', 'day', 'week', 'month'] as const;
export type Bucket = (typeof kBuckets)[number];
export type Group = 'station' | 'fleet';
/** The reports drawn as a time series: the fleet per bucket and each station over the range. */
export type Series = 'utilization' | 'energy' | 'uptime' | 'revenue';

export interface Query {
  report: ReportChoice;
  from: string;
  to: string;
  stations: string[];
  bucket: Bucket;
  threshold: number;
}

/** The page's choices from its address; the last 30 days by day when it names none. */
export function readQuery(params: URLSearchParams, today = dateInputValue(new Date())): Query {
  const report = kReportNames.find((k) => k === params.get('report')) ?? 'utilization';
  const bucket = (kBuckets as readonly string[]).includes(params.get('bucket') ?? '') ? (params.get('bucket') as Bucket) : 'day';
  const threshold = Number(params.get('threshold') ?? '97');
  return {
    report,
    from: params.get('from') ?? addDays(today, -29) ?? today,
    to: params.get('to') ?? today,
    stations: params.getAll('station').filter(Boolean),
    bucket,
    threshold: Number.isFinite(threshold) ? threshold : 97,
  };
}

type ReportCall = CallOptions<Op<'/api/v1/analytics/{report}', 'get'>>;

/** The request for one report of `q`: the whole range up to the end of its last day. */
export function reportRequest(name: ReportName, q: Query, shape: { group?: Group; bucket?: Bucket } = {}): ReportCall {
  return {
    path: { report: name },
    query: {
      from: localMidnightIso(q.from),
      to: localMidnightIso(addDays(q.to, 1) ?? ''),
      station: q.stations.length ? q.stations : undefined,
      bucket: shape.bucket ?? q.bucket,
      group: shape.group,
      threshold: name === 'uptime' ? q.threshold : undefined,
    },
  };
}

export function isSeries(report: ReportChoice): report is Series {
  return report === 'utilization' || report === 'energy' || report === 'uptime' || report === 'revenue';
}

/** A series is the fleet per bucket (the chart) and each station by month (the table). */
export const kSeriesShapes: { group: Group; bucket?: Bucket }[] = [{ group: 'fleet' }, { group: 'station', bucket: 'month' }];

/** Whether the report the address names is drawn as a chart (a series). */
export function drawsChart(params: URLSearchParams): boolean {
  return isSeries(readQuery(params).report);
}

/** Sends the requests the page will make for the report its address names. */
export function prefetchAnalytics(params: URLSearchParams): void {
  const q = readQuery(params);
  if (q.report === 'what-if') return;
  const shapes = isSeries(q.report) ? kSeriesShapes : [{}];
  for (const shape of shapes) prefetchGet('/api/v1/analytics/{report}', reportRequest(q.report, q, shape));
}
