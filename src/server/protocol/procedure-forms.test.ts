import { describe, expect, it } from 'vitest';
import { DEMO_FORMS } from '../seed/demo-forms.ts';
import { checkFormData, displayValue, FALLBACK_FORM, formDefinition, type FormDefinition } from '../../shared/procedure-forms.ts';

const padro = DEMO_FORMS['padro-certificat'] as FormDefinition;
const move = DEMO_FORMS['padro-canvi-domicili'] as FormDefinition;
const ADDRESS = { street: 'Carrer Major', number: '12', floor: '2n', door: '', postcode: '08191', municipality: 'Rubí' };

describe('procedure forms', () => {
  it('accepts every demo form and the fallback form as definitions', () => {
    for (const [code, def] of Object.entries({ ...DEMO_FORMS, fallback: FALLBACK_FORM })) expect(formDefinition.safeParse(def).success, code).toBe(true);
  });

  it('refuses definitions that would break the form: duplicate keys, choices on a text, a choice without choices, a label missing a language', () => {
    const field = padro.fields[2];
    const bad = [
      { fields: [field, field] },
      { fields: [{ ...field, type: 'text', choices: [{ value: 'a', label: { ca: 'a', es: 'a', en: 'a' } }, { value: 'b', label: { ca: 'b', es: 'b', en: 'b' } }] }] },
      { fields: [{ key: 'x', type: 'choice', required: true, label: { ca: 'x', es: 'x', en: 'x' } }] },
      { fields: [{ key: 'x', type: 'text', required: true, label: { ca: 'x', es: 'x' } }] },
      { fields: [{ key: 'Bad Key', type: 'text', required: true, label: { ca: 'x', es: 'x', en: 'x' } }] },
      { fields: [] },
    ];
    for (const d of bad) expect(formDefinition.safeParse(d).success, JSON.stringify(d)).toBe(false);
  });

  it('cleans valid data: trims text, reads numbers typed as text, drops empty optional parts of an address', () => {
    const checked = checkFormData(move, { new_address: ADDRESS, moved_on: '2026-02-28', people_moving: '3', people_names: '  Joan Puig, 12345678Z \n Anna Puig ', minors_moving: false, occupancy_title: 'rental' }, { draft: false, lang: 'ca' });
    expect(checked).toEqual({
      ok: true,
      data: {
        new_address: { street: 'Carrer Major', number: '12', floor: '2n', postcode: '08191', municipality: 'Rubí' },
        moved_on: '2026-02-28',
        people_moving: 3,
        people_names: 'Joan Puig, 12345678Z \n Anna Puig',
        minors_moving: false,
        occupancy_title: 'rental',
      },
    });
  });

  it('names every refused field with a message in the language asked for', () => {
    const checked = checkFormData(
      padro,
      { purpose: 'holidays', copies: 0, delivery_by_email: 'yes', purpose_detail: 'x'.repeat(201), unexpected: 1 },
      { draft: false, lang: 'es' },
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues).toEqual(
      expect.arrayContaining([
        { path: 'unexpected', code: 'unknown_field', message: 'unexpected: este campo no es de este trámite.' },
        { path: 'purpose', code: 'invalid_choice', message: 'Finalidad del certificado: elija una de las opciones.' },
        { path: 'copies', code: 'too_small', message: 'Número de copias: como mínimo 1.' },
        { path: 'delivery_by_email', code: 'not_yes_no', message: 'Enviarlo por correo electrónico: la respuesta tiene que ser sí o no.' },
        { path: 'purpose_detail', code: 'too_long', message: 'Organismo o trámite donde se presentará: como máximo 200 caracteres.' },
      ]),
    );
    const move1 = checkFormData(move, { new_address: { ...ADDRESS, postcode: '8191' }, moved_on: '2026-02-30', people_moving: 2.5 }, { draft: true, lang: 'en' });
    expect(move1.ok ? [] : move1.issues.map((i) => [i.path, i.code])).toEqual([
      ['new_address', 'invalid_postcode'],
      ['moved_on', 'invalid_date'],
      ['people_moving', 'not_an_integer'],
    ]);
  });

  it('requires required fields only when the form is submitted, not while it is a draft', () => {
    expect(checkFormData(padro, { copies: 2 }, { draft: true, lang: 'ca' })).toEqual({ ok: true, data: { copies: 2 } });
    const submitted = checkFormData(padro, { copies: 2, purpose: '' }, { draft: false, lang: 'ca' });
    expect(submitted.ok ? [] : submitted.issues.map((i) => i.message)).toEqual(['Finalitat del certificat: cal omplir aquest camp.', 'Enviar-lo per correu electrònic: cal omplir aquest camp.']);
  });

  it('shows values as people read them', () => {
    const [purpose, , , email] = padro.fields;
    if (!purpose || !email) throw new Error('fields');
    expect(displayValue(purpose, 'household', 'ca')).toBe('Convivència (totes les persones del domicili)');
    expect(displayValue(email, true, 'en')).toBe('Yes');
    const address = move.fields[0];
    if (!address) throw new Error('fields');
    expect(displayValue(address, { street: 'Carrer Major', number: '12', floor: '2n', door: '1a', postcode: '08191', municipality: 'Rubí' }, 'ca')).toBe('Carrer Major, 12, 2n 1a, 08191 Rubí');
  });
});
