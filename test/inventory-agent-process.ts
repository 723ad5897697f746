/**
 * A stand-in agent as a process of its own, so that a test can kill it (SIGKILL): registers, then
 * heartbeats and renews its lease until it dies. Run with `node -r ./bench/eventstore-register.js`.
 * Environment: FEDERA_NATS_URL, FEDERA_SUBJECT_PREFIX, AGENT_HOST, AGENT_SITE, FEDERA_LEASE_DIR,
 * FEDERA_HEARTBEAT_MS. Prints `registered <epoch>` once registered.
 */
import { Subjects } from '@federa/contracts';
import { connectNats } from '@federa/messaging';
import { FakeAgent } from './inventory-fake-agent';

async function main(): Promise<void> {
  const env = process.env;
  const nc = await connectNats(env.FEDERA_NATS_URL!, `agent-${env.AGENT_HOST}`);
  const agent = new FakeAgent(
    nc,
    new Subjects(env.FEDERA_SUBJECT_PREFIX),
    env.AGENT_HOST!,
    env.AGENT_SITE!,
    env.FEDERA_LEASE_DIR!,
    Number(env.FEDERA_HEARTBEAT_MS),
  );
  const epoch = await agent.register();
  agent.start();
  process.stdout.write(`registered ${epoch}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
