import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { capsim, SMALL_SCENARIO, tempFile } from '../support/cli.js';

describe('capsim run', () => {
  const file = tempFile('small.yaml', SMALL_SCENARIO);

  test('prints a table per plan and exits 0', async () => {
    const r = await capsim('run', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('capsim run: small');
    expect(r.stdout).toMatch(/success rate/);
    expect(r.stdout).toMatch(/five/);
  });

  test('--json prints one JSON document with the documented fields and nothing else', async () => {
    const r = await capsim('run', file, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    const plan = doc.plans[0];
    expect(plan.name).toBe('five');
    for (const key of ['arrived', 'succeeded', 'failed', 'inFlight']) {
      expect(Object.keys(plan.requests[key]).sort()).toEqual(['ci95', 'mean', 'p5', 'p50', 'p95', 'sd']);
    }
    expect(plan.requests.arrived.mean).toBeCloseTo(plan.requests.succeeded.mean + plan.requests.failed.mean + plan.requests.inFlight.mean, 6);
    for (const key of ['queueWait', 'e2e']) for (const q of ['mean', 'p50', 'p90', 'p99']) expect(typeof plan.latency[key][q]).toBe('number');
    expect(plan.successRate.mean).toBeGreaterThan(0.99);
    expect(plan.utilization.mean).toBeCloseTo(0.8, 1);
    expect(plan.queueLength.mean).toBeGreaterThan(0);
    expect(doc.seeds).toEqual([1, 2, 3]);
  });

  test('same seed gives byte-identical --json; another seed gives other numbers', async () => {
    const a = await capsim('run', file, '--json', '--seed', '11');
    const b = await capsim('run', file, '--json', '--seed', '11');
    const c = await capsim('run', file, '--json', '--seed', '12');
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(c.stdout).plans[0].requests.arrived.mean).not.toBe(JSON.parse(a.stdout).plans[0].requests.arrived.mean);
  });

  test('--seeds and --set override the scenario', async () => {
    const r = await capsim('run', file, '--json', '--seeds', '2', '--set', 'workload.arrivals.rate=2', '--set', 'plans.0.backends.0.replicas=10');
    const doc = JSON.parse(r.stdout);
    expect(doc.seeds).toEqual([1, 2]);
    expect(doc.scenario.workload.arrivals.rate).toBe(2);
    expect(doc.plans[0].utilization.mean).toBeCloseTo(0.2, 1);
  });

  test('--out writes results.json', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'capsim-out-')), 'nested');
    const r = await capsim('run', file, '--out', out, '--seeds', '1');
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'results.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).plans[0].name).toBe('five');
    const cells = readFileSync(join(out, 'cells.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(cells.map((c) => [c.plan, c.seed])).toEqual([['five', 1]]);
  });

  test('with no scenario, runs the built-in default', async () => {
    const r = await capsim('run', '--seeds', '1', '--set', 'horizon=20m', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).scenario.name).toBe('support-assistant');
  });

  test('an unstable setup runs but warns', async () => {
    const r = await capsim('run', file, '--seeds', '1', '--set', 'workload.arrivals.rate=7');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: plan five: arrivals \(7\/s\) meet or exceed what 5 replica\(s\) can serve/);
  });
});

describe('bad input: a one-paragraph message, exit code 2, no stack trace', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown field', SMALL_SCENARIO.replace('seeds: 3', 'seedz: 3'), /seedz: got 3, expected no field named "seedz" here \(did you mean "seeds"\?\)/],
    ['wrong type', SMALL_SCENARIO.replace('replicas: 5', 'replicas: "5"'), /plans\.0\.backends\.0\.replicas: got "5", expected a number/],
    ['zero rate', SMALL_SCENARIO.replace('rate: 4', 'rate: 0'), /workload\.arrivals\.rate: got 0, expected a number > 0/],
    ['negative rate', SMALL_SCENARIO.replace('rate: 4', 'rate: -1'), /workload\.arrivals\.rate: got -1, expected a number > 0/],
    ['missing plans', SMALL_SCENARIO.slice(0, SMALL_SCENARIO.indexOf('plans:')), /plans: got nothing, expected a value/],
    ['malformed YAML', 'name: x\nworkload: {arrivals: [\nplans: 3\n', /is not valid YAML or JSON: at line \d+, column \d+/],
  ];
  for (const [what, text, message] of cases) {
    test(what, async () => {
      const file = tempFile('bad.yaml', text);
      for (const command of ['run', 'validate']) {
        const r = await capsim(command, file);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).toContain(file);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(r.stdout).toBe('');
      }
    });
  }

  test('a missing file', async () => {
    const r = await capsim('run', '/no/such/scenario.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('capsim: cannot read scenario file /no/such/scenario.yaml: no such file.\n');
  });

  test('a bad --seeds value and an unknown option', async () => {
    expect((await capsim('run', '--seeds', '0')).code).toBe(2);
    const r = await capsim('run', '--sed', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option/);
  });

  test('validate accepts a good file', async () => {
    const r = await capsim('validate', tempFile('ok.yaml', SMALL_SCENARIO));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid scenario "small" with 1 plan/);
  });
});

describe('the built executable', () => {
  const main = join(process.cwd(), 'dist', 'cli', 'main.js');
  test.runIf(existsSync(main))('a malformed trace row found in a worker thread is still bad input (exit 2, file and line)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsim-trace-'));
    writeFileSync(join(dir, 't.csv'), 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9,10,5\ngarbage\n');
    writeFileSync(join(dir, 's.yaml'), 'name: t\nhorizon: 1m\nseeds: 2\nworkload:\n  trace: { file: t.csv }\nplans:\n  - name: a\n    backends: [{ kind: api, model: gpt-4o-mini }]\n');
    const r = spawnSync(process.execPath, [main, 'run', join(dir, 's.yaml'), '--workers', '2'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/t\.csv, line 3: 1 columns, expected at least 3/);
    const skipped = spawnSync(process.execPath, [main, 'run', join(dir, 's.yaml'), '--workers', '2', '--skip-bad-rows', '--json'], { encoding: 'utf8' });
    expect(skipped.status).toBe(0);
    expect(JSON.parse(skipped.stdout).plans[0].skippedRows.mean).toBe(1);
  });

  test.runIf(existsSync(main))('1 or 2 worker threads give byte-identical --json, uncertain inputs included', () => {
    const file = tempFile('w.yaml', SMALL_SCENARIO.replace('rate: 4', 'rate: { dist: lognormal, median: 4, p95: 4.5 }'));
    const run = (workers: string) => spawnSync(process.execPath, [main, 'run', file, '--json', '--seeds', '4', '--workers', workers], { encoding: 'utf8' });
    const one = run('1');
    const two = run('2');
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(Object.keys(JSON.parse(one.stdout).plans[0].uncertain)).toEqual(['workload.arrivals.rate']);
  });

  test.runIf(existsSync(main))('1 or 2 worker threads give byte-identical --json when short cells go out in batches', () => {
    // Cells of a fraction of a millisecond: the workers take them many to a message (cell-batches.ts).
    const file = tempFile('short.yaml', SMALL_SCENARIO.replace('horizon: 30m', 'horizon: 20s').replace('warmup: 1m', 'warmup: 0'));
    const run = (workers: string) => spawnSync(process.execPath, [main, 'run', file, '--json', '--seeds', '600', '--workers', workers], { encoding: 'utf8' });
    const one = run('1');
    const two = run('2');
    expect(one.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(JSON.parse(two.stdout).plans[0].runs).toBe(600);
  });

  test.runIf(existsSync(main))('a worker thread loads the simulator without the scenario grammar (zod, yaml), which it imports only for uncertain inputs', () => {
    const dir = join(process.cwd(), 'dist', 'cli');
    const loaded = new Set<string>();
    const load = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      // The bundle's static imports: `} from "./chunk.js";` or `import "./chunk.js";` at a line's start.
      for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/^(?:\} from|import) "\.\/([^"]+)";$/gm)) load(m[1]!);
    };
    load('worker.js');
    const carried = [...loaded].flatMap((file) => [...readFileSync(join(dir, file), 'utf8').matchAll(/^\/\/ node_modules\/(zod|yaml)\//gm)].map((m) => m[1]));
    expect(loaded.size).toBeGreaterThan(3);
    expect([...new Set(carried)]).toEqual([]);
    expect(readFileSync(join(dir, 'worker.js'), 'utf8')).toMatch(/await import\("\.\/parse-[A-Z0-9]+\.js"\)/);
  });

  test.runIf(existsSync(main))('a cell that fails in a batch loses none of the cells before it: --out keeps every seed one thread kept', () => {
    // Seed 26 draws a negative service mean (bad input, exit 2); the cells are short, so the
    // workers take them many to a batch, and seed 26 is not the first of its batch.
    const dir = mkdtempSync(join(tmpdir(), 'capsim-fail-'));
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      'name: draws-fail\nhorizon: 60\nseeds: 300\nworkload:\n  arrivals: { process: poisson, rate: 5 }\nplans:\n  - name: one\n    backends:\n' +
        '      - { kind: fleet, replicas: 2, service: { dist: exponential, mean: { dist: normal, mean: 0.1, sd: 0.045 } } }\n',
    );
    const kept = (workers: string) => {
      const out = join(dir, `out-${workers}`);
      const r = spawnSync(process.execPath, [main, 'run', file, '--out', out, '--workers', workers, '--quiet'], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/run with seed 26 \(drew plans\.0\.backends\.0\.service\.mean = -0\.022/);
      return new Set(readFileSync(join(out, 'cells.jsonl'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { seed: number }).seed));
    };
    const before = Array.from({ length: 25 }, (_, i) => i + 1);
    for (const workers of ['1', '2']) {
      const seeds = kept(workers);
      for (const seed of before) expect(seeds.has(seed), `seed ${seed} on ${workers} thread(s)`).toBe(true);
      expect(seeds.has(26)).toBe(false);
    }
  });

  test.runIf(existsSync(main))('exits 2 on bad input and 0 on --version, as a real process', () => {
    const bad = spawnSync(process.execPath, [main, 'run', tempFile('b.yaml', 'name: [')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^capsim: .* is not valid YAML or JSON/);
    const version = spawnSync(process.execPath, [main, '--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    // The short cut past commander prints what commander prints (`--version` with more after it goes through commander).
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(version.stdout).toBe(`${pkg.version}\n`);
    expect(spawnSync(process.execPath, [main, '-V'], { encoding: 'utf8' }).stdout).toBe(`${pkg.version}\n`);
    expect(spawnSync(process.execPath, [main, '--version', 'run'], { encoding: 'utf8' }).stdout).toBe(`${pkg.version}\n`);
  });
});

describe('bugs found while trying plans of several backends', () => {
  test('uncertain inputs are drawn when the workload replays a trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsim-trace-'));
    const rows = Array.from({ length: 200 }, (_, i) => `2023-11-16 18:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.0,${100 + i},20`);
    writeFileSync(join(dir, 't.csv'), 'TIMESTAMP,ContextTokens,GeneratedTokens\n' + rows.join('\n') + '\n');
    writeFileSync(
      join(dir, 's.yaml'),
      'name: t\nhorizon: 3m\nseeds: 4\nworkload:\n  trace: { file: t.csv }\nplans:\n  - name: a\n    backends: [{ kind: api, model: gpt-4o-mini, cachedInputShare: { dist: uniform, min: 0, max: 0.9 } }]\n',
    );
    const r = await capsim('run', join(dir, 's.yaml'), '--json', '--workers', '1');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout).plans[0];
    expect(Object.keys(plan.uncertain)).toEqual(['plans.0.backends.0.cachedInputShare']);
    expect(plan.uncertain['plans.0.backends.0.cachedInputShare'].sd).toBeGreaterThan(0);
    // The drawn cache share changes what each run pays.
    expect(plan.cost.total.sd).toBeGreaterThan(0);
  });

  test('--skip-bad-rows on a synthetic workload is accepted (there are no rows to skip)', async () => {
    const r = await capsim('run', tempFile('s.yaml', SMALL_SCENARIO), '--skip-bad-rows', '--seeds', '1', '--json');
    expect(r.code).toBe(0);
  });

  test('--json names failures by reason, and gives per-class and per-backend results and the exclusions', async () => {
    const text = `
name: classes
horizon: 20m
seeds: 2
workload:
  arrivals: { process: poisson, rate: 2 }
  classes:
    - { name: chat, share: 0.8, input: { dist: constant, value: 1000 }, output: { dist: constant, value: 100 }, slo: { ttft: 3s } }
    - { name: docs, share: 0.2, input: { dist: constant, value: 9000 }, output: { dist: constant, value: 400 } }
plans:
  - name: mini
    backends: [{ kind: api, model: gpt-4o-mini }]
  - name: limited
    backends: [{ kind: api, name: tight, model: gpt-4o-mini, rateLimit: { rpm: 40 }, retry: { maxRetries: 0 } }]
`;
    const r = await capsim('run', tempFile('c.yaml', text), '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.capsim.version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const [mini, limited] = doc.plans;
    expect(Object.keys(mini.failedBy).sort()).toEqual(['deadlineMissed', 'errored', 'misrouted', 'queueFull', 'rateLimited', 'timedOut', 'tooLong', 'unavailable']);
    expect(mini.classes.map((c: { name: string }) => c.name)).toEqual(['chat', 'docs']);
    for (const c of mini.classes) for (const key of ['name', 'requests', 'failedBy', 'latency', 'costShare']) expect(c).toHaveProperty(key);
    // API tokens are attributed exactly: chat pays 1000×0.15 + 100×0.6, docs 9000×0.15 + 400×0.6 per request (micro-dollars).
    const chatShare = mini.classes[0].costShare.mean;
    const chat = mini.classes[0].requests.succeeded.mean * 210 + mini.classes[0].requests.late.mean * 210;
    const docs = mini.classes[1].requests.succeeded.mean * 1590 + mini.classes[1].requests.late.mean * 1590;
    expect(chatShare).toBeCloseTo(chat / (chat + docs), 2);
    expect(limited.backends.map((b: { name: string; kind: string }) => [b.name, b.kind])).toEqual([['tight', 'api']]);
    expect(limited.failedBy.rateLimited.mean).toBeGreaterThan(0);
    expect(doc.decision.recommended).toBe('mini');
    expect(doc.decision.excluded.map((e: { plan: string }) => e.plan)).toEqual(['limited']);
    expect(doc.decision.excluded[0].reason).toMatch(/of requests of class chat succeeded within the SLO, target 99%/);
    // The table says the same in words.
    const table = await capsim('run', tempFile('c.yaml', text));
    expect(table.stdout).toMatch(/rate-limited \(429 after the last retry\)/);
    expect(table.stdout).toMatch(/not recommended: limited: /);
    expect(table.stdout).toMatch(/per request class/);
  });
});

describe('inputs that used to hang are refused with their reason (exit 2)', () => {
  test('arrival weights that are all zero, or whose sum overflows', async () => {
    for (const [field, value, expected] of [
      ['workload.arrivals.profile', '{ interval: 60, weights: [0, 0, 0] }', /workload\.arrivals\.profile\.weights: got \[0,0,0\], expected weights of which at least one is greater than zero/],
      ['workload.arrivals.weekly', '{ weights: [0, 0, 0, 0, 0, 0, 0] }', /workload\.arrivals\.weekly\.weights: .*at least one is greater than zero/],
      ['workload.arrivals.profile', '{ interval: 60, weights: [1e308, 1e308] }', /weights whose sum is a finite number/],
    ] as const) {
      const r = await capsim('validate', tempFile('s.yaml', SMALL_SCENARIO), '--set', `${field}=${value}`);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(expected);
    }
  });

  test('a looped trace whose rows are all at one instant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsim-trace-'));
    writeFileSync(join(dir, 't.csv'), 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:00:00.0,100,10\n2023-11-16 18:00:00.0,100,10\n');
    writeFileSync(join(dir, 's.yaml'), 'name: t\nhorizon: 1h\nseeds: 1\nworkload:\n  trace: { file: t.csv, loop: true }\nplans:\n  - name: a\n    backends: [{ kind: api, model: gpt-4o-mini }]\n');
    const r = await capsim('run', join(dir, 's.yaml'), '--workers', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/workload\.trace\.loop: .*t\.csv spans no time/);
  });
});

describe('determinism with routing', () => {
  const main = join(process.cwd(), 'dist', 'cli', 'main.js');
  test.runIf(existsSync(main))('the hybrid default scenario gives byte-identical --json for 1 or 2 worker threads and on a second run', () => {
    const run = (workers: string) => spawnSync(process.execPath, [main, 'run', '--json', '--seeds', '3', '--set', 'horizon=6h', '--workers', workers], { encoding: 'utf8' });
    const one = run('1');
    const two = run('2');
    const again = run('2');
    expect(one.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(again.stdout).toBe(one.stdout);
    expect(JSON.parse(one.stdout).plans.find((p: { name: string }) => p.name === 'hybrid-8b-plus-sonnet').routing).toBeDefined();
  });
});

describe('values that cannot work are refused with their limit (exit 2, no hang)', () => {
  test('a fleet of a billion replicas', async () => {
    const r = await capsim('validate', tempFile('s.yaml', SMALL_SCENARIO), '--set', 'plans.0.backends.0.replicas=1000000000');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/replicas: got 1000000000, expected a number <= 100000/);
  });

  test('scheduler limits no replica holds, and outages every microsecond', async () => {
    const llm = SMALL_SCENARIO.replace('service: { dist: exponential, mean: 1 }', 'model: llama-3.1-8b\n        gpu: h100-sxm').replace('arrivals: { process: poisson, rate: 4 }', 'arrivals: { process: poisson, rate: 4 }\n  input: { dist: constant, value: 100 }\n  output: { dist: constant, value: 10 }');
    const seqs = await capsim('validate', tempFile('s.yaml', llm), '--set', 'plans.0.backends.0.scheduler={ maxNumSeqs: 1000000000, maxNumBatchedTokens: 1000000000 }');
    expect(seqs.code).toBe(2);
    expect(seqs.stderr).toMatch(/scheduler\.maxNumSeqs: got 1000000000, expected a number <= 65536/);
    const api = 'name: a\nhorizon: 1h\nworkload:\n  arrivals: { process: poisson, rate: 1 }\n  input: { dist: constant, value: 10 }\n  output: { dist: constant, value: 10 }\nplans:\n  - name: a\n    backends: [{ kind: api, model: gpt-4o-mini, outages: { mtbf: 0.000001, mttr: 0.000001 } }]\n';
    const outages = await capsim('validate', tempFile('a.yaml', api));
    expect(outages.code).toBe(2);
    expect(outages.stderr).toMatch(/outages\.mtbf: got 0\.000001, expected .*of at least 1 second/);
  });

  test('--seeds beyond what a scenario file may ask for', async () => {
    const r = await capsim('run', tempFile('s.yaml', SMALL_SCENARIO), '--seeds', '1000000');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--seeds must be a whole number from 1 to 100,000, got "1000000"/);
  });
});

describe('YAML and file-system errors are bad input, in words (exit 2)', () => {
  test('an undefined alias, an anchor that contains itself, an alias bomb, and bad --set values', async () => {
    const cases: [string, RegExp][] = [
      ['name: x\nhorizon: *nothere\n', /is not a usable scenario: Unresolved alias/],
      ['a: &a [*a]\nname: x\n', /an anchor contains an alias to itself/],
      ['a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nname: x\n', /is not a usable scenario: .*alias/i],
    ];
    for (const [text, expected] of cases) {
      const r = await capsim('validate', tempFile('y.yaml', text));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(expected);
    }
    const file = tempFile('s.yaml', SMALL_SCENARIO);
    expect((await capsim('validate', file, '--set', 'horizon=*a')).stderr).toMatch(/--set horizon is not a usable scenario: Unresolved alias/);
    const bracket = await capsim('validate', file, '--set', 'horizon=[');
    expect(bracket.code).toBe(2);
    expect(bracket.stderr).toMatch(/--set horizon: "\[" is not a valid YAML value/);
  });

  test('--out onto a file, under a file, or where nothing can be made; --report onto a folder; checked before the run', async () => {
    const file = tempFile('s.yaml', SMALL_SCENARIO);
    const dir = mkdtempSync(join(tmpdir(), 'capsim-out-'));
    const cases: [string[], RegExp][] = [
      [['--out', file], /--out .*s\.yaml: it is a file, not a folder/],
      [['--out', join(file, 'sub')], /cannot mkdir .*s\.yaml\/sub: a part of the path is a file, not a folder/],
      [['--out', '/proc/capsim-nope'], /cannot mkdir \/proc\/capsim-nope: /],
      [['--report', dir], /is a folder, not a file to write/],
    ];
    for (const [flags, expected] of cases) {
      const r = await capsim('run', file, '--seeds', '1', ...flags);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(expected);
      expect(r.stdout).toBe('');
    }
  });
});

describe('messages stay readable', () => {
  test('long values are cut, control characters escaped, long lists of problems capped', async () => {
    const long = await capsim('validate', tempFile('s.yaml', SMALL_SCENARIO), '--set', `name=${'x'.repeat(100_000)}`, '--set', 'horizon=[1]');
    expect(long.code).toBe(2);
    expect(long.stderr.length).toBeLessThan(1000);
    const control = await capsim('validate', tempFile('s.yaml', SMALL_SCENARIO), '--set', 'horizon="1\u001b[31mh"');
    expect(control.code).toBe(2);
    expect(control.stderr).not.toContain('\u001b');
    expect(control.stderr).toContain('\\u001b');
    const many = await capsim('validate', tempFile('s.yaml', SMALL_SCENARIO), '--set', `plans=[${Array.from({ length: 200 }, () => '{ x: 1 }').join(', ')}]`);
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/… and \d+ more problems/);
    expect(many.stderr.length).toBeLessThan(5000);
  });

  test('did-you-mean never suggests the word that was typed', async () => {
    const misplaced = await capsim('validate', tempFile('s.yaml', SMALL_SCENARIO.replace('  - name: five\n', '  - name: five\n    horizon: 1h\n')));
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toMatch(/plans\.0\.horizon: got "1h", expected no field named "horizon" here/);
    expect(misplaced.stderr).not.toMatch(/did you mean "horizon"/);
  });
});

describe('draws that would break the model', () => {
  const api = (field: string) =>
    `name: a\nhorizon: 10m\nworkload:\n  arrivals: { process: poisson, rate: 1 }\n  input: { dist: constant, value: 100 }\n  output: { dist: constant, value: 10 }\nplans:\n  - name: a\n    backends: [{ kind: api, model: gpt-4o-mini, ${field} }]\n`;

  test('a time to first token drawn from a normal that goes negative is truncated at zero, and the run balances', async () => {
    const r = await capsim('run', tempFile('a.yaml', api('ttft: { dist: normal, mean: 0.1, sd: 5 }')), '--seeds', '2', '--json', '--workers', '1');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout).plans[0];
    expect(plan.latency.ttft.p50).toBeGreaterThanOrEqual(0);
    expect(plan.requests.arrived.mean).toBe(plan.requests.succeeded.mean + plan.requests.late.mean + plan.requests.failed.mean + plan.requests.inFlight.mean);
  });

  test('a rate that is never positive, a gamma with no variation, an Erlang of a billion: bad input, named', async () => {
    const zero = await capsim('run', tempFile('a.yaml', api('outputTokensPerSecond: { dist: constant, value: 0 }')), '--seeds', '1', '--workers', '1');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/api0\.outputTokensPerSecond: \{"dist":"constant","value":0\} gave 100 draws in a row that are not positive/);
    const gamma = await capsim('validate', tempFile('a.yaml', api('ttft: { dist: gamma, mean: 1, cv: 1e-200 }')));
    expect(gamma.code).toBe(2);
    expect(gamma.stderr).toMatch(/ttft\.cv: got 1e-200, expected a number >= 0\.001/);
    const erlang = await capsim('validate', tempFile('a.yaml', api('ttft: { dist: erlang, k: 1000000000, mean: 1 }')));
    expect(erlang.code).toBe(2);
    expect(erlang.stderr).toMatch(/ttft\.k: got 1000000000, expected a number <= 10000/);
  });
});

describe('numbers at the edges', () => {
  test('--seed empty or beyond 10^15 is refused; a price catalog entry with a negative price is not a price', async () => {
    const file = tempFile('s.yaml', SMALL_SCENARIO);
    for (const seed of ['', '9007199254740993']) {
      const r = await capsim('run', file, '--seed', seed, '--seeds', '1');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--seed must be a whole number from 0 to 1,000,000,000,000,000/);
    }
    const catalog = tempFile('prices.json', JSON.stringify({ 'free-model': { input_cost_per_token: -0.001, output_cost_per_token: 0.000001 }, 'ok-model': { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 } }));
    const prices = await capsim('prices', '--prices', catalog, '--json');
    expect(JSON.parse(prices.stdout).models.map((m: { model: string }) => m.model)).toEqual(['ok-model']);
  });
});

describe('the terminal answer', () => {
  test('the default scenario fits 100 columns (plans split into groups), and no number prints in scientific notation', async () => {
    const r = await capsim('run', '--seeds', '3', '--set', 'horizon=6h', '--quiet');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(100);
    expect(r.stdout).not.toMatch(/\d(\.\d+)?e[-+]\d/);
    // Every plan still appears, with its cost per successful request.
    for (const plan of ['claude-3.5-sonnet', 'gpt-4o-mini', 'llama-70b-2xa100', 'hybrid-8b-plus-sonnet']) expect(r.stdout).toContain(plan);
    expect(r.stdout.match(/COST PER SUCCESSFUL REQUEST/g)).toHaveLength(2);
    expect(r.stdout.replace(/\n +/g, " ")).toMatch(/llama-70b-2xa100: GPU on-demand, NVIDIA A100 SXM4 80GB \$5,009 · engineering \$4,000 · infrastructure \(40% of GPU spend\) \$2,004/);
  });

  test('--format markdown prints Markdown tables, csv one row per plan, json the document', async () => {
    const file = tempFile('small.yaml', SMALL_SCENARIO);
    const md = await capsim('run', file, '--format', 'markdown', '--quiet');
    expect(md.stdout).toMatch(/^\| {2}\| five \|$/m);
    expect(md.stdout).toMatch(/^\| --- \| ---: \|$/m);
    const csv = await capsim('run', file, '--format', 'csv', '--quiet');
    const [header, row, end] = csv.stdout.split('\n');
    expect(header).toMatch(/^name,kind,runs,requests\.arrived\.mean,/);
    expect(row).toMatch(/^five,other,3,/);
    expect(end).toBe('');
    const json = await capsim('run', file, '--format', 'json', '--quiet');
    expect(JSON.parse(json.stdout).plans[0].name).toBe('five');
    expect((await capsim('run', file, '--format', 'yaml')).stderr).toMatch(/--format must be table, markdown, csv or json/);
  });
});
