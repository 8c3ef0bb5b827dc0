/**
 * `capsim trace stats` and `capsim trace fit`: what a request log looks like, and a
 * synthetic workload that reproduces it.
 */
import { basename } from 'node:path';
import { Document, isSeq, visit } from 'yaml';
import { InputError } from '../scenario/index.js';
import { fitWorkload, summarizeTrace, TraceError, type TraceFormat, type TraceSummary } from '../workload/index.js';
import { num, table } from './format.js';

export interface TraceCommandOptions {
  format?: TraceFormat;
  skipBadRows?: boolean;
}

export function readTraceSummary(file: string, opts: TraceCommandOptions): TraceSummary {
  try {
    return summarizeTrace(file, basename(file), { format: opts.format, skipBadRows: opts.skipBadRows });
  } catch (error) {
    if (error instanceof TraceError) throw new InputError(error.message + '.');
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`cannot read trace ${file}: no such file.`);
    throw error;
  }
}

export function renderTraceStats(s: TraceSummary['stats']): string {
  const rows: string[][] = [
    ['rows', num(s.rows)],
    ['span', `${num(s.span_s)} s (${s.span_h} h)`],
    ['mean rate', `${s.mean_rate_rps} requests/s`],
    ['per minute: mean / max / min', `${s.per_min_mean} / ${s.per_min_max} / ${s.per_min_min} (over ${s.full_minutes} full minutes)`],
    ['per minute: peak-to-average, CV', `${s.peak_to_avg_1min}, ${s.per_min_cv}`],
    ['input tokens: mean / p50 / p99 / max', `${s.input_mean} / ${s.input_p50} / ${s.input_p99} / ${s.input_max}`],
    ['output tokens: mean / p50 / p99 / max', `${s.output_mean} / ${s.output_p50} / ${s.output_p99} / ${s.output_max}`],
  ];
  if (s.skipped_rows > 0) rows.push(['bad rows skipped', num(s.skipped_rows)]);
  return `${s.trace}\n\n${table(['figure', 'value'], rows)}`;
}

/** A scenario file around the fitted workload, with comments saying what to change. */
export function renderFittedScenario(file: string, summary: TraceSummary): string {
  const s = summary.stats;
  const scenario = {
    name: `fitted-${basename(file).replace(/\.[^.]+$/, '')}`,
    description: `Synthetic workload fitted to ${basename(file)}: ${s.mean_rate_rps} requests/s, per-minute peak-to-average ${s.peak_to_avg_1min}, input p50/p99 ${s.input_p50}/${s.input_p99}, output p50/p99 ${s.output_p50}/${s.output_p99}`,
    horizon: Math.round(s.full_minutes * 60),
    seeds: 8,
    workload: fitWorkload(summary),
    plans: [{ name: 'api', backends: [{ kind: 'api', model: 'gpt-4o-mini' }] }],
  };
  return (
    `# Written by capsim trace fit from ${basename(file)}.\n` +
    `# arrivals: Poisson at the trace's mean rate, shaped by its per-minute counts (profile.weights,\n` +
    `# repeating every ${s.full_minutes} minutes); input/output: 1,000 quantiles of its token lengths.\n` +
    `# Scale arrivals.rate, extend the horizon, add growth, and replace plans with your own.\n` +
    flowListsYaml(scenario)
  );
}

/** YAML with lists written inline ([1, 2, 3]), so long sample lists stay readable. */
function flowListsYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Seq(_key, node) {
      if (isSeq(node) && node.items.every((item) => typeof (item as { value?: unknown }).value === 'number')) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
