import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CellStore, writeCellsInOrder, type CellKey } from '../../src/study/index.js';
import type { PlanRunResult } from '../../src/experiment/index.js';

const result = (seed: number) => ({ seed, requests: { arrived: seed * 10 }, note: 'ü' }) as unknown as PlanRunResult;
const key = (seed: number, rate = '1'): CellKey => ({ point: { rate }, plan: 'a', seed });

describe('the cell store', () => {
  test('gives back what was added, from disk, after a resume', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsim-store-'));
    const store = CellStore.create(dir, { fingerprint: 'f' });
    store.add(key(1), result(1));
    store.add(key(2), result(2));
    expect(store.get(key(2))).toEqual(result(2));
    expect(store.get(key(3))).toBeUndefined();
    store.close();
    const again = CellStore.resume(dir, { fingerprint: 'f' });
    expect(again.count).toBe(2);
    expect(again.get(key(1))).toEqual(result(1));
    expect(again.has(key(1, '2'))).toBe(false);
    again.close();
  });

  test('a line cut short by a kill is dropped on resume, and the next line starts clean', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsim-store-'));
    const store = CellStore.create(dir, { fingerprint: 'f' });
    store.add(key(1), result(1));
    store.close();
    appendFileSync(join(dir, 'cells.jsonl'), '{"point":{"rate":"1"},"plan":"a","seed":2,"requ');
    const again = CellStore.resume(dir, { fingerprint: 'f' });
    expect(again.count).toBe(1);
    again.add(key(3), result(3));
    again.close();
    const lines = readFileSync(join(dir, 'cells.jsonl'), 'utf8').split('\n');
    expect(lines.filter((l) => l !== '').map((l) => JSON.parse(l).seed)).toEqual([1, 3]);
  });

  test('a whole last line that lost only its newline is kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsim-store-'));
    CellStore.create(dir, { fingerprint: 'f' }).close();
    writeFileSync(join(dir, 'cells.jsonl'), JSON.stringify({ plan: 'a', ...result(1), point: { rate: '1' } }));
    const again = CellStore.resume(dir, { fingerprint: 'f' });
    again.add(key(2), result(2));
    again.close();
    expect(readFileSync(join(dir, 'cells.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).seed)).toEqual([1, 2]);
  });

  test('a damaged line before the last, or another study in the folder, is bad input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsim-store-'));
    CellStore.create(dir, { fingerprint: 'f' }).close();
    writeFileSync(join(dir, 'cells.jsonl'), 'garbage\n' + JSON.stringify({ plan: 'a', ...result(1) }) + '\n');
    expect(() => CellStore.resume(dir, { fingerprint: 'f' })).toThrow(/cells.jsonl:1: not a complete cell/);
    expect(() => CellStore.resume(dir, { fingerprint: 'g' })).toThrow(/different study/);
    expect(() => CellStore.resume(mkdtempSync(join(tmpdir(), 'capsim-empty-')), { fingerprint: 'f' })).toThrow(/not a study folder/);
  });

  test('cells are rewritten in the order asked for, from several stores', () => {
    const [d1, d2] = [mkdtempSync(join(tmpdir(), 'capsim-a-')), mkdtempSync(join(tmpdir(), 'capsim-b-'))];
    const s1 = CellStore.create(d1, { fingerprint: 'f' });
    const s2 = CellStore.create(d2, { fingerprint: 'f' });
    s1.add(key(2), result(2));
    s2.add(key(1), result(1));
    writeCellsInOrder(d1, [key(1), key(2)], [s1, s2]);
    expect(readFileSync(join(d1, 'cells.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).seed)).toEqual([1, 2]);
    expect(() => writeCellsInOrder(d2, [key(5)], [s2])).toThrow(/missing/);
    s1.close();
    s2.close();
  });
});
