// Server-sent events over fetch(): the browser's EventSource cannot send the Authorization
// header every /api/v1 call needs. The parser follows the HTML event-stream rules (fields
// event/data/id/retry, comments, CR, LF or CRLF line ends split anywhere across chunks); the
// reader reconnects with backoff and stops for good on 401/403 or when its signal aborts.

export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

export class SseParser {
  private buffer = '';
  private skipLineFeed = false;
  private started = false;
  private eventName = '';
  private dataLines: string[] = [];
  private hasData = false;
  /** The last `id:` seen, sent back as Last-Event-ID when reconnecting. */
  lastEventId: string | undefined;
  /** The last valid `retry:` in milliseconds. */
  retryMs: number | undefined;

  /** Feeds decoded text; returns the events it completes. */
  push(chunk: string): SseMessage[] {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLineFeed && text.startsWith('\n')) text = text.slice(1);
    this.skipLineFeed = false;
    this.buffer += text;

    const messages: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (c === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          // The '\n' of a CRLF may come with the next chunk.
          this.skipLineFeed = true;
        }
      }
      start = i + 1;
      const message = this.line(line);
      if (message) messages.push(message);
    }
    this.buffer = this.buffer.slice(start);
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventName = value;
        break;
      case 'data':
        this.dataLines.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break; // unknown fields are ignored, as the standard says
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const message = this.hasData
      ? { event: this.eventName || 'message', data: this.dataLines.join('\n'), id: this.lastEventId }
      : undefined;
    this.eventName = '';
    this.dataLines = [];
    this.hasData = false;
    return message;
  }
}

/** 1 s, 2 s, 4 s ... up to 30 s, each between half and all of it so clients do not reconnect in step. */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = 1000): number {
  const ceiling = Math.min(30_000, baseMs * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

export type StreamState = 'connecting' | 'open' | 'retrying' | 'closed';

export interface StreamOptions {
  url: string;
  token: () => string | null;
  signal: AbortSignal;
  onMessage: (message: SseMessage) => void;
  onState?: (state: StreamState, detail?: string) => void;
  /** 401 or 403: the token is no longer good; the stream stops. */
  onAuthFailure: (detail: string) => void;
  fetchImpl?: typeof fetch;
  /** Reconnect when nothing (not even the server's keep-alive comment) came for this long. */
  idleTimeoutMs?: number;
}

export async function runEventStream(options: StreamOptions): Promise<void> {
  const fetchImpl = options.fetchImpl ?? fetch.bind(globalThis);
  const idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  const parser = new SseParser();
  let attempt = 0;
  while (!options.signal.aborted) {
    options.onState?.(attempt === 0 ? 'connecting' : 'retrying');
    const connection = new AbortController();
    const abort = () => connection.abort();
    options.signal.addEventListener('abort', abort);
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const touch = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(abort, idleTimeoutMs);
    };
    let problem = '';
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream' };
      const token = options.token();
      if (token) headers.Authorization = `Bearer ${token}`;
      if (parser.lastEventId !== undefined) headers['Last-Event-ID'] = parser.lastEventId;
      touch();
      const response = await fetchImpl(options.url, { headers, signal: connection.signal, cache: 'no-store' });
      if (response.status === 401 || response.status === 403) {
        options.onAuthFailure(await problemDetail(response));
        options.onState?.('closed');
        return;
      }
      if (!response.ok || !response.body) throw new Error(`${options.url} answered ${response.status}: ${await problemDetail(response)}`);
      attempt = 0;
      options.onState?.('open');
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        touch();
        for (const message of parser.push(decoder.decode(value, { stream: true }))) options.onMessage(message);
      }
      problem = 'the server closed the stream';
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(idleTimer);
      options.signal.removeEventListener('abort', abort);
    }
    if (options.signal.aborted) break;
    const delay = backoffDelay(attempt++, Math.random, parser.retryMs ?? 1000);
    options.onState?.('retrying', `${problem}; reconnecting in ${Math.round(delay / 1000)} s`);
    await sleep(delay, options.signal);
  }
  options.onState?.('closed');
}

async function problemDetail(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { detail?: unknown };
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // not a problem document
  }
  return `HTTP ${response.status}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
