import { describe, expect, it } from 'vitest';
import { hasRole, may, parseRole } from './roles';

describe('role gating', () => {
  it('orders viewer < operator < admin', () => {
    expect(hasRole('viewer', 'operator')).toBe(false);
    expect(hasRole('operator', 'operator')).toBe(true);
    expect(hasRole('admin', 'operator')).toBe(true);
    expect(hasRole('operator', 'admin')).toBe(false);
    expect(hasRole(null, 'viewer')).toBe(false);
    expect(hasRole(null, 'none')).toBe(true);
  });

  it('follows x-csms-role of the OpenAPI document', () => {
    expect(may('viewer', 'post /api/v1/stations/{id}/commands/{name}')).toBe(false);
    expect(may('operator', 'post /api/v1/stations/{id}/commands/{name}')).toBe(true);
    expect(may('operator', 'post /api/v1/alerts/{id}:acknowledge')).toBe(true);
    expect(may('operator', 'patch /api/v1/fault-rules/{name}')).toBe(false);
    expect(may('admin', 'post /api/v1/invoices:generate')).toBe(true);
    expect(may('viewer', 'get /api/v1/stations')).toBe(true);
  });

  it('accepts only the three roles', () => {
    expect(parseRole('admin')).toBe('admin');
    expect(parseRole('root')).toBeNull();
    expect(parseRole(undefined)).toBeNull();
  });
});
