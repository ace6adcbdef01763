// Role gating. The role each operation needs comes from the OpenAPI document's x-csms-role
// (generated into roles.gen.ts), so the dashboard offers exactly what the server allows.
import { operationRoles } from '../api/roles.gen';

export type Role = 'viewer' | 'operator' | 'admin';
export type Operation = keyof typeof operationRoles;

const kRank: Record<Role | 'none', number> = { none: 0, viewer: 1, operator: 2, admin: 3 };

export function parseRole(value: unknown): Role | null {
  return value === 'viewer' || value === 'operator' || value === 'admin' ? value : null;
}

/** Whether `role` reaches `needed` (viewer < operator < admin). */
export function hasRole(role: Role | null, needed: Role | 'none'): boolean {
  if (needed === 'none') return true;
  return role !== null && kRank[role] >= kRank[needed];
}

/** Whether `role` may call the operation, e.g. may(role, 'post /api/v1/alerts/{id}:acknowledge'). */
export function may(role: Role | null, operation: Operation): boolean {
  return hasRole(role, operationRoles[operation]);
}
