/**
 * The simulated traffic as a request file, so the same workload can be sent to a real
 * server: one JSON line per request of one run (the seed's arrivals and lengths, exactly
 * those the simulation sees), with
 * - `timestamp` (milliseconds from the start), `input_length`, `output_length`: the
 *   Mooncake trace layout, which capsim itself replays (`trace: { file, format: mooncake }`;
 *   a replay counts time from the first row, so it starts that row's offset earlier);
 * - `prompt`, `prompt_tokens_count`, `output_tokens_count`: a JSONL dataset for GuideLLM
 *   (`--data FILE --data-args '{"prompt_tokens_count_column": "prompt_tokens_count",
 *   "output_tokens_count_column": "output_tokens_count"}'`) and, by its `prompt`, for
 *   `vllm bench serve --dataset-name custom` (which takes one output length for all, given
 *   by `--custom-output-len`);
 * - `class`: the request's class.
 * The prompt is filler text of about `prompt_tokens_count` tokens ("the" repeated: one
 * token in the Llama and GPT tokenizers); the counts, not the text, are what the tools
 * take the lengths from.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { scenarioForRun, type Scenario } from '../scenario/index.js';
import { makeRequestSource, workloadClasses, type ArrivalRecord } from '../workload/index.js';

export interface ExportedTrace {
  readonly requests: number;
  readonly seed: number;
}

export function exportTrace(central: Scenario, seed: number, path: string): ExportedTrace {
  const { scenario } = scenarioForRun(central, seed);
  const classes = workloadClasses(scenario.workload).map((c) => c.name);
  const source = makeRequestSource(scenario.workload, { seed, horizon: scenario.horizon, baseDir: scenario.context.baseDir });
  const r: ArrivalRecord = { time: 0, input: 0, output: 0, classId: 0 };
  const fd = openSync(path, 'w');
  let requests = 0;
  let lines: string[] = [];
  const flush = () => {
    if (lines.length > 0) writeSync(fd, lines.join(''));
    lines = [];
  };
  try {
    while (source.next(r) && r.time < scenario.horizon) {
      lines.push(
        JSON.stringify({
          timestamp: Math.round(r.time * 1e6) / 1e3,
          input_length: r.input,
          output_length: r.output,
          prompt: 'the '.repeat(r.input).trimEnd(),
          prompt_tokens_count: r.input,
          output_tokens_count: r.output,
          class: classes[r.classId] ?? 'default',
        }) + '\n',
      );
      requests++;
      if (lines.length >= 1000) flush();
    }
    flush();
  } finally {
    source.close();
    closeSync(fd);
  }
  return { requests, seed };
}
