import { describe, expect, it } from 'vitest';
import { CalendarDay, csvDialect, temporal } from '../../src/dashboard/csv-dialect.js';

const plain = csvDialect('plain');
const excel = csvDialect('excel-fr');

describe('the CSV dialects', () => {
  it('separate, quote and start the file as each reader expects', () => {
    expect(plain.line(['a', 'b, c', 'd;e'])).toBe('a,"b, c",d;e\r\n');
    expect(excel.line(['a', 'b, c', 'd;e'])).toBe('a;b, c;"d;e"\r\n');
    expect(excel.line(['say "hi"', 'x\ny'])).toBe('"say ""hi""";"x\ny"\r\n');
    expect([plain.bom, excel.bom]).toEqual(['', '\uFEFF']);
  });

  it('write decimals with a point in plain and a comma in excel-fr, rounded to 4 places', () => {
    expect([plain.field(1234.56789), excel.field(1234.56789)]).toEqual(['1234.5679', '1234,5679']);
    expect([plain.field(-0.5), excel.field(-0.5), excel.field(12), excel.field(Number.NaN)]).toEqual(['-0.5', '-0,5', '12', '']);
  });

  it('write times in UTC ISO 8601 in plain and as local dd/mm/yyyy hh:mm in excel-fr, summer and winter time alike', () => {
    const summer = new Date('2026-07-14T22:30:00Z');
    const winter = new Date('2026-12-31T23:15:00Z');
    expect(plain.field(summer)).toBe('2026-07-14T22:30:00.000Z');
    expect(excel.field(summer)).toBe('15/07/2026 00:30');
    expect(excel.field(winter)).toBe('01/01/2027 00:15');
    expect(csvDialect('excel-fr', 'America/Montreal').field(winter)).toBe('31/12/2026 18:15');
    expect([plain.field(new CalendarDay('2026-03-09')), excel.field(new CalendarDay('2026-03-09'))]).toEqual(['2026-03-09', '09/03/2026']);
  });

  it('tell days and timestamps from other text', () => {
    expect(temporal('2026-03-09')).toBeInstanceOf(CalendarDay);
    expect(temporal('2026-03-09T10:00:00.000Z')).toEqual(new Date('2026-03-09T10:00:00.000Z'));
    expect(temporal('Paris')).toBe('Paris');
    expect(temporal(3)).toBe(3);
  });

  it('defuse text a spreadsheet would run as a formula in both dialects, and leave phones and signed numbers alone', () => {
    for (const d of [plain, excel]) {
      expect(d.field('=1+2')).toBe("'=1+2");
      expect(d.field('@SUM(A1)')).toBe("'@SUM(A1)");
      expect(d.field('-2+3+cmd|calc')).toBe("'-2+3+cmd|calc");
      expect(d.field('\t=1')).toBe("'\t=1");
      expect(d.field('+33 6 12 34 56 78')).toBe('+33 6 12 34 56 78');
      expect(d.field('-12.5')).toBe('-12.5');
    }
    expect(plain.field('=HYPERLINK("x";"y")')).toBe(`"'=HYPERLINK(""x"";""y"")"`);
    expect(excel.field('=HYPERLINK("x";"y")')).toBe(`"'=HYPERLINK(""x"";""y"")"`);
  });
});
