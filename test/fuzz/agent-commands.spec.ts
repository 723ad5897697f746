import fc from 'fast-check';
import { AgentRefusalCodes, ErrorCodes, type CommandReply } from '@federa/contracts';
import { HostAgentFixture, specPayload } from '../../services/agent/src/testing/host-agent-fixture';
import { anyJson, applyMutation, fuzz, mutationOf } from './fuzz-run';

/** One valid command of every type, each the base of its mutations. */
const validCommands: Array<Record<string, unknown>> = [
  { type: 'start', spec: specPayload('web-1') },
  { type: 'stop', instance: 'web-1', graceMs: 1000 },
  { type: 'destroy', instance: 'web-1' },
  { type: 'probe', instance: 'web-1' },
  { type: 'probe-http', instance: 'web-1', path: '/health', timeoutMs: 1000 },
  { type: 'export-data', instance: 'web-1', key: 'web-1/data' },
  { type: 'import-data', spec: specPayload('web-2'), key: 'web-1/data' },
  {
    type: 'migrate-out',
    instance: 'web-1',
    target: { host: 'host-b', uri: 'tcp:127.0.0.1:4444' },
  },
  { type: 'migrate-in', spec: specPayload('web-3') },
  { type: 'resume', instance: 'web-1' },
].map((command, i) => ({ commandId: `cmd-base-${i}`, epoch: 7, ...command }));

const command = fc.oneof(
  fc
    .constantFrom(...validCommands)
    .chain((valid) => mutationOf(valid).map((mutation) => applyMutation(valid, mutation))),
  anyJson,
  fc.constant(undefined),
);

/** What an agent may answer a command it refuses with: the sender's mistake or the host's state. */
const refusalCodes: string[] = [
  ErrorCodes.validation,
  ErrorCodes.notFound,
  ErrorCodes.conflict,
  ...Object.values(AgentRefusalCodes),
];

describe('fuzz: commands to an agent (HostAgent.handleCommand)', () => {
  it('answers every mutated or arbitrary command with a CommandReply, a validation refusal naming each field, never internal', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    await fuzz(
      'agent commands',
      fc.asyncProperty(command, async (body) => {
        const callsBefore = host.layer.calls.length;
        let reply: CommandReply;
        try {
          reply = await host.agent.handleCommand(body);
          await host.agent.settled();
        } catch (error) {
          throw new Error(`handleCommand threw ${String(error)} on ${JSON.stringify(body)}`);
        }
        const what = `${JSON.stringify(body)?.slice(0, 300)} -> ${JSON.stringify(reply).slice(0, 300)}`;
        if (reply.ok) return;
        if (!refusalCodes.includes(reply.error.code))
          throw new Error(`refused as ${reply.error.code}: ${what}`);
        if (!reply.error.message) throw new Error(`a refusal without a message: ${what}`);
        if (reply.error.code === ErrorCodes.validation) {
          const details = reply.error.details as Array<{ path?: unknown; reason?: unknown }>;
          if (details.length === 0) throw new Error(`no field named: ${what}`);
          for (const d of details)
            if (typeof d.path !== 'string' || typeof d.reason !== 'string')
              throw new Error(`a detail without path and reason: ${what}`);
          // A refused command does nothing on the host.
          if (host.layer.calls.length !== callsBefore)
            throw new Error(`refused, yet the layer was called: ${what}`);
        }
      }),
      800,
    );
  });
});
