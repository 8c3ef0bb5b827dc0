import { describe, expect, test } from 'vitest';
import { billRun, decide, HOURS_PER_MONTH, overheadCharges, prorate } from '../../src/cost/index.js';
import { overhead as overheadSchema } from '../../src/scenario/index.js';

const MONTH = HOURS_PER_MONTH * 3600;

describe('billRun', () => {
  test('line items sum to the total; per-request, per-month and per-million figures follow', () => {
    const bill = billRun({
      charges: [
        { item: 'gpu.onDemand.a100-80gb', usd: 5009 },
        { item: 'api.output', usd: 100 },
      ],
      overhead: overheadSchema.parse({ infraPercentOfGpu: 40, engineeringUsdPerMonth: 4000 }),
      windowSeconds: MONTH,
      successfulRequests: 1000,
      outputTokens: 2e6,
      billedGpuSeconds: 2 * MONTH,
      busyGpuSeconds: MONTH,
    });
    expect(bill.items['overhead.infrastructure']).toBeCloseTo(0.4 * 5009, 9);
    expect(bill.items['overhead.engineering']).toBeCloseTo(4000, 9);
    expect(bill.total).toBeCloseTo(5009 + 100 + 2003.6 + 4000, 9);
    expect(bill.perMonth).toBeCloseTo(bill.total, 9);
    expect(bill.perSuccessfulRequest).toBeCloseTo(bill.total / 1000, 12);
    expect(bill.perMillionOutputTokens).toBeCloseTo(bill.total / 2, 12);
    expect(bill.paidUtilization).toBe(0.5);
  });

  test('monthly overheads are prorated to the window; a week is 168/730 of a month', () => {
    expect(prorate(730, 7 * 86400)).toBeCloseTo(168, 9);
    const charges = overheadCharges(overheadSchema.parse({ engineeringFte: 0.25, engineerAnnualUsd: 192_000, storageUsdPerMonth: 100, observabilityUsdPerMonth: 50, egressUsdPerGB: 0.09 }), 0, MONTH, 1e9);
    const byItem = Object.fromEntries(charges.map((c) => [c.item, c.usd]));
    expect(byItem['overhead.engineering']).toBeCloseTo(4000, 9);
    expect(byItem['overhead.storage']).toBeCloseTo(100, 9);
    expect(byItem['overhead.observability']).toBeCloseTo(50, 9);
    // 1e9 tokens × 4 bytes = 4 GB at $0.09
    expect(byItem['overhead.egress']).toBeCloseTo(0.36, 9);
  });

  test('no successful request means an infinite cost per successful request', () => {
    expect(billRun({ charges: [{ item: 'x', usd: 1 }], overhead: undefined, windowSeconds: 1, successfulRequests: 0, outputTokens: 0, billedGpuSeconds: 0, busyGpuSeconds: 0 }).perSuccessfulRequest).toBe(Infinity);
  });
});

describe('the friction rule', () => {
  test('self-hosting wins only when the API costs more than friction × self-hosted', () => {
    const plans = (api: number, self: number) => [
      { name: 'api', kind: 'api' as const, perSuccessfulRequest: api },
      { name: 'gpu', kind: 'self-hosted' as const, perSuccessfulRequest: self },
    ];
    expect(decide(plans(2, 1), 1.5).recommended).toBe('gpu');
    expect(decide(plans(2, 1), 1.5).rule).toMatch(/^self-host: the cheapest API plan \(api\) costs 2× the cheapest self-hosted plan \(gpu\)/);
    const close = decide(plans(1.4, 1), 1.5);
    expect(close.recommended).toBe('api');
    expect(close.cheapest).toBe('gpu');
    expect(close.rule).toMatch(/saves only 1\.4×/);
    expect(decide(plans(0.5, 1), 1.5).rule).toMatch(/already costs less/);
    expect(decide(plans(2, 1), 2.5).recommended).toBe('api');
  });
});

describe('paired comparison across runs', () => {
  test('cheaperShare counts the runs in which one plan cost less than another', async () => {
    const { cheaperShare } = await import('../../src/experiment/index.js');
    const run = (usd: number) => ({ cost: { perSuccessfulRequest: usd } }) as never;
    const share = cheaperShare({
      scenario: {} as never,
      costs: {} as never,
      seeds: [1, 2, 3, 4],
      plans: [
        { name: 'a', runs: [run(1), run(2), run(3), run(4)] },
        { name: 'b', runs: [run(2), run(1), run(4), run(5)] },
      ],
    });
    expect(share).toEqual({ a: { b: 0.75 }, b: { a: 0.25 } });
  });
});
