/** Synthetic arrival processes: realized rate, burstiness and shape over long runs. */
import { describe, expect, test } from 'vitest';
import { openStream } from '../../src/random/index.js';
import { arrivals as arrivalsSchema } from '../../src/scenario/index.js';
import { makeArrivals, type ArrivalSpec } from '../../src/workload/index.js';
import { meanOf, sdOf } from '../support/stats.js';

function times(input: Record<string, unknown>, horizon: number, seed = 1): number[] {
  const spec = arrivalsSchema.parse(input) as ArrivalSpec;
  const source = makeArrivals(spec, horizon, openStream(seed, 'arrivals'), openStream(seed, 'arrivals', 'bursts'));
  const out: number[] = [];
  for (let t = source.next(); t <= horizon; t = source.next()) out.push(t);
  return out;
}

function countsPer(ts: readonly number[], width: number, horizon: number): number[] {
  const counts = new Array<number>(Math.floor(horizon / width)).fill(0);
  for (const t of ts) {
    const i = Math.floor(t / width);
    if (i < counts.length) counts[i]!++;
  }
  return counts;
}

const gaps = (ts: readonly number[]) => ts.slice(1).map((t, i) => t - ts[i]!);

describe('stationary processes', () => {
  test('Poisson: realized rate within 1%, gaps with CV 1', () => {
    const ts = times({ process: 'poisson', rate: 10 }, 20_000);
    expect(Math.abs(ts.length / 20_000 / 10 - 1)).toBeLessThan(0.01);
    const g = gaps(ts);
    expect(sdOf(g) / meanOf(g)).toBeCloseTo(1, 1);
  });

  test('perDay is a rate', () => {
    expect(arrivalsSchema.parse({ process: 'poisson', perDay: 86400 }).rate).toBe(1);
  });

  for (const cv of [0.5, 2, 4]) {
    test(`gamma renewal with cv ${cv}: rate within 2%, gap CV within 5%`, () => {
      const ts = times({ process: 'gamma', rate: 5, cv }, 40_000);
      expect(Math.abs(ts.length / 40_000 / 5 - 1)).toBeLessThan(0.02);
      const g = gaps(ts);
      expect(Math.abs(sdOf(g) / meanOf(g) / cv - 1)).toBeLessThan(0.05);
    });
  }
});

describe('modifiers', () => {
  test('diurnal: hourly counts follow the von Mises profile, peak at the peak hour at the peak-to-average ratio', () => {
    const days = 60;
    const ts = times({ process: 'poisson', rate: 2, diurnal: { peakHour: 12, peakToAverage: 3 } }, days * 86400);
    const byHour = new Array<number>(24).fill(0);
    for (const t of ts) byHour[Math.floor((t % 86400) / 3600)]!++;
    const mean = meanOf(byHour);
    expect(Math.abs(ts.length / (days * 86400) / 2 - 1)).toBeLessThan(0.01);
    const peakHour = byHour.indexOf(Math.max(...byHour));
    expect([11, 12]).toContain(peakHour);
    // The hour 11:00-13:00 window averages just under the 3× peak.
    expect((byHour[11]! + byHour[12]!) / 2 / mean).toBeGreaterThan(2.7);
    expect((byHour[11]! + byHour[12]!) / 2 / mean).toBeLessThan(3.05);
    expect(Math.min(...byHour) / mean).toBeLessThan(0.3);
  });

  test('hourly weights: each hour gets its share', () => {
    const weights = Array.from({ length: 24 }, (_, h) => (h < 8 ? 1 : 3));
    const ts = times({ process: 'poisson', rate: 1, diurnal: { hourlyWeights: weights } }, 30 * 86400);
    const byHour = new Array<number>(24).fill(0);
    for (const t of ts) byHour[Math.floor((t % 86400) / 3600)]!++;
    const night = meanOf(byHour.slice(0, 8));
    const day = meanOf(byHour.slice(8));
    expect(day / night).toBeCloseTo(3, 0);
    expect(Math.abs(ts.length / (30 * 86400) - 1)).toBeLessThan(0.02);
  });

  test('weekly: weekend days get their weight', () => {
    const ts = times({ process: 'poisson', rate: 1, weekly: { weights: [1, 1, 1, 1, 1, 0.25, 0.25] } }, 20 * 7 * 86400);
    const byDay = new Array<number>(7).fill(0);
    for (const t of ts) byDay[Math.floor(t / 86400) % 7]!++;
    expect(byDay[5]! / byDay[0]!).toBeCloseTo(0.25, 1);
  });

  test('a spike multiplies the rate inside its window only', () => {
    const ts = times({ process: 'poisson', rate: 5, spikes: [{ at: '1h', duration: '30m', multiplier: 4 }] }, 3 * 3600);
    const inside = ts.filter((t) => t >= 3600 && t < 5400).length / 1800;
    const outside = ts.filter((t) => t < 3600 || t >= 5400).length / (3 * 3600 - 1800);
    expect(inside / 5).toBeCloseTo(4, 0);
    expect(Math.abs(outside / 5 - 1)).toBeLessThan(0.05);
  });

  test('growth of 10% a month: the second 30-day month has 1.1× the traffic of the first', () => {
    const ts = times({ process: 'poisson', rate: 0.5, growth: { percentPerMonth: 10 } }, 60 * 86400);
    const first = ts.filter((t) => t < 30 * 86400).length;
    const second = ts.length - first;
    expect(second / first).toBeCloseTo(1.1, 1);
    expect(Math.abs(second / first - 1.1)).toBeLessThan(0.02);
  });

  test('on-off bursts keep the mean rate and make per-minute counts overdispersed', () => {
    const horizon = 30 * 86400;
    const ts = times({ process: 'poisson', rate: 2, bursts: { meanOn: '5m', meanOff: '20m', onMultiplier: 6 } }, horizon);
    expect(Math.abs(ts.length / horizon / 2 - 1)).toBeLessThan(0.03);
    const perMinute = countsPer(ts, 60, horizon);
    // Poisson would give variance = mean; bursts give far more.
    expect(sdOf(perMinute) ** 2 / meanOf(perMinute)).toBeGreaterThan(10);
  });

  test('modifiers compose: diurnal × spike', () => {
    const ts = times({ process: 'poisson', rate: 1, diurnal: { peakHour: 12, peakToAverage: 2 }, spikes: [{ at: '12h', duration: '1h', multiplier: 3 }] }, 86400);
    const noon = ts.filter((t) => t >= 12 * 3600 && t < 13 * 3600).length / 3600;
    expect(noon).toBeGreaterThan(4.5);
  });
});
