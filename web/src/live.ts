// The two live streams every page may listen to: station changes and alert changes. They
// are opened once per session (not per page) and closed on sign-out. After a reconnect the
// listeners get a `resync`, because events sent while disconnected are lost.
import { parseAlertEvent, parseStationEvent, type AlertStreamEvent, type StationStreamEvent } from './api/events';
import { runEventStream, type StreamState } from './lib/sse';

type Resync = { kind: 'resync' };
export type StationListener = (event: StationStreamEvent | Resync) => void;
export type AlertListener = (event: AlertStreamEvent | Resync) => void;
export type StreamName = 'stations' | 'alerts';
export interface LiveState {
  stations: StreamState;
  alerts: StreamState;
  detail: string;
}

interface StreamEvents {
  stations: StationStreamEvent;
  alerts: AlertStreamEvent;
}
type Listeners = { [N in StreamName]: Set<(event: StreamEvents[N] | Resync) => void> };

class LiveHub {
  private controller: AbortController | null = null;
  private readonly listeners: Listeners = { stations: new Set(), alerts: new Set() };
  private readonly stateListeners = new Set<(state: LiveState) => void>();
  private readonly opened: Record<StreamName, number> = { stations: 0, alerts: 0 };
  state: LiveState = { stations: 'closed', alerts: 'closed', detail: '' };

  start(token: () => string | null, onAuthFailure: (detail: string) => void): void {
    this.stop();
    const controller = new AbortController();
    this.controller = controller;
    const open = <N extends StreamName>(name: N, url: string, parse: (event: string, data: string) => StreamEvents[N] | null) =>
      void runEventStream({
        token,
        signal: controller.signal,
        onAuthFailure,
        url,
        onState: (state, detail) => this.setState(name, state, detail),
        onMessage: (m) => {
          const event = parse(m.event, m.data);
          if (event) this.emit(name, event);
        },
      });
    open('stations', '/api/v1/stations/stream', parseStationEvent);
    open('alerts', '/api/v1/alerts/stream', parseAlertEvent);
  }

  stop(): void {
    this.controller?.abort();
    this.controller = null;
    this.opened.stations = 0;
    this.opened.alerts = 0;
  }

  onStation(listener: StationListener, signal: AbortSignal): void {
    this.subscribe(this.listeners.stations, listener, signal);
  }

  onAlert(listener: AlertListener, signal: AbortSignal): void {
    this.subscribe(this.listeners.alerts, listener, signal);
  }

  onState(listener: (state: LiveState) => void, signal: AbortSignal): void {
    this.subscribe(this.stateListeners, listener, signal);
    listener(this.state);
  }

  private subscribe<T>(set: Set<T>, listener: T, signal: AbortSignal): void {
    if (signal.aborted) return;
    set.add(listener);
    signal.addEventListener('abort', () => set.delete(listener), { once: true });
  }

  private emit<N extends StreamName>(name: N, event: StreamEvents[N] | Resync): void {
    const listeners: Listeners[N] = this.listeners[name];
    listeners.forEach((l) => l(event));
  }

  private setState(name: StreamName, state: StreamState, detail = ''): void {
    this.state = { ...this.state, [name]: state, detail };
    this.stateListeners.forEach((l) => l(this.state));
    if (state !== 'open') return;
    if (this.opened[name]++ === 0) return;
    this.emit(name, { kind: 'resync' });
  }
}

export const live = new LiveHub();
