// Keeps a session's power chart current: all meter samples every 2.5 s while the session runs.
// The samples endpoint pages with an opaque cursor and has no "since", so each poll reads the
// whole (small) list again.
import { apiGet, errorText, fetchAll, isAbort } from '../api/client';
import { meterSeries, type MeterSeries } from '../lib/meter';
import type { PowerChart } from './chart';

export const kPollMs = 2500;

export async function loadSeries(transactionId: number, signal: AbortSignal): Promise<MeterSeries> {
  const { items } = await fetchAll(
    (cursor) => apiGet('/api/v1/transactions/{id}/meter-samples', { path: { id: transactionId }, query: { limit: 10000, cursor }, signal }),
    10,
  );
  return meterSeries(items);
}

/**
 * Polls until `signal` aborts. `onSeries` hears each new series, `onError` each failure (the
 * poll goes on: a lost answer should not freeze the chart for good).
 */
export async function pollMeterChart(
  transactionId: number,
  chart: PowerChart,
  signal: AbortSignal,
  onSeries: (series: MeterSeries) => void,
  onError: (message: string) => void,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const series = await loadSeries(transactionId, signal);
      if (signal.aborted) return;
      chart.update(series);
      onSeries(series);
    } catch (error) {
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
