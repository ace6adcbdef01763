import { afterEach, describe, expect, it } from 'vitest';
import { buildUrl, configureClient } from '../api/client';
import { drawsChart, kSeriesShapes, prefetchAnalytics, readQuery, reportRequest } from './analytics-query';

describe('analytics requests', () => {
  afterEach(() => configureClient({ fetchImpl: (...args) => fetch(...args), token: () => null }));

  it('reads the last 30 days by day when the address names nothing', () => {
    const q = readQuery(new URLSearchParams(''), '2026-12-05');
    expect(q).toEqual({ report: 'utilization', from: '2026-11-06', to: '2026-12-05', stations: [], bucket: 'day', threshold: 97 });
    expect(readQuery(new URLSearchParams('report=nonsense&bucket=year&threshold=x')).report).toBe('utilization');
  });

  it('prefetches exactly the URLs the page asks for: a series twice, another report once', () => {
    const sent: string[] = [];
    configureClient({ token: () => 'tok', fetchImpl: async (url) => (sent.push(String(url)), new Response('{}')) });
    const params = new URLSearchParams('report=energy&from=2026-11-01&to=2026-11-30&station=A&station=B');
    prefetchAnalytics(params);
    const q = readQuery(params);
    expect(sent).toEqual(kSeriesShapes.map((shape) => { const r = reportRequest('energy', q, shape); return buildUrl('/api/v1/analytics/{report}', r.path, r.query); }));
    expect(sent[0]).toContain('group=fleet');
    expect(sent[1]).toContain('group=station');

    sent.length = 0;
    prefetchAnalytics(new URLSearchParams('report=faults&from=2026-11-01&to=2026-11-30'));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^\/api\/v1\/analytics\/faults\?/);
    sent.length = 0;
    prefetchAnalytics(new URLSearchParams('report=what-if'));
    expect(sent).toHaveLength(0);
  });

  it('knows which reports draw a chart, so that the chart library is fetched only for them', () => {
    expect(drawsChart(new URLSearchParams(''))).toBe(true); // utilization, the default
    for (const report of ['energy', 'uptime', 'revenue']) expect(drawsChart(new URLSearchParams({ report }))).toBe(true);
    for (const report of ['peak-hours', 'faults', 'sessions', 'expansion', 'maintenance', 'what-if']) expect(drawsChart(new URLSearchParams({ report }))).toBe(false);
  });
});
