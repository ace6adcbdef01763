import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiGet, buildUrl, configureClient, isAbort, prefetchGet } from './client';

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

describe('prefetchGet', () => {
  afterEach(() => {
    vi.useRealTimers();
    configureClient({ fetchImpl: (...args) => fetch(...args), onAuthFailure: () => undefined, token: () => null });
  });

  /** A server that counts its requests per URL and answers each with its URL. */
  function countingServer(token = 'tok') {
    const calls: string[] = [];
    configureClient({
      token: () => token,
      fetchImpl: async (url) => {
        calls.push(String(url));
        return new Response(JSON.stringify({ items: [], next_cursor: null, url: String(url) }), { status: 200 });
      },
    });
    return calls;
  }

  it('gives its answer to the first apiGet of the same URL, once', async () => {
    const calls = countingServer();
    prefetchGet('/api/v1/stations', { query: { limit: 7 } });
    expect(calls).toEqual(['/api/v1/stations?limit=7']);
    await apiGet('/api/v1/stations', { query: { limit: 7 } });
    expect(calls).toHaveLength(1);
    await apiGet('/api/v1/stations', { query: { limit: 7 } });
    expect(calls).toHaveLength(2); // taken once: a later call asks again
  });

  it('is not used for another URL, another token, or after ten seconds', async () => {
    const calls = countingServer();
    prefetchGet('/api/v1/stations', { query: { limit: 8 } });
    await apiGet('/api/v1/stations', { query: { limit: 9 } });
    expect(calls).toHaveLength(2);

    prefetchGet('/api/v1/stations', { query: { limit: 10 } });
    await apiGet('/api/v1/stations', { query: { limit: 10 }, token: 'other' });
    expect(calls).toHaveLength(4);

    vi.useFakeTimers({ toFake: ['Date'] });
    prefetchGet('/api/v1/stations', { query: { limit: 11 } });
    vi.setSystemTime(Date.now() + 10_001);
    await apiGet('/api/v1/stations', { query: { limit: 11 } });
    expect(calls).toHaveLength(6);
  });

  it('lets a page that is left stop waiting for it', async () => {
    let answer: (response: Response) => void = () => undefined;
    configureClient({ token: () => 'tok', fetchImpl: () => new Promise<Response>((resolve) => (answer = resolve)) });
    prefetchGet('/api/v1/stations', { query: { limit: 12 } });
    const controller = new AbortController();
    const pending = apiGet('/api/v1/stations', { query: { limit: 12 }, signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    expect(isAbort(await pending)).toBe(true);
    answer(new Response('{}', { status: 200 }));
  });
});
