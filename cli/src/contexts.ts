import { ErrorCodes, FederaError } from '@federa/contracts';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { stateDir } from './dist-root';

/** One Federa the CLI may talk to: its API's URL and the token to call it with. */
export interface FederaContext {
  api?: string;
  token?: string;
}

/** `~/.config/federa/config.yaml`: named contexts and the one used when `--context` is not given. */
export interface ContextsFile {
  currentContext?: string;
  contexts: Record<string, FederaContext>;
}

/** Where the API is and who calls it, as a command resolves them. */
export interface ApiTarget {
  baseUrl: string;
  token: string | undefined;
}

/** The flags of a command that calls the API. */
export interface ApiTargetFlags {
  api?: string;
  token?: string;
  context?: string;
}

const contextNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** `$XDG_CONFIG_HOME/federa/config.yaml`, else `~/.config/federa/config.yaml`. */
export function contextsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'federa', 'config.yaml');
}

/**
 * The contexts file, empty when there is none. A file others may read is refused (it holds tokens),
 * as is one that is not YAML of the expected shape: the error names the file and what is wrong.
 */
export function readContexts(path: string): ContextsFile {
  if (!existsSync(path)) return { contexts: emptyContexts() };
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw configError(
      path,
      `it holds API tokens and others may read it (mode ${mode.toString(8).padStart(4, '0')}): chmod 600 ${path}`,
    );
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw configError(path, `not YAML (${error instanceof Error ? error.message : String(error)})`);
  }
  return contextsOf(parsed ?? {}, path);
}

/** The file's content checked: `currentContext` a string, `contexts` a map of `{ api?, token? }`. */
export function contextsOf(value: unknown, path: string): ContextsFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw configError(path, 'must be a map with contexts and currentContext');
  const { currentContext, contexts = {}, ...unknown } = value as Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length > 0) throw configError(path, `${extra[0]}: unknown key`);
  if (currentContext !== undefined && typeof currentContext !== 'string')
    throw configError(path, 'currentContext: must be a context name');
  if (typeof contexts !== 'object' || contexts === null || Array.isArray(contexts))
    throw configError(path, 'contexts: must be a map of names to { api, token }');
  const checked = emptyContexts();
  for (const [name, context] of Object.entries(contexts as Record<string, unknown>)) {
    if (typeof context !== 'object' || context === null || Array.isArray(context))
      throw configError(path, `contexts.${name}: must be a map with api and token`);
    const { api, token, ...rest } = context as Record<string, unknown>;
    const more = Object.keys(rest);
    if (more.length > 0) throw configError(path, `contexts.${name}.${more[0]}: unknown key`);
    for (const [key, field] of Object.entries({ api, token }))
      if (field !== undefined && (typeof field !== 'string' || field === ''))
        throw configError(path, `contexts.${name}.${key}: must be a non-empty string`);
    checked[name] = {
      ...(api !== undefined ? { api: api as string } : {}),
      ...(token !== undefined ? { token: token as string } : {}),
    };
  }
  return { ...(currentContext !== undefined ? { currentContext } : {}), contexts: checked };
}

/** A map of contexts with no inherited keys: `constructor` or `toString` is not a context. */
function emptyContexts(): Record<string, FederaContext> {
  return Object.create(null) as Record<string, FederaContext>;
}

/**
 * Writes the contexts file with mode 0600 (its directory 0700), whatever the umask or the mode of
 * the file it replaces. It is written beside it, then renamed over it, so a command reading it at
 * the same moment sees the old file or the new one, never a part of one.
 */
export function writeContexts(path: string, file: ContextsFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, stringify({ ...file, contexts: { ...file.contexts } }), {
      mode: 0o600,
      flag: 'wx',
    });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** A context name as `--context` and `federa config` take it, or an error naming the flag. */
export function checkedContextName(name: string, flag = '--context'): string {
  if (!contextNamePattern.test(name))
    throw new FederaError(
      ErrorCodes.validation,
      `${flag}: a context name is 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  return name;
}

/**
 * Where a command calls the API. The URL is taken from the first of: `--api`, the `api` of the
 * context `--context` names, FEDERA_API_URL, the `api` of the file's `currentContext`, then
 * `http://127.0.0.1:${FEDERA_HTTP_PORT:-8080}`. The token is `--token` when given; otherwise it
 * comes from the same place as the URL, so that a token is never sent to a URL from elsewhere:
 * with `--api` or FEDERA_API_URL, FEDERA_API_TOKEN (else none); with a context, that context's
 * `token`; with the local default, FEDERA_API_TOKEN, else `./.federa/token` (the local plane's).
 * The contexts file is read only when a value is taken from it, so a command given `--api` is
 * never stopped by a problem of that file. A context that is asked for must exist and hold an
 * `api` (and a `token` unless `--token` is given); every failure names the setting (exit 2).
 */
export function resolveApiTarget(
  flags: ApiTargetFlags,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): ApiTarget {
  if (flags.api !== undefined && flags.context !== undefined)
    throw new FederaError(
      ErrorCodes.validation,
      '--api: --api and --context each name an API; give only one of them',
    );
  if (flags.api !== undefined)
    return {
      baseUrl: checkedApiUrl(flags.api, '--api'),
      token: flags.token || env.FEDERA_API_TOKEN || undefined,
    };
  if (flags.context === undefined && env.FEDERA_API_URL)
    return {
      baseUrl: checkedApiUrl(env.FEDERA_API_URL, 'FEDERA_API_URL'),
      token: flags.token || env.FEDERA_API_TOKEN || undefined,
    };
  const path = contextsPath(env);
  const named = flags.context !== undefined ? checkedContextName(flags.context) : undefined;
  const file = named !== undefined || existsSync(path) ? readContexts(path) : { contexts: {} };
  const name = named ?? file.currentContext;
  if (name === undefined)
    return {
      baseUrl: `http://127.0.0.1:${env.FEDERA_HTTP_PORT || 8080}`,
      token: flags.token || env.FEDERA_API_TOKEN || readTokenFile(cwd),
    };
  const context = contextNamed(file, name);
  if (context === undefined)
    throw new FederaError(
      ErrorCodes.validation,
      named !== undefined
        ? `--context: no context named ${name} in ${path}`
        : `currentContext names ${name}, which is not among the contexts of ${path}`,
    );
  const setting = `contexts.${name}`;
  if (context.api === undefined)
    throw new FederaError(
      ErrorCodes.validation,
      `${setting}.api: not set in ${path}; set it with \`federa config set-context ${name} --url URL\``,
    );
  const token = flags.token || context.token;
  if (token === undefined)
    throw new FederaError(
      ErrorCodes.validation,
      `${setting}.token: not set in ${path}; give --token, or set it with \`federa config set-context ${name} --token TOKEN\``,
    );
  return { baseUrl: checkedApiUrl(context.api, `${setting}.api`), token };
}

/** The context of that name in the file, only when the file holds it (never an inherited key). */
export function contextNamed(file: ContextsFile, name: string): FederaContext | undefined {
  return Object.hasOwn(file.contexts, name) ? file.contexts[name] : undefined;
}

/** An http(s) URL without its trailing slashes, or an error naming the setting that gave it. */
export function checkedApiUrl(value: string, setting: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FederaError(ErrorCodes.validation, `${setting}: not a URL (${value})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FederaError(
      ErrorCodes.validation,
      `${setting}: must be an http:// or https:// URL (${value})`,
    );
  return value.replace(/\/+$/, '');
}

function readTokenFile(cwd: string): string | undefined {
  const file = join(stateDir(cwd), 'token');
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').trim() || undefined;
}

function configError(path: string, reason: string): FederaError {
  return new FederaError(ErrorCodes.validation, `${path}: ${reason}`);
}
