// The plan dialog's form (Billing → Plans): its fields as typed, and the Plan they make.
// Money and percentages stay decimal text (the server takes them exactly); included energy
// is entered in kWh and sent in whole Wh.
import type { Plan } from '../api/types';
import { formatDecimal, parseDecimal, rescale, type Decimal } from '../lib/decimal';

export interface PlanForm {
  id: string;
  name: string;
  currency: string;
  monthlyFee: string;
  includedKwh: string;
  discountPercent: string;
  /** '' = the station's tariff. */
  tariffId: string;
}

export type PlanErrors = Partial<Record<keyof PlanForm, string>>;

export function formFromPlan(plan: Plan | null): PlanForm {
  if (!plan) return { id: '', name: '', currency: 'EUR', monthlyFee: '', includedKwh: '', discountPercent: '', tariffId: '' };
  const wh = plan.included_energy_wh;
  return {
    id: plan.id,
    name: plan.name ?? '',
    currency: plan.currency,
    monthlyFee: String(plan.monthly_fee),
    includedKwh: wh === undefined || wh === null ? '' : formatDecimal({ units: BigInt(wh), scale: 3 }).replace(/\.?0+$/, ''),
    discountPercent: plan.discount_percent === undefined || plan.discount_percent === null ? '' : String(plan.discount_percent),
    tariffId: plan.tariff_id ?? '',
  };
}

function decimalOf(text: string): Decimal | null {
  try {
    return parseDecimal(text);
  } catch {
    return null;
  }
}

/** The plan the form describes, or what is wrong with each field. */
export function planFromForm(form: PlanForm): { plan: Plan; errors: PlanErrors } {
  const errors: PlanErrors = {};
  const id = form.id.trim();
  if (!id) errors.id = 'is required';
  else if (id.length > 36) errors.id = 'is at most 36 characters';

  const currency = form.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) errors.currency = 'is a three-letter ISO 4217 code such as EUR';

  const fee = form.monthlyFee.trim();
  const feeValue = decimalOf(fee);
  if (!fee) errors.monthlyFee = 'is required (0 for none)';
  else if (!feeValue || feeValue.units < 0n) errors.monthlyFee = 'is an amount such as 9.90, not negative';

  const plan: Plan = { id, currency, monthly_fee: fee };
  const name = form.name.trim();
  if (name) plan.name = name;

  const kwh = form.includedKwh.trim();
  if (kwh) {
    const value = decimalOf(kwh);
    if (!value || value.units < 0n) errors.includedKwh = 'is an energy in kWh such as 50, not negative';
    else if (value.scale > 3) errors.includedKwh = 'has at most three decimals (whole Wh)';
    else plan.included_energy_wh = Number(rescale(value, 3).units);
  }

  const discount = form.discountPercent.trim();
  if (discount) {
    const value = decimalOf(discount);
    if (!value || value.units < 0n || value.units > 100n * 10n ** BigInt(value.scale)) errors.discountPercent = 'is a percentage from 0 to 100';
    else plan.discount_percent = discount;
  }

  plan.tariff_id = form.tariffId.trim() || null;
  return { plan, errors };
}

const kLabels: Record<keyof PlanForm, string> = {
  id: 'Id',
  name: 'Name',
  currency: 'Currency',
  monthlyFee: 'Monthly fee',
  includedKwh: 'Included energy',
  discountPercent: 'Discount',
  tariffId: 'Tariff',
};

/** "Currency is …; Monthly fee is …" for a dialog's message. */
export function planErrorText(errors: PlanErrors): string {
  return (Object.keys(errors) as (keyof PlanForm)[]).map((key) => `${kLabels[key]} ${errors[key]}`).join('; ');
}
