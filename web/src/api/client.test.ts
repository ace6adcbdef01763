import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, apiGet, buildUrl, configureClient } from './client';

describe('buildUrl', () => {
  it('fills and escapes path parameters and repeats array queries', () => {
    expect(buildUrl('/api/v1/stations/{id}/commands/{name}', { id: 'CP 1/2', name: 'reset' })).toBe('/api/v1/stations/CP%201%2F2/commands/reset');
    expect(buildUrl('/api/v1/analytics/{report}', { report: 'energy' }, { station: ['A', 'B'], bucket: 'day', site: undefined, online: false }))
      .toBe('/api/v1/analytics/energy?station=A&station=B&bucket=day&online=false');
  });

  it('refuses a template whose parameter is missing', () => {
    expect(() => buildUrl('/api/v1/stations/{id}', {})).toThrow(/path parameter id is missing/);
  });
});

describe('apiGet', () => {
  afterEach(() => configureClient({ fetchImpl: (...args) => fetch(...args), onAuthFailure: () => undefined, token: () => null }));

  it('sends the bearer token and turns a 401 into the session handler and an ApiError with the detail', async () => {
    let sentAuth = '';
    let ended = '';
    configureClient({
      token: () => 'tok',
      onAuthFailure: (detail) => (ended = detail),
      fetchImpl: async (_url, init) => {
        sentAuth = (init?.headers as Record<string, string>).Authorization ?? '';
        return new Response(JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'unknown API token' }), {
          status: 401,
          headers: { 'Content-Type': 'application/problem+json' },
        });
      },
    });
    const error = await apiGet('/api/v1/stations').catch((e: unknown) => e);
    expect(sentAuth).toBe('Bearer tok');
    expect(ended).toBe('unknown API token');
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
  });

  it('does not end the session for other errors', async () => {
    let ended = false;
    configureClient({
      onAuthFailure: () => (ended = true),
      fetchImpl: async () => new Response(JSON.stringify({ title: 'Not Found', status: 404, detail: 'station CP-9 not found' }), { status: 404 }),
    });
    await expect(apiGet('/api/v1/stations/{id}', { path: { id: 'CP-9' } })).rejects.toThrow('station CP-9 not found');
    expect(ended).toBe(false);
  });
});
