import { createConnection } from 'node:net';

/** Result of asking the QEMU guest agent inside the VM whether it answers. */
export type GuestAgentAnswer = { answered: true } | { answered: false; reason: string };

/**
 * Sends `guest-ping` over the VM's guest-agent channel (a virtio-serial port backed by a unix
 * socket). A guest without an agent never answers, so the timeout reports 'no guest agent'.
 */
export function pingGuestAgent(socketPath: string, timeoutMs: number): Promise<GuestAgentAnswer> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    let buffer = '';
    const finish = (answer: GuestAgentAnswer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(
      () => finish({ answered: false, reason: 'no guest agent' }),
      timeoutMs,
    );
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write('{"execute":"guest-ping"}\n'));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.includes('"return"')) finish({ answered: true });
      else if (buffer.includes('"error"')) finish({ answered: false, reason: buffer.trim() });
    });
    socket.on('error', (error) =>
      finish({ answered: false, reason: `guest agent channel: ${error.message}` }),
    );
  });
}
