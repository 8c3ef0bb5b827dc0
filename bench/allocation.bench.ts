/**
 * Bytes the engine allocates per request on the hot paths of the three kinds of backend
 * (issue 17: "no allocation per event on the hot paths ... check with a heap profile"):
 * a plain-server M/M/10 fleet, an LLM fleet (4 × Llama-3.1-8B on H100, Azure-like
 * lengths) and an API backend. V8's sampling heap profiler, told to keep the objects minor
 * and major collections freed, counts every allocation of a warmed-up run; the largest
 * sites are printed. Short-lived objects cost little (a scavenge is cheap), but each is work
 * a run repeats per event; most of what is left is doubles boxed as they cross calls V8
 * does not inline (the event loop's handler call).
 *
 *   node dist/bench/allocation.bench.js
 */
import { Session } from 'node:inspector/promises';
import { simulatePlanRun } from '../src/experiment/index.js';
import { validateScenario } from '../src/scenario/index.js';
import { recordBench } from './record.js';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const backends = {
  'plain-servers': { kind: 'fleet', replicas: 10, service: { dist: 'exponential', mean: 1 } },
  'llm-fleet': { kind: 'fleet', replicas: 4, model: 'llama-3.1-8b', gpu: 'h100-sxm' },
  api: { kind: 'api', model: 'gpt-4o-mini' },
} as const;
const rates = { 'plain-servers': 9, 'llm-fleet': 5.53, api: 5.53 } as const;

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');

const figures: Record<string, number> = {};
let totalRequests = 0;
let totalEvents = 0;
let wallSeconds = 0;
for (const [name, backend] of Object.entries(backends) as [keyof typeof backends, (typeof backends)[keyof typeof backends]][]) {
  const lengths = backend.kind === 'fleet' && 'service' in backend ? {} : { input: { dist: 'lognormal', mean: 1155, p99: 4142 }, output: { dist: 'lognormal', mean: 211, p99: 601 } };
  const scenario = validateScenario({ name: `alloc-${name}`, horizon: name === 'plain-servers' ? '6h' : '1h', workload: { arrivals: { process: 'poisson', rate: rates[name] }, ...lengths }, plans: [{ name, backends: [backend] }] }, 'bench');
  // Warm the JIT so the profile sees optimized code, as a long study runs.
  for (let seed = 100; seed < 103; seed++) simulatePlanRun(scenario, 0, seed);
  await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const result = simulatePlanRun(scenario, 0, 1);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
  const sites = new Map<string, number>();
  let bytes = 0;
  const walk = (node: ProfileNode): void => {
    if (node.selfSize > 0) {
      const f = node.callFrame;
      const site = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
      sites.set(site, (sites.get(site) ?? 0) + node.selfSize);
      bytes += node.selfSize;
    }
    node.children.forEach(walk);
  };
  walk(profile.head);
  const requests = result.requests.arrived;
  // The wall time recorded is the same run's without the profiler.
  const start = process.hrtime.bigint();
  simulatePlanRun(scenario, 0, 1);
  wallSeconds += Number(process.hrtime.bigint() - start) / 1e9;
  totalRequests += requests;
  totalEvents += result.events;
  figures[`${name}BytesPerRequest`] = Math.round(bytes / requests);
  figures[`${name}BytesPerEvent`] = Math.round(bytes / result.events);
  const top = [...sites].sort((a, b) => b[1] - a[1]).slice(0, 4);
  process.stdout.write(
    `allocation: ${name}: ${requests.toLocaleString('en-US')} requests, ${(bytes / 1e6).toFixed(1)} MB allocated = ${figures[`${name}BytesPerRequest`]} bytes/request, ${figures[`${name}BytesPerEvent`]} bytes/event; ` +
      `largest: ${top.map(([site, b]) => `${site} ${Math.round(b / requests)} B/req`).join(', ')}\n`,
  );
}
session.disconnect();
recordBench('allocation', { requests: totalRequests, events: totalEvents, wallSeconds, ...figures });
