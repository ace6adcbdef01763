import { describe, expect, it } from 'vitest';
import { backoffDelay, runEventStream, SseParser, type SseMessage } from './sse';

function parseAll(chunks: string[]): SseMessage[] {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('SseParser', () => {
  it('reads event and data fields and dispatches on a blank line', () => {
    expect(parseAll(['event: station.connected\ndata: {"station_id":"CP-1"}\n\n'])).toEqual([
      { event: 'station.connected', data: '{"station_id":"CP-1"}', id: undefined },
    ]);
  });

  it('joins data lines, defaults the event name and ignores comments', () => {
    expect(parseAll([': keep-alive\n\ndata: a\ndata:b\n\n'])).toEqual([{ event: 'message', data: 'a\nb', id: undefined }]);
  });

  it('reassembles lines split across chunks, also a CRLF split between \\r and \\n', () => {
    const messages = parseAll(['ev', 'ent: x\r', '\ndata: 1\r\n', '\r', '\n', 'data: 2\r\r']);
    expect(messages).toEqual([
      { event: 'x', data: '1', id: undefined },
      { event: 'message', data: '2', id: undefined },
    ]);
  });

  it('does not dispatch an event without data nor an unfinished one', () => {
    expect(parseAll(['event: lonely\n\n', 'data: pending'])).toEqual([]);
  });

  it('remembers the id and a valid retry, strips a BOM', () => {
    const parser = new SseParser();
    expect(parser.push('\ufeffid: 7\nretry: 2500\nretry: soon\ndata: x\n\n')).toEqual([{ event: 'message', data: 'x', id: '7' }]);
    expect(parser.lastEventId).toBe('7');
    expect(parser.retryMs).toBe(2500);
  });
});

describe('backoffDelay', () => {
  it('doubles up to 30 s and keeps at least half', () => {
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    expect(backoffDelay(20, () => 1)).toBe(30000);
    expect(backoffDelay(3, () => 0)).toBe(4000);
  });
});

describe('runEventStream', () => {
  function streamOf(text: string): Response {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  }

  it('sends the token, delivers events and stops on 401 with the detail', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const requests: RequestInit[] = [];
    let failure = '';
    const answers = [
      streamOf('event: a\ndata: 1\n\n'),
      new Response(JSON.stringify({ title: 'Unauthorized', status: 401, detail: 'token revoked' }), { status: 401 }),
    ];
    await runEventStream({
      url: '/api/v1/stations/stream',
      token: () => 'secret',
      signal: controller.signal,
      onMessage: (m) => seen.push(`${m.event}=${m.data}`),
      onAuthFailure: (detail) => (failure = detail),
      fetchImpl: async (_url, init) => {
        requests.push(init ?? {});
        const answer = answers.shift();
        if (!answer) throw new Error('no more answers');
        return answer;
      },
      // The first stream ends at once; reconnect quickly in the test.
      idleTimeoutMs: 1000,
    });
    expect(seen).toEqual(['a=1']);
    expect(failure).toBe('token revoked');
    expect((requests[0]?.headers as Record<string, string>).Authorization).toBe('Bearer secret');
  }, 10_000);
});
