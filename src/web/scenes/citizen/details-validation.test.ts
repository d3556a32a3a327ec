/** The details form catches what the server would reject, and maps server issues back onto fields. */
import { describe, expect, it } from 'vitest';
import { emptyDetails, type DetailsAnswers } from './booking-state.ts';
import { issuesToDetailsErrors, readIssues, validateDetails } from './details-validation.ts';

const valid: DetailsAnswers = {
  ...emptyDetails('ca'),
  name: 'Anna',
  surnames: 'Puig i Soler',
  idType: 'nif',
  idNumber: '12345678-z',
  email: 'anna@example.org',
  phone: '+34 600 123 456',
};

describe('details validation', () => {
  it('accepts complete, well-formed answers', () => {
    expect(validateDetails(valid)).toEqual({});
  });

  it('reports every missing answer', () => {
    expect(validateDetails({ ...emptyDetails('ca'), language: '' })).toEqual({
      name: 'required',
      surnames: 'required',
      idType: 'required',
      idNumber: 'required',
      email: 'required',
      phone: 'required',
      language: 'required',
    });
  });

  it('checks the control letter of a NIF and a NIE', () => {
    expect(validateDetails({ ...valid, idNumber: '12345678A' })).toEqual({ idNumber: 'invalid_nif' });
    expect(validateDetails({ ...valid, idType: 'nie', idNumber: 'X1234567L' })).toEqual({});
    expect(validateDetails({ ...valid, idType: 'nie', idNumber: 'X1234567A' })).toEqual({ idNumber: 'invalid_nie' });
  });

  it('checks email and phone formats and the revealed follow-up questions', () => {
    expect(validateDetails({ ...valid, email: 'anna@', phone: '12' })).toEqual({ email: 'invalid_email', phone: 'invalid_phone' });
    expect(validateDetails({ ...valid, needsInterpreter: true, hasOtherNeeds: true })).toEqual({
      interpreterLanguage: 'required',
      otherNeeds: 'required',
    });
    expect(validateDetails({ ...valid, name: 'x'.repeat(81) })).toEqual({ name: 'too_long' });
  });

  it('maps the server issues onto the fields', () => {
    const issues = readIssues({
      issues: [
        { path: 'citizen.idNumber', code: 'invalid_nif' },
        { path: 'citizen.needs.other', code: 'too_long' },
        { path: 'startsAt', code: 'invalid' },
        'garbage',
      ],
    });
    expect(issuesToDetailsErrors(issues)).toEqual({ errors: { idNumber: 'invalid_nif', otherNeeds: 'too_long' }, other: true });
  });
});
