import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { connect } from 'nats';
import { stringify as yamlText, parse as parseYaml } from 'yaml';
import { ValidationFailed } from '@federa/contracts';
import { uniquePrefix } from '@federa/testing';
import { loadHostConfig } from '../../services/agent/src/config/load-host-config';
import { repoRoot, tempDir } from '../agent-harness';
import { natsUrl } from '../supervision-harness';
import {
  addsNewKey,
  anyJson,
  applyMutation,
  fieldValue,
  fuzz,
  mutatedPaths,
  mutationOf,
  names,
  type Mutation,
} from './fuzz-run';

jest.setTimeout(180_000);

const validYaml = `host: mph-1
site: geneva
securityLevel: 3
layers: [process]
capacity: { cpu: 8, memory: 32Gi, storage: 500Gi, bandwidth: 10Gbps }
costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.10, networkGiB: 0.01 }
features: { ups: true, raid: false }
labels: { rack: r1 }
address: 10.0.0.5
discovery: { bind: 127.0.0.1, port: 7300 }
bandwidth: 1Gbps
`;
const valid: unknown = parseYaml(validYaml);

const dir = tempDir('fuzz-host-config');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNumber = 0;
/** The agent's loader on `text` written to a file: its config, or the ValidationFailed it threw. */
async function load(text: string): Promise<{ ok: true } | { ok: false; error: ValidationFailed }> {
  const file = join(dir, `host-${fileNumber++}.yaml`);
  writeFileSync(file, text);
  try {
    await loadHostConfig(file);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ValidationFailed))
      throw new Error(`loadHostConfig threw ${String(error)} rather than a ValidationFailed`);
    for (const e of error.errors)
      expect(typeof e.path === 'string' && e.reason.length > 0).toBe(true);
    return { ok: false, error };
  } finally {
    rmSync(file, { force: true });
  }
}

/** A key the format does not know, new where it lands, can never be valid (labels take any). */
function mustBeRefused(mutation: Mutation): boolean {
  return mutation.path[0] !== 'labels' && addsNewKey(valid, mutation);
}

const yamlNoise = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'host: ',
        'capacity: ',
        'auto',
        'costs: ',
        'labels: ',
        '&a ',
        '*a',
        '<<: *a',
        '!!binary ',
        '!!timestamp ',
        '!!set ',
        '{',
        '}',
        '[',
        ']',
        ': ',
        '- ',
        '\n',
        '\n  ',
        '---\n',
        '1e400',
        '0x7fffffffffffffffffff',
        '\u202e',
        '\u0000',
        '💥',
        '\t',
      ),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 30 },
  )
  .map((tokens) => tokens.join(''));

describe('fuzz: the agent config file (host.yaml)', () => {
  it('answers every mutation of a valid host.yaml with a ValidationFailed naming the field, and accepts the valid one', async () => {
    expect(await load(validYaml)).toEqual({ ok: true });
    await fuzz(
      'host.yaml: mutated config',
      fc.asyncProperty(mutationOf(valid), async (mutation) => {
        const result = await load(yamlText(applyMutation(valid, mutation)));
        if (result.ok) {
          expect(mustBeRefused(mutation)).toBe(false);
          return;
        }
        const touched = mutatedPaths(mutation);
        const paths = result.error.errors.map((e) => e.path);
        if (!paths.some((p) => touched.some((t) => names(p, t))))
          throw new Error(`no error names ${touched.join(' or ')}: ${result.error.message}`);
      }),
      600,
    );
  });

  it('refuses any JSON value and random YAML text with a ValidationFailed, never another error', async () => {
    await fuzz(
      'host.yaml: arbitrary documents and text',
      fc.asyncProperty(
        fc.oneof(
          anyJson.map((value) => yamlText(value) ?? ''),
          yamlNoise,
          fieldValue.map((value) => JSON.stringify(value) ?? ''),
        ),
        async (text) => {
          const result = await load(text);
          expect(result.ok).toBe(false);
        },
      ),
      600,
    );
  });

  it('refuses a file nested 100,000 deep and an alias bomb at the root, without exhausting the process', async () => {
    const bomb = Array.from(
      { length: 12 },
      (_, i) =>
        `b${i}: &b${i} [${Array(10)
          .fill(i ? `*b${i - 1}` : '*a')
          .join(',')}]`,
    );
    const texts = [
      `host: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
      `host:\n${'- '.repeat(20_000)}x\n`,
      `a: &a [1]\n${bomb.join('\n')}\n`,
    ];
    for (const text of texts) {
      const result = await load(text);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.errors.map((e) => e.path)).toEqual(['']);
    }
    process.stderr.write(`fuzz host.yaml: ${texts.length} hand-picked files, seed -\n`);
  });

  it('exits the real `federa agent --config` with status 2 naming the field, and registers nothing', async () => {
    const prefix = uniquePrefix('fzagent');
    const nc = await connect({ servers: natsUrl });
    const registrations: string[] = [];
    const subscription = nc.subscribe(`${prefix}.>`, {
      callback: (_error, message) => registrations.push(message.subject),
    });
    await nc.flush();
    const cases: Array<{ text: string; field: string }> = [
      { text: validYaml.replace('memory: 32Gi', 'memory: [1, 2]'), field: 'capacity.memory' },
      {
        text: validYaml.replace('securityLevel: 3', 'securityLevel: 1e400'),
        field: 'securityLevel',
      },
      {
        text: validYaml.replace('costs: {', 'costs: [{').replace('0.01 }', '0.01 }]'),
        field: 'costs',
      },
      { text: `${validYaml}constructor: { x: 1 }\n`, field: 'constructor' },
    ];
    try {
      const answers = await Promise.all(cases.map(({ text }) => runAgent(text, prefix)));
      answers.forEach((answer, i) => {
        const { field } = cases[i];
        expect({ field, status: answer.status }).toEqual({ field, status: 2 });
        expect(answer.stderr).toContain(field);
      });
      await nc.flush();
      expect(registrations).toEqual([]);
      process.stderr.write(`fuzz host.yaml: ${cases.length} agent processes, seed -\n`);
    } finally {
      subscription.unsubscribe();
      await nc.close();
    }
  });
});

/** `federa agent --config FILE` against the shared NATS under `prefix`: its exit status and stderr. */
function runAgent(
  config: string,
  prefix: string,
): Promise<{ status: number | null; stderr: string }> {
  const file = join(dir, `agent-${fileNumber++}.yaml`);
  writeFileSync(file, config);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'test', 'agent-cli-child.js'), '--config', file, '--data-dir', dir],
      { env: { ...process.env, FEDERA_NATS_URL: natsUrl, FEDERA_SUBJECT_PREFIX: prefix } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A config that were accepted would start an agent: it is ended, and the case fails on its status.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    // 'close', not 'exit': a process's last stderr may still be in flight when it exits.
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}
