import { describe, expect, it } from 'vitest';
import { formFromPlan, planErrorText, planFromForm } from './plan-form';

const form = (over: Partial<ReturnType<typeof formFromPlan>> = {}) => ({ ...formFromPlan(null), id: 'monthly', monthlyFee: '9.90', ...over });

describe('plan form', () => {
  it('makes the plan with energy in whole Wh and money as typed', () => {
    const { plan, errors } = planFromForm(form({ name: ' Monthly ', currency: 'eur', includedKwh: '50.5', discountPercent: '12.5', tariffId: 'members' }));
    expect(errors).toEqual({});
    expect(plan).toEqual({ id: 'monthly', name: 'Monthly', currency: 'EUR', monthly_fee: '9.90', included_energy_wh: 50500, discount_percent: '12.5', tariff_id: 'members' });
  });

  it('leaves out what is empty and names the station tariff as null', () => {
    const { plan, errors } = planFromForm(form());
    expect(errors).toEqual({});
    expect(plan).toEqual({ id: 'monthly', currency: 'EUR', monthly_fee: '9.90', tariff_id: null });
  });

  it('says what is wrong with each field', () => {
    const { errors } = planFromForm(form({ id: 'x'.repeat(37), currency: 'EURO', monthlyFee: '-1', includedKwh: '1.0005', discountPercent: '100.5' }));
    expect(errors).toEqual({
      id: 'is at most 36 characters',
      currency: 'is a three-letter ISO 4217 code such as EUR',
      monthlyFee: 'is an amount such as 9.90, not negative',
      includedKwh: 'has at most three decimals (whole Wh)',
      discountPercent: 'is a percentage from 0 to 100',
    });
    expect(planFromForm(form({ id: ' ', monthlyFee: '' })).errors).toMatchObject({ id: 'is required', monthlyFee: 'is required (0 for none)' });
    expect(planFromForm(form({ includedKwh: 'lots', discountPercent: 'ten' })).errors).toEqual({
      includedKwh: 'is an energy in kWh such as 50, not negative',
      discountPercent: 'is a percentage from 0 to 100',
    });
    expect(planErrorText({ currency: 'is bad', monthlyFee: 'is required' })).toBe('Currency is bad; Monthly fee is required');
  });

  it('reads a stored plan back into the same form', () => {
    const stored = { id: 'p', name: 'P', currency: 'CHF', monthly_fee: '12.00', included_energy_wh: 1500, discount_percent: '5', tariff_id: null };
    const back = formFromPlan(stored);
    expect(back).toEqual({ id: 'p', name: 'P', currency: 'CHF', monthlyFee: '12.00', includedKwh: '1.5', discountPercent: '5', tariffId: '' });
    expect(planFromForm(back).plan).toEqual(stored);
    expect(formFromPlan({ ...stored, included_energy_wh: 50000 }).includedKwh).toBe('50');
    expect(formFromPlan({ ...stored, included_energy_wh: 0 }).includedKwh).toBe('0');
  });
});
