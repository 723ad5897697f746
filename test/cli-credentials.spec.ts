import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialsCommand } from '../cli/src/commands/credentials';

/** Runs `federa credentials ...args` in this process: what it printed, and its exit code. */
async function credentials(...args: string[]): Promise<{ printed: string; exitCode: number }> {
  const printed: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  const previous = process.exitCode;
  process.exitCode = 0;
  try {
    await credentialsCommand()
      .exitOverride()
      .parseAsync(['node', 'credentials', ...args]);
    return { printed: printed.join(''), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = previous;
  }
}

describe('federa credentials', () => {
  let root: string;
  let dir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'federa-credentials-'));
    dir = join(root, 'creds');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('init writes a private seed per service and listed host, the identities and the server block', async () => {
    const { exitCode } = await credentials(
      'init',
      '--dir',
      dir,
      '--hosts',
      'h1,h2',
      '--subject-prefix',
      'acme',
    );
    expect(exitCode).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'agent-h1.nk',
        'agent-h2.nk',
        'service-gateway.nk',
        'service-relay.nk',
        'identities.json',
        'nats-auth.conf',
      ]),
    );
    expect(statSync(join(dir, 'agent-h1.nk')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'agent-h1.nk'), 'utf8')).toMatch(
      /^# federa bus identity: agent:h1\nSU[A-Z2-7]{56}\n$/,
    );
    const identities = JSON.parse(readFileSync(join(dir, 'identities.json'), 'utf8'));
    expect(identities.subjectPrefix).toBe('acme');
    const block = readFileSync(join(dir, 'nats-auth.conf'), 'utf8');
    const h1 = identities.identities.find((i: { name: string }) => i.name === 'h1');
    expect(block).toContain(h1.publicKey);
    expect(block).toContain('"acme.agent.h1.heartbeat"');
    // The seeds stay in the directory: the server's block holds public keys only.
    expect(block).not.toMatch(/SU[A-Z2-7]{56}/);
  });

  it('revoke removes the identity and its seed from the block', async () => {
    await credentials('init', '--dir', dir, '--hosts', 'h1');
    const publicKey = JSON.parse(
      readFileSync(join(dir, 'identities.json'), 'utf8'),
    ).identities.find((i: { name: string }) => i.name === 'h1').publicKey;
    expect((await credentials('revoke', 'agent', 'h1', '--dir', dir)).exitCode).toBe(0);
    expect(existsSync(join(dir, 'agent-h1.nk'))).toBe(false);
    expect(readFileSync(join(dir, 'nats-auth.conf'), 'utf8')).not.toContain(publicKey);
  });

  it('issue gives a reader a seed of its own', async () => {
    await credentials('init', '--dir', dir);
    expect((await credentials('issue', 'reader', 'billing', '--dir', dir)).exitCode).toBe(0);
    expect(readFileSync(join(dir, 'reader-billing.nk'), 'utf8')).toContain('reader:billing');
  });

  it.each([
    [['issue', 'admin', 'x'], '<kind>'],
    [['issue', 'service', 'billing'], '<name>'],
    [['issue', 'agent', 'H1.evil'], '<name>'],
    [['revoke', 'agent', 'nobody'], '<name>'],
  ])('refuses %j naming %s, with exit code 2, and writes nothing', async (args, named) => {
    await credentials('init', '--dir', dir);
    const before = Object.fromEntries(
      readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
    );
    const { printed, exitCode } = await credentials(...args, '--dir', dir);
    expect(exitCode).toBe(2);
    expect(printed).toContain(`error: ${named}: `);
    const after = Object.fromEntries(
      readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
    );
    expect(after).toEqual(before);
  });

  it('refuses a bad host list or prefix at init, and a directory never initialised, writing nothing', async () => {
    expect(await credentials('init', '--dir', dir, '--hosts', 'h1,bad host')).toMatchObject({
      exitCode: 2,
      printed: expect.stringContaining('--hosts'),
    });
    expect(await credentials('init', '--dir', dir, '--subject-prefix', 'a.b')).toMatchObject({
      exitCode: 2,
      printed: expect.stringContaining('--subject-prefix'),
    });
    expect(await credentials('render', '--dir', dir)).toMatchObject({
      exitCode: 2,
      printed: expect.stringContaining('--dir'),
    });
    expect(existsSync(dir)).toBe(false);
  });
});
