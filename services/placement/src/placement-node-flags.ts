/**
 * Node flags the placement service is launched with (`federa up`, docker-compose.yml, the benchmark).
 * A round of 1,000 placements allocates ~10 MB of short-lived objects (decisions, events, the round's
 * JSON); with V8's default 16 MiB semi-spaces scavenges took ~10 % of the service's CPU, and 64 MiB
 * ones raised committed placements per second by ~5 % (docs/BENCHMARKS.md, Placement).
 */
export const PLACEMENT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
