import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QmpClient, QmpCommandFailed } from './qmp-client';

/** A scripted QMP peer: greets, then hands every parsed command to `answer`. */
async function qmpPeer(
  path: string,
  answer: (command: Record<string, unknown>, socket: Socket) => void,
): Promise<Server> {
  const server = createServer((socket) => {
    socket.write('{"QMP": {"version": {}, "capabilities": []}}\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let at: number;
      while ((at = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        answer(JSON.parse(line) as Record<string, unknown>, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

describe('QmpClient', () => {
  let dir: string;
  let server: Server | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'federa-qmp-'));
  });

  afterEach(async () => {
    server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('negotiates capabilities and pairs answers to commands by id, whatever their order', async () => {
    const held: Array<{ id: unknown; socket: Socket }> = [];
    server = await qmpPeer(join(dir, 'q.sock'), (command, socket) => {
      if (command.execute === 'qmp_capabilities')
        socket.write(`{"return": {}, "id": ${JSON.stringify(command.id)}}\n`);
      else held.push({ id: command.id, socket });
      if (held.length === 2) {
        // answer the second command first
        for (const { id, socket: s } of held.reverse())
          s.write(`{"return": {"for": ${JSON.stringify(id)}}, "id": ${JSON.stringify(id)}}\n`);
      }
    });
    const client = await QmpClient.connect(join(dir, 'q.sock'));
    const [first, second] = await Promise.all([
      client.execute<{ for: string }>('query-status'),
      client.execute<{ for: string }>('query-kvm'),
    ]);
    expect(first.for).not.toBe(second.for);
    expect(first.for < second.for).toBe(true);
    client.close();
  });

  it('rejects with the QMP error class and delivers events with their timestamps', async () => {
    server = await qmpPeer(join(dir, 'q.sock'), (command, socket) => {
      const id = JSON.stringify(command.id);
      if (command.execute === 'qmp_capabilities') socket.write(`{"return": {}, "id": ${id}}\n`);
      else if (command.execute === 'stop') {
        socket.write(
          '{"event": "STOP", "data": {}, "timestamp": {"seconds": 1700000000, "microseconds": 250000}}\n',
        );
        socket.write(`{"return": {}, "id": ${id}}\n`);
      } else socket.write(`{"error": {"class": "CommandNotFound", "desc": "nope"}, "id": ${id}}\n`);
    });
    const client = await QmpClient.connect(join(dir, 'q.sock'));
    const stopped = client.nextEvent('STOP', 1_000);
    await client.execute('stop');
    expect((await stopped).atMs).toBe(1_700_000_000_250);
    const failing = client.execute('no-such-command');
    await expect(failing).rejects.toBeInstanceOf(QmpCommandFailed);
    await expect(failing).rejects.toThrow('CommandNotFound: nope');
    client.close();
  });

  it('treats the socket closing as the answer to quit, and as a failure of anything else', async () => {
    server = await qmpPeer(join(dir, 'q.sock'), (command, socket) => {
      if (command.execute === 'qmp_capabilities')
        socket.write(`{"return": {}, "id": ${JSON.stringify(command.id)}}\n`);
      else if (command.execute === 'quit') socket.destroy();
    });
    const client = await QmpClient.connect(join(dir, 'q.sock'));
    const pending = client.execute('query-status');
    await expect(client.execute('quit')).resolves.toEqual({});
    await expect(pending).rejects.toThrow('connection closed');
    expect(client.isOpen).toBe(false);
  });
});
