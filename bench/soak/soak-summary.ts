/** The parts of the soak's result the summary prints. */
export interface SummaryInput {
  minutes: number;
  churn_minutes: number;
  warm_up_minutes: number;
  sim_hosts: number;
  real_agents: number;
  services: number;
  lost_commands: number;
  running_twice: number;
  over_committed_hosts: number;
  rss_growth_max: number | null;
  fd_growth_max: number | null;
  api_p99_ms: number | null;
  api_p50_ms: number | null;
  api_calls: number;
  placement_p99_ms: number | null;
  placement_p50_ms: number | null;
  placement_instances: number;
  throughput: {
    commands_acknowledged_per_min: number;
    events_per_s: number;
    actions: Record<string, number>;
  };
  event_log_growth: {
    rows_at_end: number;
    rows_per_min_after_warm_up: number | null;
    mb_at_end: number | null;
    mb_per_min_after_warm_up: number | null;
  };
  postgres_sessions: { after_warm_up: number; end: number };
  quiesce_s: number;
  unsettled_services: number;
  unexpected_exits: string[];
  processes: {
    name: string;
    rss_mb_start: number | null;
    rss_mb_after_warm_up: number | null;
    rss_mb_end: number | null;
    rss_growth: number | null;
    fds_start: number | null;
    fds_after_warm_up: number | null;
    fds_end: number | null;
    nats_connections: (number | null)[];
    postgres_connections: (number | null)[];
  }[];
}

const pct = (fraction: number | null) =>
  fraction === null ? '—' : `${(fraction * 100).toFixed(1)} %`;
const show = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : String(value);

/** The soak's outcome for a reader: the figures, then one row per process. */
export function summaryLines(r: SummaryInput): string[] {
  const lines = [
    `soak: ${r.churn_minutes} min of churn (warm-up ${r.warm_up_minutes} min) on ${r.sim_hosts} simulated hosts, ${r.real_agents} real agents, ${r.services} services`,
    `  lost commands ${r.lost_commands}, running twice ${r.running_twice}, over-committed hosts ${r.over_committed_hosts}`,
    `  throughput: ${r.throughput.commands_acknowledged_per_min} commands/min, ${r.throughput.events_per_s} events/s; actions ${JSON.stringify(r.throughput.actions)}`,
    `  API: ${r.api_calls} calls, p50 ${show(r.api_p50_ms)} ms, p99 ${show(r.api_p99_ms)} ms; placement (log): p50 ${show(r.placement_p50_ms)} ms, p99 ${show(r.placement_p99_ms)} ms over ${r.placement_instances} instances`,
    `  event log: ${r.event_log_growth.rows_at_end} events, ${show(r.event_log_growth.mb_at_end)} MB; after warm-up +${show(r.event_log_growth.rows_per_min_after_warm_up)} events/min, +${show(r.event_log_growth.mb_per_min_after_warm_up)} MB/min`,
    `  growth after warm-up: RSS max ${pct(r.rss_growth_max)}, descriptors max ${pct(r.fd_growth_max)}; Postgres sessions ${r.postgres_sessions.after_warm_up} → ${r.postgres_sessions.end}`,
    `  quiesced in ${r.quiesce_s} s, ${r.unsettled_services} services unsettled${r.unexpected_exits.length ? `; exited unexpectedly: ${r.unexpected_exits.join(', ')}` : ''}`,
    '  process            RSS MB start / after warm-up / end (growth)   fds start / after / end   NATS conns   PG conns',
  ];
  for (const p of r.processes)
    lines.push(
      `  ${p.name.padEnd(18)} ${show(p.rss_mb_start)} / ${show(p.rss_mb_after_warm_up)} / ${show(p.rss_mb_end)} (${pct(p.rss_growth)})`.padEnd(
        66,
      ) +
        `   ${show(p.fds_start)} / ${show(p.fds_after_warm_up)} / ${show(p.fds_end)}`.padEnd(26) +
        `   ${p.nats_connections.map(show).join(' → ')}`.padEnd(13) +
        `   ${p.postgres_connections.map(show).join(' → ')}`,
    );
  return lines;
}
