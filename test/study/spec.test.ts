import { describe, expect, test } from 'vitest';
import { gridPoints, parseParam, parseRange, parseValues, pointOverrides } from '../../src/study/index.js';
import { InputError } from '../../src/scenario/index.js';

describe('--param PATH=SPEC', () => {
  test('a list, a linear range and a log range', () => {
    expect(parseParam('workload.arrivals.rate=1,2.5,4')).toEqual({ path: 'workload.arrivals.rate', values: ['1', '2.5', '4'] });
    expect(parseValues('0..1:5', 'x')).toEqual(['0', '0.25', '0.5', '0.75', '1']);
    expect(parseValues('0.1..0.3:3', 'x')).toEqual(['0.1', '0.2', '0.3']);
    expect(parseValues('1..1000:4:log', 'x')).toEqual(['1', '10', '100', '1000']);
    expect(parseValues('a100-80gb,h100-sxm', 'x')).toEqual(['a100-80gb', 'h100-sxm']);
  });

  test('bad specs are bad input that says what is expected', () => {
    const message = (spec: string) => {
      try {
        parseParam(spec);
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${spec}`);
    };
    expect(message('rate')).toMatch(/PATH=SPEC/);
    expect(message('rate=1..10')).toMatch(/needs a count/);
    expect(message('rate=1..10:1')).toMatch(/from 2 to 10,000/);
    expect(message('rate=1..10:99999')).toMatch(/from 2 to 10,000/);
    expect(message('rate=0..10:3:log')).toMatch(/lo > 0/);
    expect(message('rate=1..10:3:ln')).toMatch(/"log"/);
    expect(message('rate=10..1:3')).toMatch(/lo < hi/);
    expect(message('rate=1,,2')).toMatch(/none empty/);
    expect(message('rate=1,1')).toMatch(/twice/);
    expect(message('rate=x..2:3')).toMatch(/not a number/);
    expect(() => parseRange('5')).toThrow(/lo\.\.hi/);
    expect(() => parseRange('1..1')).toThrow(/lo < hi/);
  });

  test('a grid is every combination, the first parameter slowest, each point a list of --set overrides', () => {
    const points = gridPoints([parseParam('a=1,2'), parseParam('b=x,y,z')]);
    expect(points.map(pointOverrides)).toEqual([
      ['a=1', 'b=x'], ['a=1', 'b=y'], ['a=1', 'b=z'],
      ['a=2', 'b=x'], ['a=2', 'b=y'], ['a=2', 'b=z'],
    ]);
    expect(() => gridPoints([parseParam('a=1,2'), parseParam('a=3')])).toThrow(/given twice/);
    expect(() => gridPoints([parseParam('a=1..2:1000'), parseParam('b=1..2:1000')])).toThrow(/1,000,000 points; at most 100,000/);
  });
});
