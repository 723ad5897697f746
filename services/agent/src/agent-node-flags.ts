/**
 * Node flags the agent is launched with (bin/federa-agent.js, deploy/docker/agent.Dockerfile,
 * `federa up`'s demo agents).
 * The agent's allocation is a steady trickle of short-lived objects (probes, usage samples,
 * heartbeats) with a tiny live young set, so V8's default 16 MiB semi-spaces only let garbage fill
 * ~30 MiB of pages between scavenges. 2 MiB semi-spaces cut the RSS of an agent with 10 process
 * instances from ~83 MB to ~68 MB for about 3 ms of cpu a second more (docs/BENCHMARKS.md, Agent).
 */
export const AGENT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
