// Makes sure the Postgres and NATS the tests use answer, starting this machine's own if they do not.
// Never stops anything: tests that need to stop a backend start their own instance.
const { execSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');

const pgUrl = new URL(
  process.env.FEDERA_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
);
const natsUrl = new URL(process.env.FEDERA_NATS_URL || 'nats://127.0.0.1:4222');

function answers(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), host);
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function waitFor(host, port, what) {
  for (let i = 0; i < 100; i++) {
    if (await answers(host, port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} does not answer on ${host}:${port}`);
}

function run(command) {
  console.log(`$ ${command}`);
  execSync(command, { stdio: 'inherit' });
}

async function ensurePostgres() {
  if (await answers(pgUrl.hostname, pgUrl.port || 5432)) return;
  if (fs.existsSync('/etc/postgresql')) {
    for (const version of fs.readdirSync('/etc/postgresql')) {
      run(`pg_ctlcluster --skip-systemctl-redirect ${version} main start`);
    }
  } else {
    throw new Error('PostgreSQL is not running and not installed: apt-get install -y postgresql');
  }
  await waitFor(pgUrl.hostname, pgUrl.port || 5432, 'PostgreSQL');
}

async function ensureNats() {
  if (await answers(natsUrl.hostname, natsUrl.port || 4222)) return;
  let binary = ['/usr/sbin/nats-server', '/usr/local/bin/nats-server', '/usr/bin/nats-server'].find(
    (p) => fs.existsSync(p),
  );
  if (!binary && process.getuid && process.getuid() === 0) {
    run('apt-get install -y nats-server || (apt-get update && apt-get install -y nats-server)');
    binary = '/usr/sbin/nats-server';
  }
  if (!binary) throw new Error('nats-server is not installed: sudo apt-get install -y nats-server');
  const storeDir = '/var/lib/nats-server';
  fs.mkdirSync(storeDir, { recursive: true });
  const child = spawn(
    binary,
    ['-a', natsUrl.hostname, '-p', String(natsUrl.port || 4222), '-js', '-sd', storeDir],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  child.unref();
  await waitFor(natsUrl.hostname, natsUrl.port || 4222, 'NATS');
}

Promise.all([ensurePostgres(), ensureNats()]).catch((error) => {
  console.error(error.message);
  process.exit(1);
});
