import { MigrationLeadership, type LeaderLease } from './migration-leadership';

class ScriptedLease implements LeaderLease {
  held = false;
  released = false;
  async holds(): Promise<boolean> {
    return this.held;
  }
  async release(): Promise<void> {
    this.released = true;
    this.held = false;
  }
}

describe('MigrationLeadership', () => {
  it('leads after a tick that finds the lease held and stops leading when a tick finds it lost', async () => {
    const lease = new ScriptedLease();
    const leadership = new MigrationLeadership(lease, 60_000);
    const seen: boolean[] = [];
    leadership.onChange((leader) => seen.push(leader));
    await leadership.tick();
    expect(leadership.isLeader()).toBe(false);
    lease.held = true;
    await leadership.tick();
    expect(leadership.isLeader()).toBe(true);
    lease.held = false;
    await leadership.tick();
    expect(leadership.isLeader()).toBe(false);
    expect(seen).toEqual([true, false]);
  });

  it('treats a lease that cannot be checked as lost', async () => {
    const lease = new ScriptedLease();
    lease.held = true;
    const leadership = new MigrationLeadership(lease, 60_000);
    await leadership.tick();
    lease.holds = () => Promise.reject(new Error('connection lost'));
    await leadership.tick();
    expect(leadership.isLeader()).toBe(false);
  });

  it('gives the lease up and stops leading when stopped', async () => {
    const lease = new ScriptedLease();
    lease.held = true;
    const leadership = new MigrationLeadership(lease, 60_000);
    await leadership.start();
    expect(leadership.isLeader()).toBe(true);
    await leadership.stop();
    expect(leadership.isLeader()).toBe(false);
    expect(lease.released).toBe(true);
  });
});
