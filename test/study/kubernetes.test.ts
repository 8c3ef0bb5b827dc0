/**
 * The Kubernetes manifests (deploy/kubernetes/): an Indexed Job whose pods each run one
 * shard, and a merge Job. No cluster here, so the test checks the manifests' shape and runs
 * the pods' own shell commands locally, one per completion index, as the kubelet would; the
 * merged folder must equal an unsharded sweep's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { expect, test } from 'vitest';
import { SMALL_SCENARIO, tempFile } from '../support/cli.js';

const main = join(process.cwd(), 'dist', 'cli', 'main.js');
const dir = join(process.cwd(), 'deploy', 'kubernetes');

interface Container {
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
}
const manifest = (name: string) => parseAllDocuments(readFileSync(join(dir, name), 'utf8')).map((d) => d.toJS());
const container = (job: { spec: { template: { spec: { containers: Container[] } } } }) => job.spec.template.spec.containers[0]!;
const envOf = (c: Container) => Object.fromEntries(c.env.map((e) => [e.name, e.value]));

test('the shard job is an Indexed Job whose SHARDS matches its completions and parallelism', () => {
  const [job] = manifest('capsim-shards-job.yaml');
  expect(job.kind).toBe('Job');
  expect(job.spec.completionMode).toBe('Indexed');
  const env = envOf(container(job));
  expect(Number(env['SHARDS'])).toBe(job.spec.completions);
  expect(job.spec.parallelism).toBe(job.spec.completions);
  expect(container(job).args[0]).toContain('$JOB_COMPLETION_INDEX/$SHARDS');
  const [merge] = manifest('capsim-merge-job.yaml');
  expect(merge.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe(job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName);
  expect(manifest('capsim-results-pvc.yaml')[0].spec.accessModes).toEqual(['ReadWriteMany']);
});

test.runIf(existsSync(main))("the pods' commands, run once per completion index, then the merge's, give the unsharded sweep byte for byte", () => {
  const file = tempFile('small.yaml', SMALL_SCENARIO);
  const study = `sweep ${file} --param workload.arrivals.rate=2..4:3 --seeds 2`;
  const results = mkdtempSync(join(tmpdir(), 'capsim-k8s-'));
  const capsim = `${process.execPath} ${main}`;
  const [job] = manifest('capsim-shards-job.yaml');
  const shards = Number(envOf(container(job))['SHARDS']);
  const pod = (c: Container, extra: Record<string, string>) => {
    const r = spawnSync(c.command[0]!, [...c.command.slice(1), ...c.args], { encoding: 'utf8', env: { ...process.env, ...envOf(c), CAPSIM: capsim, RESULTS: results, ...extra } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  };
  for (let i = 0; i < shards; i++) pod(container(job), { STUDY: study, JOB_COMPLETION_INDEX: String(i) });
  // A pod that Kubernetes retries resumes its folder and changes nothing.
  pod(container(job), { STUDY: study, JOB_COMPLETION_INDEX: '0' });
  pod(container(manifest('capsim-merge-job.yaml')[0]), {});
  const whole = mkdtempSync(join(tmpdir(), 'capsim-unsharded-'));
  expect(spawnSync(process.execPath, [main, ...study.split(' '), '--out', whole, '--quiet']).status).toBe(0);
  for (const name of ['results.json', 'sweep.csv', 'runs.csv', 'cells.jsonl', 'study.json']) {
    expect(readFileSync(join(results, 'merged', name), 'utf8'), name).toBe(readFileSync(join(whole, name), 'utf8'));
  }
});
