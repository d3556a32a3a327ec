import { describe, expect, it } from 'vitest';
import { FALLBACK_FORM, formDefinition } from '../../../../shared/procedure-forms.ts';
import { definitionOf, draftsOf, newField, suggestKey } from './form-model.ts';

describe('form builder model', () => {
  const L = (ca: string) => ({ ca, es: `${ca} es`, en: `${ca} en` });
  const EVERY_TYPE = {
    fields: [
      { key: 'purpose', type: 'choice', required: true, label: L('Finalitat'), help: L('Per a què'), choices: [{ value: 'a', label: L('A') }, { value: 'b', label: L('B') }] },
      { key: 'copies', type: 'number', required: false, label: L('Còpies'), min: 1, max: 5, integer: true },
      { key: 'detail', type: 'text', required: false, label: L('Detall'), multiline: true, maxLength: 800 },
      { key: 'moved_on', type: 'date', required: true, label: L('Data') },
      { key: 'by_email', type: 'yes_no', required: true, label: L('Per correu') },
      { key: 'address', type: 'address', required: true, label: L('Adreça') },
    ],
  };

  it('gives back a form of every field type, and the generic form, unchanged after a round trip through the drafts', () => {
    for (const form of [EVERY_TYPE, FALLBACK_FORM]) {
      const parsed = formDefinition.parse(form);
      expect(definitionOf(draftsOf(parsed))).toEqual(parsed);
    }
  });

  it('leaves out what the type does not use and what was left empty; a number typed badly is refused by the schema', () => {
    const field = { ...newField('number'), key: 'copies', label: { ca: 'Còpies', es: 'Copias', en: 'Copies' }, min: '1', max: 'x', multiline: true, maxLength: '20' };
    const def = definitionOf([field]);
    expect(def.fields[0]).toEqual({ key: 'copies', type: 'number', required: true, label: { ca: 'Còpies', es: 'Copias', en: 'Copies' }, min: 1, max: Number.NaN });
    expect(formDefinition.safeParse(def).success).toBe(false);
  });

  it('suggests a key from a label', () => {
    expect(suggestKey('Nombre de places d’aparcament')).toBe('nombre_de_places_d_aparcament');
    expect(suggestKey('1r cognom')).toBe('f_1r_cognom');
    expect(suggestKey('')).toBe('');
  });
});
