import { freePort, itWhen, natsServerBinary, testServerUrl } from '@federa/testing';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { chooseNats, choosePostgres } from '../cli/src/up/backend-probes';
import { waitUntil, portAnswers } from '../cli/src/up/port-answers';

const sharedNatsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

/** A TCP server on a free local port that answers every connection with an HTTP error. */
async function squatter(): Promise<{ server: Server; port: number }> {
  // Closes each connection itself: a client that keeps its end open must not keep the server up.
  const server = createServer((socket) =>
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n', () => socket.destroy()),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('the backend probes of federa up', () => {
  it('use the PostgreSQL and the NATS that work', async () => {
    await expect(choosePostgres(testServerUrl(), true)).resolves.toMatchObject({ kind: 'use' });
    await expect(chooseNats(sharedNatsUrl, true)).resolves.toMatchObject({ kind: 'use' });
  });

  it('start a server of their own on exactly the free port a URL names, localhost included', async () => {
    const port = await freePort();
    await expect(
      choosePostgres(`postgres://postgres@127.0.0.1:${port}/federa`, true),
    ).resolves.toEqual(expect.objectContaining({ kind: 'start', host: '127.0.0.1', port }));
    await expect(chooseNats(`nats://localhost:${port}`, true)).resolves.toEqual(
      expect.objectContaining({ kind: 'start', host: '127.0.0.1', port, instead: false }),
    );
  });

  it('refuse a set URL whose port something else answers on, and move an unset default away from it', async () => {
    const { server, port } = await squatter();
    try {
      const named = await choosePostgres(`postgres://postgres@127.0.0.1:${port}/federa`, true);
      expect(named.kind).toBe('fail');
      expect((named as { error: string }).error).toContain(
        `FEDERA_DATABASE_URL names 127.0.0.1:${port}, where something that is not a usable PostgreSQL answers`,
      );
      const unset = await chooseNats(`nats://127.0.0.1:${port}`, false);
      expect(unset).toMatchObject({ kind: 'start', port: undefined, instead: true });
      expect((unset as { why: string }).why).toContain('the NATS handshake failed');
    } finally {
      await close(server);
    }
  });

  it('refuse a set URL of a host that is not this machine', async () => {
    // 192.0.2.0/24 is reserved for documentation: never an address of this machine.
    const choice = await choosePostgres('postgres://postgres@192.0.2.7:5432/federa', true);
    expect(choice.kind).toBe('fail');
    expect((choice as { error: string }).error).toContain('not an address of this machine');
  });

  it('refuses an unparsable URL, naming its variable', async () => {
    await expect(choosePostgres('not a url', true)).rejects.toThrow(
      'FEDERA_DATABASE_URL is not a URL: "not a url"',
    );
  });

  itWhen(natsServerBinary() ? undefined : 'nats-server is not installed')(
    'refuse a NATS without JetStream, saying so',
    async () => {
      const port = await freePort();
      const server = spawn(natsServerBinary() as string, ['-a', '127.0.0.1', '-p', String(port)], {
        stdio: 'ignore',
      });
      try {
        await waitUntil(
          () => portAnswers('127.0.0.1', port),
          10_000,
          'nats-server does not answer',
        );
        const choice = await chooseNats(`nats://127.0.0.1:${port}`, true);
        expect(choice.kind).toBe('fail');
        expect((choice as { error: string }).error).toContain('it answers without JetStream');
      } finally {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
    },
  );
});
