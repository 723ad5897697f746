export { Agent, type AgentOptions } from './agent';
export { runAgentCli, EXIT_BAD_CONFIG } from './cli';
export { SimFleet, type SimFleetOptions } from './sim/sim-fleet';
export { HostAgent } from './host-agent';
export { loadHostConfig } from './config/load-host-config';
