import {
  chmodSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  contextNamed,
  contextsPath,
  readContexts,
  resolveApiTarget,
  writeContexts,
} from './contexts';

describe('contexts', () => {
  let home: string;
  let cwd: string;
  let env: NodeJS.ProcessEnv;
  const path = () => contextsPath(env);

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'federa-contexts-'));
    cwd = join(home, 'work');
    mkdirSync(join(cwd, '.federa'), { recursive: true });
    env = { HOME: home };
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const withContexts = () =>
    writeContexts(path(), {
      currentContext: 'prod',
      contexts: {
        prod: { api: 'https://federa.example', token: 'prod-token' },
        lab: { api: 'http://lab:8080', token: 'lab-token' },
        bare: {},
      },
    });

  it('lives in ~/.config/federa/config.yaml, or under XDG_CONFIG_HOME', () => {
    expect(contextsPath({ HOME: '/home/ada' })).toBe('/home/ada/.config/federa/config.yaml');
    expect(contextsPath({ HOME: '/home/ada', XDG_CONFIG_HOME: '/cfg' })).toBe(
      '/cfg/federa/config.yaml',
    );
  });

  it('is written with mode 0600 whatever the umask, replacing a file of a wider mode', () => {
    const umask = process.umask(0);
    try {
      mkdirSync(join(home, '.config', 'federa'), { recursive: true });
      writeFileSync(path(), 'contexts: {}\n', { mode: 0o666 });
      chmodSync(path(), 0o666);
      withContexts();
    } finally {
      process.umask(umask);
    }
    expect(statSync(path()).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(home, '.config', 'federa'))).toEqual(['config.yaml']);
    expect(readContexts(path()).contexts.lab).toEqual({
      api: 'http://lab:8080',
      token: 'lab-token',
    });
  });

  it('is refused when others may read it, or when it has an unknown key, naming the file', () => {
    withContexts();
    chmodSync(path(), 0o644);
    expect(() => readContexts(path())).toThrow(/others may read it \(mode 0644\): chmod 600/);
    chmodSync(path(), 0o600);
    writeFileSync(path(), 'contexts: { a: { url: x } }\n');
    expect(() => readContexts(path())).toThrow(`${path()}: contexts.a.url: unknown key`);
  });

  it('is not read when the flags or the environment give the URL, so a readable file stops nothing', () => {
    withContexts();
    chmodSync(path(), 0o644);
    expect(resolveApiTarget({ api: 'http://flag:1', token: 't' }, env, cwd)).toEqual({
      baseUrl: 'http://flag:1',
      token: 't',
    });
    expect(resolveApiTarget({}, { ...env, FEDERA_API_URL: 'http://env:2' }, cwd).baseUrl).toBe(
      'http://env:2',
    );
    expect(() => resolveApiTarget({}, env, cwd)).toThrow(/chmod 600/);
  });

  it('takes the URL from --api, --context, the environment, the current context, then the default', () => {
    withContexts();
    writeFileSync(join(cwd, '.federa', 'token'), 'file-token\n');
    const fromEnv = { ...env, FEDERA_API_URL: 'http://env:2', FEDERA_API_TOKEN: 'env-token' };
    expect(resolveApiTarget({ api: 'http://flag:1/', token: 'flag-token' }, fromEnv, cwd)).toEqual({
      baseUrl: 'http://flag:1',
      token: 'flag-token',
    });
    expect(resolveApiTarget({ context: 'lab' }, fromEnv, cwd)).toEqual({
      baseUrl: 'http://lab:8080',
      token: 'lab-token',
    });
    expect(resolveApiTarget({}, fromEnv, cwd)).toEqual({
      baseUrl: 'http://env:2',
      token: 'env-token',
    });
    expect(resolveApiTarget({}, { ...env, FEDERA_API_TOKEN: 'env-token' }, cwd)).toEqual({
      baseUrl: 'https://federa.example',
      token: 'prod-token',
    });
    expect(resolveApiTarget({ context: 'lab', token: 'flag-token' }, env, cwd)).toEqual({
      baseUrl: 'http://lab:8080',
      token: 'flag-token',
    });
  });

  it("never sends a context's token or ./.federa/token to a URL that came from elsewhere", () => {
    withContexts();
    writeFileSync(join(cwd, '.federa', 'token'), 'file-token\n');
    expect(resolveApiTarget({ api: 'http://other:1' }, env, cwd)).toEqual({
      baseUrl: 'http://other:1',
      token: undefined,
    });
    expect(resolveApiTarget({}, { ...env, FEDERA_API_URL: 'http://other:1' }, cwd).token).toBe(
      undefined,
    );
    expect(
      resolveApiTarget({ api: 'http://other:1' }, { ...env, FEDERA_API_TOKEN: 'env-token' }, cwd),
    ).toEqual({ baseUrl: 'http://other:1', token: 'env-token' });
    expect(() => resolveApiTarget({ api: 'http://other:1', context: 'lab' }, env, cwd)).toThrow(
      /^--api: --api and --context/,
    );
  });

  it('refuses a context without a token or an API, naming the setting, unless --token gives it', () => {
    writeFileSync(join(cwd, '.federa', 'token'), 'file-token\n');
    writeContexts(path(), {
      currentContext: 'remote',
      contexts: { remote: { api: 'https://remote.example' }, bare: {} },
    });
    expect(() => resolveApiTarget({}, env, cwd)).toThrow(
      /^contexts\.remote\.token: not set .*--token/,
    );
    expect(resolveApiTarget({ token: 'given' }, env, cwd)).toEqual({
      baseUrl: 'https://remote.example',
      token: 'given',
    });
    expect(() => resolveApiTarget({ context: 'bare' }, env, cwd)).toThrow(
      /^contexts\.bare\.api: not set/,
    );
  });

  it('refuses a URL that is not http(s), naming where it came from', () => {
    expect(() => resolveApiTarget({ api: 'not-a-url' }, env, cwd)).toThrow(/^--api: not a URL/);
    expect(() => resolveApiTarget({}, { ...env, FEDERA_API_URL: 'ftp://x' }, cwd)).toThrow(
      /^FEDERA_API_URL: must be an http/,
    );
    writeContexts(path(), { contexts: { odd: { api: 'lab:8080', token: 't' } } });
    expect(() => resolveApiTarget({ context: 'odd' }, env, cwd)).toThrow(
      /^contexts\.odd\.api: must be an http/,
    );
  });

  it('finds no context named like an inherited property (constructor, toString)', () => {
    withContexts();
    const file = readContexts(path());
    expect(contextNamed(file, 'constructor')).toBeUndefined();
    expect(contextNamed(file, 'lab')).toEqual({ api: 'http://lab:8080', token: 'lab-token' });
    expect(() => resolveApiTarget({ context: 'toString' }, env, cwd)).toThrow(
      '--context: no context named toString',
    );
  });

  it('uses ./.federa/token and the local gateway without a contexts file', () => {
    writeFileSync(join(cwd, '.federa', 'token'), 'file-token\n');
    expect(resolveApiTarget({}, env, cwd)).toEqual({
      baseUrl: 'http://127.0.0.1:8080',
      token: 'file-token',
    });
  });

  it('refuses a context the file does not hold, naming it', () => {
    expect(() => resolveApiTarget({ context: 'nope' }, env, cwd)).toThrow(
      `--context: no context named nope in ${path()}`,
    );
    writeContexts(path(), { currentContext: 'gone', contexts: {} });
    expect(() => resolveApiTarget({}, env, cwd)).toThrow(/currentContext names gone/);
  });
});
