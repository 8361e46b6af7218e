// Exports speak Russian: device categories (issue 19) as words, other values as stored.
import { describe, expect, it } from 'vitest';
import { reportRows } from '../../src-main/engine/export/tables';
import { row } from '../renderer/rows';

describe('export dimension values', () => {
  it('shows device categories in Russian, city and landing as stored, null as «(не задано)»', () => {
    const rows = reportRows(
      {
        groupBy: ['city', 'device', 'landing'],
        rows: [row({ city: 'Москва', device: 'mobile', landing: '/catalog/' }, { leads: 2 }), row({ city: null, device: 'smart tv', landing: null }, { leads: 1 })],
        totals: row({}, { leads: 3 }),
      },
      ['leads'],
    );
    expect(rows[0]!.cells).toEqual(['Москва', 'смартфон', '/catalog/', 2]);
    expect(rows[1]!.cells).toEqual(['(не задано)', 'smart tv', '(не задано)', 1]);
  });
});
