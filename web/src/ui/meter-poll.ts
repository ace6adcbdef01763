// Keeps a session's power chart current while the session runs: every 2.5 s the samples that
// are new since the last read (lib/meter-feed.ts: `from`, or the keyset cursor on a server
// without it).
import { apiGet, errorText, isAbort } from '../api/client';
import type { MeterSample } from '../api/types';
import { MeterFeed } from '../lib/meter-feed';
import { meterSeries, type MeterSeries } from '../lib/meter';
import type { PowerChart } from './chart';

export const kPollMs = 2500;

export function meterFeed(transactionId: number, signal: AbortSignal): MeterFeed {
  return new MeterFeed((query) =>
    apiGet('/api/v1/transactions/{id}/meter-samples', { path: { id: transactionId }, query, signal }));
}

/**
 * Polls until `signal` aborts. `onSeries` hears each new series, `onError` each failure (the
 * poll goes on: a lost answer should not freeze the chart for good). The chart is drawn again
 * only when a sample was added.
 */
export async function pollMeterChart(
  transactionId: number,
  chart: PowerChart,
  signal: AbortSignal,
  onSeries: (series: MeterSeries) => void,
  onError: (message: string) => void,
  /** A feed whose first read already started (the page asked for it with its other requests). */
  started?: { feed: MeterFeed; first: Promise<MeterSample[]> },
): Promise<void> {
  const feed = started?.feed ?? meterFeed(transactionId, signal);
  let pending: Promise<MeterSample[]> | null = started?.first ?? null;
  let drawn = -1;
  let lastTime = '';
  let series: MeterSeries | null = null;
  while (!signal.aborted) {
    try {
      const samples = await (pending ?? feed.poll());
      pending = null;
      if (signal.aborted) return;
      const newest = samples.length ? samples[samples.length - 1]!.timestamp : '';
      if (!series || samples.length !== drawn || newest !== lastTime) {
        drawn = samples.length;
        lastTime = newest;
        series = meterSeries(samples);
        chart.update(series);
      }
      onSeries(series);
    } catch (error) {
      pending = null;
      if (signal.aborted || isAbort(error)) return;
      onError(`Meter values could not be loaded: ${errorText(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, kPollMs));
  }
}

export function lastValue(values: readonly (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i] ?? null;
  return null;
}
