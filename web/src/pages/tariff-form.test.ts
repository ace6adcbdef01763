import { describe, expect, it } from 'vitest';
import {
  NotRepresentable, emptyElement, fieldOfServerMessage, formFromTariff, isoOfLocalInput, localInputOf, newTariffForm, tariffFromForm, type TariffForm,
} from './tariff-form';

// A tariff as GET /api/v1/tariffs/{id} answers it (src/billing/tariff.cpp to_json): decimals as
// strings, step_size on every component, grace_s on PARKING_TIME, nulls for unset bounds, plus
// the read-only version and last_updated.
const kServerTariff = {
  id: 'AC-DAY',
  version: 3,
  currency: 'EUR',
  vat_percent: '19',
  is_default: false,
  min_price: '0.50',
  max_price: null,
  start_date_time: '2026-03-01T00:00:00Z',
  end_date_time: null,
  last_updated: '2026-02-20T10:00:00Z',
  elements: [
    {
      price_components: [
        { type: 'ENERGY', price: '0.39', step_size: 1 },
        { type: 'PARKING_TIME', price: '6.00', step_size: 60, grace_s: 3600 },
      ],
      restrictions: { start_time: '08:00', end_time: '20:00', day_of_week: ['MONDAY', 'FRIDAY'], min_power: '22', max_duration: 7200 },
    },
    { price_components: [{ type: 'FLAT', price: '1.00', step_size: 1 }, { type: 'TIME', price: '2.40', step_size: 300 }] },
  ],
};

function form(overrides: Partial<TariffForm> = {}): TariffForm {
  return { ...newTariffForm(), id: 'T1', ...overrides };
}

describe('tariff form ↔ document', () => {
  it('reads a server tariff into the form and writes the same tariff back', () => {
    const state = formFromTariff(kServerTariff);
    expect(state.id).toBe('AC-DAY');
    expect(state.elements[0]!.components.PARKING_TIME).toEqual({ enabled: true, price: '6.00', step_size: '60', grace_s: '3600' });
    expect(state.elements[0]!.components.TIME.enabled).toBe(false);
    expect(state.elements[0]!.restrictions.day_of_week).toEqual(['MONDAY', 'FRIDAY']);

    const { tariff, errors } = tariffFromForm(state);
    expect(errors).toEqual({});
    // Worked out from kServerTariff by hand: version, last_updated and the nulls go; the
    // second element's components come in dimension order (TIME before FLAT); FLAT keeps no step.
    expect(tariff).toEqual({
      id: 'AC-DAY',
      currency: 'EUR',
      vat_percent: '19',
      is_default: false,
      min_price: '0.50',
      start_date_time: '2026-03-01T00:00:00Z',
      elements: [
        {
          price_components: [
            { type: 'ENERGY', price: '0.39', step_size: 1 },
            { type: 'PARKING_TIME', price: '6.00', step_size: 60, grace_s: 3600 },
          ],
          restrictions: { start_time: '08:00', end_time: '20:00', day_of_week: ['MONDAY', 'FRIDAY'], min_power: '22', max_duration: 7200 },
        },
        { price_components: [{ type: 'TIME', price: '2.40', step_size: 300 }, { type: 'FLAT', price: '1.00' }] },
      ],
    });
    // And once more: the form of the written document is the same form.
    expect(formFromTariff(tariff)).toEqual(state);
  });

  it('takes numbers, OCPI price objects and days in any order', () => {
    const state = formFromTariff({
      id: 'N', currency: 'EUR', vat_percent: 7.7, min_price: { excl_vat: 1.5, incl_vat: 1.79 },
      elements: [{ price_components: [{ type: 'ENERGY', price: 0.3 }], restrictions: { day_of_week: ['SUNDAY', 'MONDAY'], min_kwh: 0.5 } }],
      country_code: 'DE', // OCPI metadata: the server ignores it, so does the form
    });
    expect(state.vat_percent).toBe('7.7');
    expect(state.min_price).toBe('1.5');
    expect(state.elements[0]!.components.ENERGY).toEqual({ enabled: true, price: '0.3', step_size: '1', grace_s: '' });
    expect(state.elements[0]!.restrictions.day_of_week).toEqual(['MONDAY', 'SUNDAY']);
    expect(state.elements[0]!.restrictions.min_kwh).toBe('0.5');
  });

  it('refuses what the form has no place for', () => {
    const base = { id: 'X', currency: 'EUR', vat_percent: '19' };
    expect(() => formFromTariff([])).toThrow(NotRepresentable);
    expect(() => formFromTariff({ ...base, elements: [{ price_components: [{ type: 'ENERGY', price: '1' }, { type: 'ENERGY', price: '2' }] }] }))
      .toThrow(/elements\[0\]\.price_components\[1\]: a second ENERGY component/);
    expect(() => formFromTariff({ ...base, elements: [{ price_components: [], restrictions: { min_kw: '3' } }] }))
      .toThrow(/elements\[0\]\.restrictions\.min_kw: not a field the form knows/);
    expect(() => formFromTariff({ ...base, elements: [{ price_components: [{ type: 'ENERGY', price: '1', vat: '19' }] }] })).toThrow(/vat/);
    expect(() => formFromTariff({ ...base, elements: [{ price_components: [{ type: 'ENERGY', price: '1', step_size: 1.5 }] }] }))
      .toThrow(/step_size: expected a whole number/);
    expect(() => formFromTariff({ ...base, elements: 'none' })).toThrow(/elements: expected an array/);
  });

  it('leaves out empty restrictions and unchecked components', () => {
    const element = emptyElement();
    element.components.FLAT = { enabled: true, price: '2', step_size: '1', grace_s: '' };
    element.components.TIME.price = '9.99'; // typed, then unchecked: not sent
    const { tariff, errors } = tariffFromForm(form({ elements: [element] }));
    expect(errors).toEqual({});
    expect(tariff.elements).toEqual([{ price_components: [{ type: 'FLAT', price: '2' }] }]);
  });

  it('reads a decimal comma and an upper-cased currency', () => {
    const state = form({ currency: 'eur', vat_percent: '7,7' });
    state.elements[0]!.components.ENERGY.price = '0,45';
    const { tariff, errors } = tariffFromForm(state);
    expect(errors).toEqual({});
    expect(tariff.currency).toBe('EUR');
    expect(tariff.vat_percent).toBe('7.7');
    expect(tariff.elements[0]!.price_components[0]!.price).toBe('0.45');
  });

  it('converts validity times between the browser zone and UTC both ways', () => {
    for (const iso of ['2026-03-01T00:00:00Z', '2026-07-15T13:45:30Z']) expect(isoOfLocalInput(localInputOf(iso))).toBe(iso);
    expect(isoOfLocalInput('2026-02-30')).toBeUndefined();
  });
});

describe('tariff form messages', () => {
  it('names each wrong field by its key', () => {
    const state = form({ id: '', currency: 'EURO', vat_percent: '101', min_price: '5', max_price: '2', start_date_time: '2026-05-01T00:00', end_date_time: '2026-04-01T00:00' });
    const e0 = state.elements[0]!;
    e0.components.ENERGY.price = '-0.10';
    e0.components.TIME = { enabled: true, price: '', step_size: '0', grace_s: '' };
    e0.components.PARKING_TIME = { enabled: true, price: '1.1234567', step_size: '60', grace_s: 'ten' };
    e0.restrictions = { ...e0.restrictions, start_time: '24:00', start_date: '2026-02-30', min_kwh: '10', max_kwh: '10', min_duration: '600', max_duration: '300' };
    const second = emptyElement();
    second.restrictions.start_date = '2026-05-01';
    second.restrictions.end_date = '2026-05-01';
    state.elements.push(second);

    expect(tariffFromForm(state).errors).toEqual({
      id: 'Id is required.',
      currency: 'Currency must be a three-letter ISO 4217 code such as EUR.',
      vat_percent: 'VAT must be at most 100.',
      max_price: 'Maximum price must not be less than the minimum price.',
      end_date_time: 'Valid until must be after valid from.',
      'e0-ENERGY-price': 'Energy price must not be negative.',
      'e0-TIME-price': 'Charging time price is required.',
      'e0-TIME-step_size': 'Charging time step must be at least 1.',
      'e0-PARKING_TIME-price': "Parking time price must be a number such as 0.39 (a '.' before at most 6 decimals).",
      'e0-PARKING_TIME-grace_s': 'Free parking must be a whole number (0 or more).',
      'e0-start_time': 'From time must be HH:MM between 00:00 and 23:59.',
      'e0-start_date': 'From date must be a date YYYY-MM-DD.',
      'e0-max_kwh': 'Max. energy must be more than min. energy.',
      'e0-max_duration': 'Max. duration must be more than min. duration.',
      e1: 'Element 2 needs at least one price component.',
      'e1-end_date': 'Until date must be after the from date (it is exclusive).',
    });
  });

  it('asks for an element and an id of at most 36 characters', () => {
    expect(tariffFromForm(form({ id: 'x'.repeat(37), elements: [] })).errors).toEqual({
      id: 'Id must be at most 36 characters.',
      elements: 'A tariff needs at least one element.',
    });
  });

  it('finds the field a server message is about', () => {
    const sent = tariffFromForm(formFromTariff(kServerTariff)).tariff;
    const field = (detail: string) => fieldOfServerMessage(detail, sent);
    // Messages as src/billing/tariff.cpp words them, behind the API's "invalid tariff: ".
    expect(field('invalid tariff: tariff.elements[0].price_components[1].grace_s: must not be negative, got -1')).toBe('e0-PARKING_TIME-grace_s');
    expect(field('invalid tariff: tariff.elements[1].price_components[1].price: must not be negative, got -1')).toBe('e1-FLAT-price');
    expect(field('invalid tariff: tariff.elements[0].restrictions.start_time: expected HH:MM, got "25:00"')).toBe('e0-start_time');
    expect(field('invalid tariff: tariff.elements[0].restrictions.day_of_week[1]: expected MONDAY to SUNDAY, got "MON"')).toBe('e0-day_of_week');
    expect(field('invalid tariff: tariff.elements[0].restrictions: min_kwh must be less than max_kwh')).toBe('e0-max_kwh');
    expect(field('invalid tariff: tariff.elements[1].price_components: must hold at least one price component')).toBe('e1');
    expect(field('invalid tariff: tariff.currency: expected an ISO 4217 code such as EUR, got "eu"')).toBe('currency');
    expect(field('invalid tariff: tariff: min_price must not exceed max_price')).toBe('max_price');
    expect(field('invalid tariff: tariff.elements: must hold at least one element')).toBe('elements');
    expect(field('id must be a string of 1 to 36 characters')).toBe('id');
    expect(field('tariff AC-DAY exists')).toBeUndefined();
  });
});
