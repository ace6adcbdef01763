import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureClient } from './api/client';
import { forgetStations, withStations, zoneOf } from './directory';

const page = { items: [{ id: 'CP-1', name: null, site_id: null, time_zone: 'Europe/Berlin', online: true, protocol: 'ocpp1.6', last_seen_at: null }], next_cursor: null };

describe('withStations', () => {
  afterEach(() => {
    vi.useRealTimers();
    forgetStations();
    configureClient({ fetchImpl: (...args) => fetch(...args), token: () => null });
  });

  it('gives the answer once the station zones are known', async () => {
    let release: (r: Response) => void = () => undefined;
    configureClient({ token: () => 'tok', fetchImpl: () => new Promise<Response>((resolve) => (release = resolve)) });
    let done = false;
    const rows = withStations(Promise.resolve(['row'])).then((r) => ((done = true), r));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false); // the rows wait for the directory
    release(new Response(JSON.stringify(page)));
    expect(await rows).toEqual(['row']);
    expect(zoneOf('CP-1')).toBe('Europe/Berlin');
  });

  it('gives the answer without zones when the directory fails or is slow', async () => {
    configureClient({ token: () => 'tok', fetchImpl: async () => new Response('{"title":"boom"}', { status: 500 }) });
    expect(await withStations(Promise.resolve(1))).toBe(1);
    expect(zoneOf('CP-1')).toBeUndefined();

    forgetStations();
    vi.useFakeTimers();
    configureClient({ token: () => 'tok', fetchImpl: () => new Promise<Response>(() => undefined) });
    const slow = withStations(Promise.resolve(2), undefined, 1500);
    await vi.advanceTimersByTimeAsync(1500);
    expect(await slow).toBe(2);
  });

  it('passes on the answer\'s own failure', async () => {
    configureClient({ token: () => 'tok', fetchImpl: async () => new Response(JSON.stringify(page)) });
    await expect(withStations(Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  });

  it('does not keep a load that was under way when the directory was forgotten (sign-out)', async () => {
    let release: (r: Response) => void = () => undefined;
    configureClient({ token: () => 'tok', fetchImpl: () => new Promise<Response>((resolve) => (release = resolve)) });
    const before = withStations(Promise.resolve('old session'));
    forgetStations();
    release(new Response(JSON.stringify(page)));
    expect(await before).toBe('old session');
    expect(zoneOf('CP-1')).toBeUndefined();
  });
});
