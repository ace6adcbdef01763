// The signed-in token and its role. The token lives in sessionStorage (key csms.token): it is
// gone when the tab closes and is never written anywhere else. A 401/403 from any call ends
// the session and takes the user to the sign-in page with the server's reason.
import { ApiError, apiGet, errorText } from './api/client';
import { parseRole, type Role } from './lib/roles';

export const kTokenKey = 'csms.token';
/** Who the token was at the last check (role, actor): a reload shows the app without waiting for /me. */
export const kSessionKey = 'csms.session';

export interface Session {
  token: string;
  role: Role;
  actor: string;
  /** The server has no /api/v1/me: the role could not be learned, viewer is assumed. */
  roleUnknown: boolean;
}

let current: Session | null = null;
let signinMessage = '';
const listeners = new Set<(session: Session | null) => void>();

export function session(): Session | null {
  return current;
}

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(kTokenKey);
  } catch {
    return null; // storage disabled: nothing is kept
  }
}

export function onSessionChange(listener: (session: Session | null) => void): void {
  listeners.add(listener);
}

function setSession(next: Session | null): void {
  current = next;
  for (const listener of listeners) listener(next);
}

/** A short fingerprint of the token, so that a cached role is only used with the token it was learned for. */
export function tokenTag(token: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193) >>> 0;
  return `${token.length}:${hash.toString(16)}`;
}

function cacheSession(next: Session | null): void {
  try {
    if (next) sessionStorage.setItem(kSessionKey, JSON.stringify({ tag: tokenTag(next.token), role: next.role, actor: next.actor, roleUnknown: next.roleUnknown }));
    else sessionStorage.removeItem(kSessionKey);
  } catch {
    // storage disabled: every load asks /api/v1/me
  }
}

function cachedSession(token: string): Session | null {
  try {
    const doc = JSON.parse(sessionStorage.getItem(kSessionKey) ?? 'null') as { tag?: unknown; role?: unknown; actor?: unknown; roleUnknown?: unknown } | null;
    const role = parseRole(doc?.role);
    if (!doc || doc.tag !== tokenTag(token) || !role || typeof doc.actor !== 'string') return null;
    return { token, role, actor: doc.actor, roleUnknown: doc.roleUnknown === true };
  } catch {
    return null;
  }
}

/** Asks the server who `token` is; throws ApiError with the reason when it is refused. */
export async function identify(token: string): Promise<Session> {
  try {
    const me = await apiGet('/api/v1/me', { token, keepSessionOn401: true });
    const role = parseRole(me.role);
    if (!role) throw new ApiError(0, 'Unknown role', `the server named the role ${JSON.stringify(me.role)}, which this dashboard does not know`);
    return { token, role, actor: me.actor, roleUnknown: false };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    // A server from before /api/v1/me: check the token on a viewer call and show only reading.
    await apiGet('/api/v1/stations', { token, query: { limit: 1 }, keepSessionOn401: true });
    return { token, role: 'viewer', actor: 'unknown', roleUnknown: true };
  }
}

export async function signIn(token: string): Promise<Session> {
  const next = await identify(token.trim());
  sessionStorage.setItem(kTokenKey, next.token);
  cacheSession(next);
  signinMessage = '';
  setSession(next);
  return next;
}

/**
 * Restores the session of this tab after a reload; null when there is none or it was refused.
 * With the role learned at the last check the app shows at once (the page's requests do not
 * wait for /api/v1/me); the token is checked again alongside: refused, it signs out, another
 * role draws the app again. The server enforces roles on every call either way.
 */
export async function restoreSession(): Promise<Session | null> {
  const token = storedToken();
  if (!token) return null;
  const cached = cachedSession(token);
  if (cached) {
    setSession(cached);
    void identify(token).then((fresh) => {
      if (current?.token !== token) return;
      cacheSession(fresh);
      if (fresh.role !== cached.role || fresh.actor !== cached.actor || fresh.roleUnknown !== cached.roleUnknown) setSession(fresh);
    }, (error: unknown) => {
      if (current?.token === token && error instanceof ApiError && error.isAuth) signOut(error.detail);
    });
    return cached;
  }
  try {
    const restored = await identify(token);
    cacheSession(restored);
    setSession(restored);
    return restored;
  } catch (error) {
    if (error instanceof ApiError && error.isAuth) {
      signOut(error.detail);
      return null;
    }
    // The server is unreachable: keep the token, say why the page is empty.
    signinMessage = `Could not check the stored token: ${errorText(error)}`;
    return null;
  }
}

export function signOut(message = ''): void {
  cacheSession(null);
  try {
    sessionStorage.removeItem(kTokenKey);
  } catch {
    // nothing was stored
  }
  signinMessage = message;
  setSession(null);
  if (!location.hash.startsWith('#/signin')) location.hash = '#/signin';
}

export function signinMessageText(): string {
  return signinMessage;
}
