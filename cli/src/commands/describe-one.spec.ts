import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeOneCommand } from './describe-one';

describe('federa describe <object> KEY', () => {
  let server: Server;
  let api: string;
  const asked: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      asked.push(request.url ?? '');
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ id: 'm 1', state: 'succeeded' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function printedBy(args: string[]): Promise<string> {
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    const previousToken = process.env.FEDERA_API_TOKEN;
    process.env.FEDERA_API_TOKEN = 'describe-test-token';
    try {
      const command = describeOneCommand<{ id: string; state: string }>({
        name: 'migration',
        description: 'a migration',
        argument: ['<id>', 'the migration'],
        path: (id) => `/v1/migrations/${encodeURIComponent(id)}`,
        lines: (m) => [`ID: ${m.id}`, `State: ${m.state}`],
      }).exitOverride();
      await command.parseAsync(['node', 'migration', ...args, '--api', api]);
      return printed.join('');
    } finally {
      write.mockRestore();
      if (previousToken === undefined) delete process.env.FEDERA_API_TOKEN;
      else process.env.FEDERA_API_TOKEN = previousToken;
    }
  }

  it('GETs the object at its path and prints its lines', async () => {
    expect(await printedBy(['m 1'])).toBe('ID: m 1\nState: succeeded\n');
    expect(asked.at(-1)).toBe('/v1/migrations/m%201');
  });

  it('prints the object as JSON with -o json', async () => {
    expect(JSON.parse(await printedBy(['m 1', '-o', 'json']))).toEqual({
      id: 'm 1',
      state: 'succeeded',
    });
  });
});
