import { describe, expect, it } from 'vitest';
import { milliseconds, significant } from '../../cli/format-number.ts';

describe('numbers as a person reads them', () => {
  it.each([
    [0.007980000000000001, 3, '0.00798'],
    [0.1 + 0.2, 3, '0.3'],
    [0.0019640000000000001, 4, '0.001964'],
    [1, 3, '1'],
    [0, 3, '0'],
    [123456.7, 3, '123000'],
    [2.4e-9, 2, '0.0000000024'],
    [-0.00012345, 2, '-0.00012'],
  ])('significant(%s, %s) = %s', (value, digits, text) => {
    expect(significant(value, digits)).toBe(text);
  });

  it('milliseconds: whole from 10 ms up, two significant digits below', () => {
    expect([milliseconds(0.2345), milliseconds(3.14159), milliseconds(12.6), milliseconds(1530.2)]).toEqual(['0.23', '3.1', '13', '1530']);
  });
});
