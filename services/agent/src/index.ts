export { Agent, type AgentOptions } from './agent';
export { runAgentCli, EXIT_BAD_CONFIG } from './cli';
export { SimFleet, type SimFleetOptions } from './sim/sim-fleet';
export { HostAgent } from './host-agent';
export { loadHostConfig } from './config/load-host-config';
export { AGENT_NODE_FLAGS } from './agent-node-flags';
export {
  FileAgentStateStore,
  type AgentStateStore,
  type PersistedInstance,
} from './infrastructure/store/agent-state-store';
export { isSameLiveProcess, readProcStat, type ProcStat } from './layers/process/proc-stat';
export {
  measureQemuLiveMigration,
  type QemuLiveMigrationMeasure,
} from './layers/qemu/live-migration-benchmark';
