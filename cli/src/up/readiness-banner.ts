/** What the banner shows once `federa up` is ready. */
export interface BannerFacts {
  apiUrl: string;
  token: string;
  /** Where the token comes from: a file (path shown) or the FEDERA_API_TOKEN variable. */
  tokenFrom: { file: string } | 'environment';
  demo: boolean;
  /** The PostgreSQL and NATS in use: where, and whose (the variable's, or started by `federa up`). */
  backends: BannerBackend[];
  /** Each service's FEDERA_METRICS_PORT (the gateway serves its own on the API port). */
  opsPorts?: ServiceOpsPort[];
}

/** Where one service serves /healthz, /readyz and /metrics. */
export interface ServiceOpsPort {
  service: string;
  port: number;
}

/** One backend line of the banner. */
export interface BannerBackend {
  label: string;
  address: string;
  note: string;
}

/** The lines printed when `federa up` is ready: where the API is, the token, and what to try next. */
export function readinessBanner(facts: BannerFacts): string {
  const { apiUrl } = facts;
  const tokenNote =
    facts.tokenFrom === 'environment'
      ? 'from FEDERA_API_TOKEN'
      : `saved in ${facts.tokenFrom.file}`;
  const next = (
    facts.demo
      ? [
          ['npx federa describe service shop', 'the demo shop: state, applications, instances'],
          ['npx federa get hosts', 'the four demo hosts and what they hold'],
          ['npx federa get instances', 'every instance and where it runs'],
          ['npx federa events --follow', 'the event log, live'],
          ['npm run demo:load', 'load the front end: web scales out 2 → 3, then back'],
        ]
      : [
          [
            'npx federa apply -f examples/shop.yaml',
            'define a service (it needs hosts: federa agent)',
          ],
          ['npx federa get hosts', 'hosts and what they hold'],
          ['npx federa events --follow', 'the event log, live'],
        ]
  ).map(([command, what]) => `  ${command.padEnd(36)} ${what}`);
  // The CLI finds the API at 127.0.0.1:8080 and the token in ./.federa/token on its own.
  const exports = [
    ...(new URL(apiUrl).port === '8080' ? [] : [`  export FEDERA_API_URL=${apiUrl}`]),
    ...(facts.tokenFrom === 'environment' ? ['  export FEDERA_API_TOKEN=<the token above>'] : []),
  ];
  const where =
    exports.length > 0
      ? ['Try, in another terminal in this directory, after:', ...exports]
      : ['Try, in another terminal in this directory:'];
  return [
    '',
    'Federa is up.',
    `  Dashboard ${apiUrl}/  (sign in with the token below)`,
    `  API       ${apiUrl}/v1`,
    `  Docs      ${apiUrl}/docs`,
    `  Metrics   ${apiUrl}/metrics`,
    ...opsLine(facts.opsPorts ?? []),
    `  Events    ${apiUrl}/v1/events/stream`,
    `  Token     ${facts.token}  (${tokenNote})`,
    ...facts.backends.map((b) => `  ${b.label.padEnd(9)} ${b.address}  (${b.note})`),
    '',
    ...where,
    ...next,
    '',
    'Stop with Ctrl-C (twice to force).',
    '',
  ].join('\n');
}

/** One line for every service's endpoints: the ports are all that differs. */
function opsLine(ports: ServiceOpsPort[]): string[] {
  if (ports.length === 0) return [];
  const where = ports.map((p) => `${p.service} :${p.port}`).join(', ');
  return [`  Health    /healthz /readyz /metrics on ${where}`];
}
