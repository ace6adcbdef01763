// The frame around every page: header with navigation, who is signed in and the live state.
import { h, replace } from '../lib/dom';
import { live, type LiveState } from '../live';
import type { Session } from '../session';

export const kNav = [
  ['overview', 'Overview'],
  ['stations', 'Stations'],
  ['sessions', 'Sessions'],
  ['id-tokens', 'Id tokens'],
  ['alerts', 'Alerts'],
  ['rules', 'Fault rules'],
  ['billing', 'Billing'],
  ['operations', 'Operations'],
  ['analytics', 'Analytics'],
] as const;

export interface Layout {
  main: HTMLElement;
  setCurrent(nav: string | null): void;
}

export function buildLayout(root: HTMLElement, session: Session, onSignOut: () => void, signal: AbortSignal): Layout {
  const links = kNav.map(([key, label]) => h('a', { href: `#/${key}`, 'data-testid': `nav-${key}`, 'data-nav': key }, label));
  const liveIndicator = h('span', { class: 'live', role: 'status', 'aria-live': 'polite' });
  live.onState((state) => renderLive(liveIndicator, state), signal);
  const main = h('main', { id: 'main', tabindex: -1 });
  const header = h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'skip', href: '#main', onClick: skipToMain }, 'Skip to content'),
    h('a', { class: 'brand', href: '#/overview' }, 'CSMS'),
    h('nav', { 'aria-label': 'Main' }, links),
    h(
      'div',
      { class: 'who' },
      liveIndicator,
      h('a', { href: '/api/docs', target: '_blank', rel: 'noopener' }, 'API'),
      h('span', { 'data-testid': 'whoami', title: `Signed in as ${session.actor}` }, session.role, h('small', null, ` ${session.actor}`)),
      h('button', { type: 'button', 'data-testid': 'signout', onClick: onSignOut }, 'Sign out'),
    ),
  );
  const banner = session.roleUnknown
    ? h('p', { class: 'banner' }, 'This server does not tell the role of a token (no /api/v1/me): only reading is offered.')
    : null;
  replace(root, header, banner, main);
  return {
    main,
    setCurrent(nav) {
      for (const link of links) {
        if (link.dataset.nav === nav) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
  };
}

function skipToMain(event: Event): void {
  // The hash is the router's: move focus without navigating.
  event.preventDefault();
  document.getElementById('main')?.focus();
}

function renderLive(slot: HTMLElement, state: LiveState): void {
  const both = [state.stations, state.alerts];
  const open = both.every((s) => s === 'open');
  const text = open ? 'Live' : both.some((s) => s === 'retrying') ? 'Reconnecting…' : 'Connecting…';
  slot.className = `live ${open ? 'on' : 'off'}`;
  slot.title = open ? 'Station and alert changes arrive as they happen' : state.detail;
  slot.textContent = text;
}
