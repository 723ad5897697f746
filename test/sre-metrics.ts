/**
 * The metrics the SRE's view names (issue: the SRE's view): what `federa up`'s processes must serve
 * and what the Grafana dashboard must show.
 */
export const sreMetrics = [
  'federa_hosts',
  'federa_instances',
  'federa_services',
  'federa_host_down_detection_seconds',
  'federa_placement_duration_seconds',
  'federa_placements_total',
  'federa_relay_lag_events',
  'federa_projection_lag_events',
  'federa_commands_total',
  'federa_migrations',
  'federa_db_pool_connections',
  'federa_nats_connected',
] as const;
