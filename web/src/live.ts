// The two live streams every page may listen to: station changes and alert changes. They
// are opened once per session (not per page) and closed on sign-out. After a reconnect the
// listeners get a `resync`, because events sent while disconnected are lost.
import { parseAlertEvent, parseStationEvent, type AlertStreamEvent, type StationStreamEvent } from './api/events';
import { runEventStream, type StreamState } from './lib/sse';

export type StationListener = (event: StationStreamEvent | { kind: 'resync' }) => void;
export type AlertListener = (event: AlertStreamEvent | { kind: 'resync' }) => void;
export type StreamName = 'stations' | 'alerts';
export interface LiveState {
  stations: StreamState;
  alerts: StreamState;
  detail: string;
}

class LiveHub {
  private controller: AbortController | null = null;
  private readonly stationListeners = new Set<StationListener>();
  private readonly alertListeners = new Set<AlertListener>();
  private readonly stateListeners = new Set<(state: LiveState) => void>();
  private readonly opened: Record<StreamName, number> = { stations: 0, alerts: 0 };
  state: LiveState = { stations: 'closed', alerts: 'closed', detail: '' };

  start(token: () => string | null, onAuthFailure: (detail: string) => void): void {
    this.stop();
    const controller = new AbortController();
    this.controller = controller;
    const common = { token, signal: controller.signal, onAuthFailure };
    void runEventStream({
      ...common,
      url: '/api/v1/stations/stream',
      onState: (state, detail) => this.setState('stations', state, detail),
      onMessage: (m) => {
        const event = parseStationEvent(m.event, m.data);
        if (event) this.stationListeners.forEach((l) => l(event));
      },
    });
    void runEventStream({
      ...common,
      url: '/api/v1/alerts/stream',
      onState: (state, detail) => this.setState('alerts', state, detail),
      onMessage: (m) => {
        const event = parseAlertEvent(m.event, m.data);
        if (event) this.alertListeners.forEach((l) => l(event));
      },
    });
  }

  stop(): void {
    this.controller?.abort();
    this.controller = null;
    this.opened.stations = 0;
    this.opened.alerts = 0;
  }

  onStation(listener: StationListener, signal: AbortSignal): void {
    this.subscribe(this.stationListeners, listener, signal);
  }

  onAlert(listener: AlertListener, signal: AbortSignal): void {
    this.subscribe(this.alertListeners, listener, signal);
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

  private setState(name: StreamName, state: StreamState, detail = ''): void {
    this.state = { ...this.state, [name]: state, detail };
    this.stateListeners.forEach((l) => l(this.state));
    if (state !== 'open') return;
    if (this.opened[name]++ === 0) return;
    if (name === 'stations') this.stationListeners.forEach((l) => l({ kind: 'resync' }));
    else this.alertListeners.forEach((l) => l({ kind: 'resync' }));
  }
}

export const live = new LiveHub();
