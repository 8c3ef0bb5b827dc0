import { describe, expect, test } from 'vitest';
import { applyOverride, InputError, parseScenario, ScenarioError } from '../../src/scenario/index.js';
import { SMALL_SCENARIO } from '../support/cli.js';
import { fleetOf } from '../support/scenarios.js';

function problemsOf(text: string, overrides: string[] = []) {
  try {
    parseScenario(text, 'x.yaml', { overrides });
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

describe('parseScenario', () => {
  test('durations become seconds and defaults are filled', () => {
    const s = parseScenario(SMALL_SCENARIO, 'x.yaml');
    expect(s.horizon).toBe(1800);
    expect(s.warmup).toBe(60);
    expect(s.seed).toBe(1);
    expect(fleetOf(s).queue).toEqual({ capacity: 20, timeout: 30 });
  });

  test('JSON is read as well as YAML', () => {
    const s = parseScenario(
      JSON.stringify({ name: 'j', horizon: 60, workload: { arrivals: { process: 'poisson', rate: 1 } }, plans: [{ name: 'a', backends: [{ kind: 'fleet', replicas: 1, service: { dist: 'constant', value: 0.5 } }] }] }),
      'x.json',
    );
    expect(s.horizon).toBe(60);
  });

  test('overrides set nested fields and list items, read as YAML values', () => {
    const s = parseScenario(SMALL_SCENARIO, 'x.yaml', { overrides: ['workload.arrivals.rate=9.5', 'plans.0.backends.0.replicas=12', 'horizon=2h'] });
    expect(s.workload.arrivals!.rate).toBe(9.5);
    expect(fleetOf(s).replicas).toBe(12);
    expect(s.horizon).toBe(7200);
  });

  test('an unknown field is named with a did-you-mean', () => {
    const p = problemsOf(SMALL_SCENARIO.replace('replicas: 5', 'replica: 5')).find((x) => x.path.endsWith('replica'));
    expect(p).toMatchObject({ path: 'plans.0.backends.0.replica', value: 5 });
    expect(p!.expected).toContain('did you mean "replicas"');
  });

  test('a wrong type names the path, the value and the type expected', () => {
    const problems = problemsOf(SMALL_SCENARIO.replace('replicas: 5', 'replicas: five'));
    expect(problems).toContainEqual({ path: 'plans.0.backends.0.replicas', value: 'five', expected: 'a number' });
  });

  test('a zero or negative rate is refused', () => {
    expect(problemsOf(SMALL_SCENARIO, ['workload.arrivals.rate=0'])).toEqual([{ path: 'workload.arrivals.rate', value: 0, expected: 'a number > 0' }]);
    expect(problemsOf(SMALL_SCENARIO, ['workload.arrivals.rate=-3'])[0]!.value).toBe(-3);
  });

  test('missing plans, or an empty list of plans, is refused', () => {
    const without = SMALL_SCENARIO.slice(0, SMALL_SCENARIO.indexOf('plans:'));
    expect(problemsOf(without)).toEqual([{ path: 'plans', value: undefined, expected: 'a value (a list is required)' }]);
    expect(problemsOf(without + 'plans: []\n')).toEqual([{ path: 'plans', value: [], expected: 'a list with at least 1 item' }]);
  });

  test('a bad duration says what a duration looks like', () => {
    const [p] = problemsOf(SMALL_SCENARIO.replace('horizon: 30m', 'horizon: 30 minutes'));
    expect(p!.path).toBe('horizon');
    expect(p!.expected).toMatch(/90s, 15m, 3h, 30d/);
  });

  test('an unknown distribution or backend kind lists the known ones', () => {
    const [p] = problemsOf(SMALL_SCENARIO.replace('dist: exponential', 'dist: expo'));
    expect(p).toMatchObject({ path: 'plans.0.backends.0.service.dist', value: 'expo' });
    expect(p!.expected).toContain('"exponential"');
    const [k] = problemsOf(SMALL_SCENARIO.replace('kind: fleet', 'kind: gpu'));
    expect(k!.expected).toContain('"fleet"');
  });

  test('a warmup as long as the horizon is refused', () => {
    expect(problemsOf(SMALL_SCENARIO, ['warmup=30m'])[0]!.path).toBe('warmup');
  });

  test('malformed YAML names line and column', () => {
    expect(() => parseScenario('name: x\nplans: [\n  - a', 'bad.yaml')).toThrow(/bad\.yaml is not valid YAML or JSON: at line \d+, column \d+/);
  });

  test('a bad override is an input error', () => {
    expect(() => applyOverride({}, 'noequals')).toThrow(InputError);
    expect(() => applyOverride({ horizon: 5 }, 'horizon.x=1')).toThrow(/horizon is 5/);
  });
});
