import { describe, expect, it } from 'vitest';
import { fieldErrors, formInput, parseTypedNumber, typedForm } from './protocol-values.ts';

const fields = [
  { key: 'new_address', type: 'address', value: { street: 'Carrer de la Font', number: '7', postcode: '08191', municipality: 'Rubí' } },
  { key: 'people_moving', type: 'number', value: 2 },
  { key: 'minors_moving', type: 'yes_no', value: false },
  { key: 'moved_on', type: 'date', value: null },
  { key: 'reason', type: 'choice', value: 'work' },
] as const;

describe('the registry form on the agent’s screen', () => {
  it('shows saved values in the inputs, and sends back exactly the same data when nothing was changed', () => {
    const typed = typedForm(fields);
    expect(typed).toEqual({
      new_address: { street: 'Carrer de la Font', number: '7', floor: '', door: '', postcode: '08191', municipality: 'Rubí' },
      people_moving: '2',
      minors_moving: 'no',
      moved_on: '',
      reason: 'work',
    });
    expect(formInput(fields, typed)).toEqual({
      new_address: { street: 'Carrer de la Font', number: '7', postcode: '08191', municipality: 'Rubí' },
      people_moving: 2,
      minors_moving: false,
      reason: 'work',
    });
  });

  it('leaves out what was emptied (a cleared address, blank text), so a draft may be saved half-filled', () => {
    const typed = typedForm(fields);
    typed.new_address = { street: ' ', number: '', floor: '', door: '', postcode: '', municipality: '' };
    typed.reason = '   ';
    typed.minors_moving = 'yes';
    expect(formInput(fields, typed)).toEqual({ people_moving: 2, minors_moving: true });
  });

  it('reads numbers as people type them, and passes anything else on for the server to refuse with the field’s message', () => {
    expect(parseTypedNumber('3')).toBe(3);
    expect(parseTypedNumber('1.234,5')).toBe(1234.5);
    expect(parseTypedNumber('1,234.50')).toBe(1234.5);
    expect(parseTypedNumber('12,5')).toBe(12.5);
    expect(parseTypedNumber('-4')).toBe(-4);
    expect(parseTypedNumber('tres')).toBe('tres');
  });

  it('puts each refusal of the server on its field, an address part on the address', () => {
    const details = {
      issues: [
        { path: 'new_address.postcode', code: 'invalid_postcode', message: 'Nou domicili: el codi postal ha de tenir 5 xifres.' },
        { path: 'people_moving', code: 'not_a_number', message: 'Persones: ha de ser un nombre.' },
        { path: 'new_address.street', code: 'required', message: 'second message for the same field' },
      ],
    };
    expect(fieldErrors(details)).toEqual({ new_address: 'Nou domicili: el codi postal ha de tenir 5 xifres.', people_moving: 'Persones: ha de ser un nombre.' });
    expect(fieldErrors({})).toEqual({});
  });
});
