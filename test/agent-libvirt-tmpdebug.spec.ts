import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirshSession } from '../services/agent/src/layers/libvirt/virsh-session';
jest.setTimeout(120_000);
it('loops save/restore', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lvdbg-'));
  require('fs').writeFileSync(join(root, 'd.xml'), "<domain type='test'><name>x</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>");
  for (let i = 0; i < 30; i++) {
    const a = new VirshSession('test:///default');
    const b = new VirshSession('test:///default');
    const log: string[] = [];
    const step = async (s: VirshSession, ...args: string[]) => {
      log.push(args.join(' '));
      const t = setTimeout(() => { console.log('HUNG at', i, log, JSON.stringify((s as any).buffer), (s as any).current); }, 5000);
      try { return await s.run(...args); } finally { clearTimeout(t); }
    };
    await step(a, 'define', join(root, 'd.xml'));
    await step(a, 'start', 'x');
    await step(a, 'domstate', 'x');
    await step(a, 'save', 'x', join(root, 's'));
    await step(a, 'domstate', 'x').catch(() => 0);
    await step(b, 'domstate', 'x').catch(() => 0);
    await step(b, 'restore', join(root, 's'));
    await step(b, 'domstate', 'x');
    a.close(); b.close();
  }
});
