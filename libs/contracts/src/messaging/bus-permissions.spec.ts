import { BusServices, busIdentity, parseBusIdentity, formatBusIdentity } from './bus-identity';
import { busPermissions, busPermits, readerConsumerName } from './bus-permissions';
import { Subjects } from './subjects';

const subjects = new Subjects('fx');
const agent = busPermissions(busIdentity('agent', 'host-a'), subjects);

describe('busPermissions', () => {
  it('lets an agent publish its own heartbeat, report and registration only', () => {
    expect(busPermits(agent, 'publish', 'fx.agent.host-a.heartbeat')).toBe(true);
    expect(busPermits(agent, 'publish', 'fx.agent.host-a.report')).toBe(true);
    expect(busPermits(agent, 'publish', 'fx.inventory.register.host-a')).toBe(true);
    expect(busPermits(agent, 'publish', 'fx.agent.host-b.heartbeat')).toBe(false);
    expect(busPermits(agent, 'publish', 'fx.agent.host-b.report')).toBe(false);
    expect(busPermits(agent, 'publish', 'fx.inventory.register.host-b')).toBe(false);
    expect(busPermits(agent, 'publish', 'fx.inventory.register')).toBe(false);
  });

  it('never lets an agent command an agent or a service, nor publish events', () => {
    for (const subject of [
      'fx.agent.host-a.cmd',
      'fx.agent.host-b.cmd',
      'fx.agent.host-b.reregister',
      'fx.cmd.supervision.deploy',
      'fx.cmd.inventory.cordon',
      'fx.health.gateway',
      'fx.events.instance.InstanceFailed',
    ])
      expect([subject, busPermits(agent, 'publish', subject)]).toEqual([subject, false]);
  });

  it('lets an agent receive its own commands and inbox only, and answer what it receives', () => {
    expect(busPermits(agent, 'subscribe', 'fx.agent.host-a.cmd')).toBe(true);
    expect(busPermits(agent, 'subscribe', 'fx.agent.host-a.reregister')).toBe(true);
    expect(busPermits(agent, 'subscribe', '_INBOX.agent.host-a.abc')).toBe(true);
    expect(busPermits(agent, 'subscribe', 'fx.agent.host-b.cmd')).toBe(false);
    expect(busPermits(agent, 'subscribe', 'fx.agent.*.cmd')).toBe(false);
    expect(busPermits(agent, 'subscribe', '_INBOX.>')).toBe(false);
    expect(busPermits(agent, 'subscribe', '_INBOX.service.gateway.abc')).toBe(false);
    expect(busPermits(agent, 'subscribe', 'fx.cmd.supervision.deploy')).toBe(false);
    expect(agent.allow_responses).toBe(true);
  });

  it('lets only supervision and migration command agents', () => {
    for (const name of BusServices) {
      const permissions = busPermissions(busIdentity('service', name), subjects);
      expect([name, busPermits(permissions, 'publish', 'fx.agent.host-a.cmd')]).toEqual([
        name,
        name === 'supervision' || name === 'migration',
      ]);
    }
  });

  it('lets each service receive its own commands and health pings, not another service’s', () => {
    for (const name of BusServices.filter((s) => s !== 'gateway' && s !== 'relay')) {
      const permissions = busPermissions(busIdentity('service', name), subjects);
      expect(busPermits(permissions, 'subscribe', `fx.cmd.${name}.anything`)).toBe(true);
      expect(busPermits(permissions, 'subscribe', `fx.health.${name}`)).toBe(true);
      const other = name === 'inventory' ? 'placement' : 'inventory';
      expect(busPermits(permissions, 'subscribe', `fx.cmd.${other}.anything`)).toBe(false);
    }
  });

  it('lets the gateway send public commands and health pings but no internal command', () => {
    const gateway = busPermissions(busIdentity('service', 'gateway'), subjects);
    expect(busPermits(gateway, 'publish', 'fx.cmd.supervision.deploy')).toBe(true);
    expect(busPermits(gateway, 'publish', 'fx.cmd.inventory.cordon')).toBe(true);
    expect(busPermits(gateway, 'publish', 'fx.health.relay')).toBe(true);
    expect(busPermits(gateway, 'publish', 'fx.cmd.inventory.drain-finished')).toBe(false);
    expect(busPermits(gateway, 'publish', 'fx.events.instance.InstanceFailed')).toBe(false);
    expect(busPermits(gateway, 'publish', '$JS.API.STREAM.DELETE.FX_EVENTS')).toBe(false);
  });

  it('lets migration send the drain commands to inventory and ask placement for a target', () => {
    const migration = busPermissions(busIdentity('service', 'migration'), subjects);
    expect(busPermits(migration, 'publish', 'fx.cmd.inventory.drain-finished')).toBe(true);
    expect(busPermits(migration, 'publish', 'fx.cmd.placement.migration-target')).toBe(true);
    expect(busPermits(migration, 'publish', 'fx.cmd.inventory.cordon')).toBe(false);
  });

  it("lets only supervision and migration write into a host's data bucket", () => {
    for (const name of BusServices) {
      const permissions = busPermissions(busIdentity('service', name), subjects);
      expect([name, busPermits(permissions, 'publish', '$O.fx-data-host-a.C.abc')]).toEqual([
        name,
        name === 'supervision' || name === 'migration',
      ]);
    }
  });

  it('lets only the relay publish events', () => {
    for (const name of BusServices) {
      const permissions = busPermissions(busIdentity('service', name), subjects);
      expect([name, busPermits(permissions, 'publish', 'fx.events.host.HostRegistered')]).toEqual([
        name,
        name === 'relay',
      ]);
    }
  });

  it('gives placement nothing to publish but its answers', () => {
    const placement = busPermissions(busIdentity('service', 'placement'), subjects);
    expect(placement.publish).toEqual({ deny: ['>'] });
    expect(placement.allow_responses).toBe(true);
  });

  it('lets a reader read the events and the event stream, and nothing else', () => {
    const reader = busPermissions(busIdentity('reader', 'billing'), subjects);
    expect(busPermits(reader, 'subscribe', 'fx.events.instance.InstanceFailed')).toBe(true);
    expect(busPermits(reader, 'publish', '$JS.API.STREAM.INFO.FX_EVENTS')).toBe(true);
    expect(busPermits(reader, 'publish', '$JS.API.STREAM.DELETE.FX_EVENTS')).toBe(false);
    expect(busPermits(reader, 'publish', '$JS.API.STREAM.PURGE.FX_EVENTS')).toBe(false);
    expect(busPermits(reader, 'publish', 'fx.events.instance.InstanceFailed')).toBe(false);
    expect(busPermits(reader, 'publish', 'fx.cmd.supervision.deploy')).toBe(false);
    expect(busPermits(reader, 'subscribe', 'fx.agent.host-a.heartbeat')).toBe(false);
    expect(reader.allow_responses).toBeUndefined();
  });

  it('lets a reader create and use the consumer named after it, and no other consumer', () => {
    const reader = busPermissions(busIdentity('reader', 'billing'), subjects);
    const own = readerConsumerName('billing');
    expect(own).toBe('reader_billing');
    const api = '$JS.API.CONSUMER';
    for (const subject of [
      `${api}.CREATE.FX_EVENTS.${own}`,
      `${api}.CREATE.FX_EVENTS.${own}.fx.events.>`,
      `${api}.DURABLE.CREATE.FX_EVENTS.${own}`,
      `${api}.INFO.FX_EVENTS.${own}`,
      `${api}.DELETE.FX_EVENTS.${own}`,
      `${api}.MSG.NEXT.FX_EVENTS.${own}`,
      `$JS.ACK.FX_EVENTS.${own}.1.3.3.1700000000.0`,
    ])
      expect(busPermits(reader, 'publish', subject)).toBe(true);
    for (const other of ['statistics', 'reader_other', 'billing'])
      for (const subject of [
        `${api}.CREATE.FX_EVENTS.${other}`,
        `${api}.CREATE.FX_EVENTS.${other}.fx.events.>`,
        `${api}.DURABLE.CREATE.FX_EVENTS.${other}`,
        `${api}.INFO.FX_EVENTS.${other}`,
        `${api}.DELETE.FX_EVENTS.${other}`,
        `${api}.MSG.NEXT.FX_EVENTS.${other}`,
        `$JS.ACK.FX_EVENTS.${other}.1.3.3.1700000000.0`,
      ])
        expect(busPermits(reader, 'publish', subject)).toBe(false);
    // The create that names no consumer in its subject could name any in its body.
    expect(busPermits(reader, 'publish', `${api}.CREATE.FX_EVENTS`)).toBe(false);
  });

  it("lets inventory look up and create streams (the hosts' data buckets) and no more of JetStream", () => {
    const inventory = busPermissions(busIdentity('service', 'inventory'), subjects);
    expect(busPermits(inventory, 'publish', '$JS.API.STREAM.CREATE.OBJ_fx-data-h1')).toBe(true);
    expect(busPermits(inventory, 'publish', '$JS.API.STREAM.INFO.OBJ_fx-data-h1')).toBe(true);
    expect(busPermits(inventory, 'publish', '$JS.API.STREAM.UPDATE.OBJ_fx-data-h1')).toBe(false);
    expect(busPermits(inventory, 'publish', '$JS.API.STREAM.DELETE.FX_EVENTS')).toBe(false);
    expect(busPermits(inventory, 'publish', '$O.fx-data-h1.M.x')).toBe(false);
  });

  it('lets a simulator stand for any host but command none and call no service', () => {
    const sim = busPermissions(busIdentity('simulator', 'load'), subjects);
    expect(busPermits(sim, 'publish', 'fx.agent.sim-0001.heartbeat')).toBe(true);
    expect(busPermits(sim, 'publish', 'fx.inventory.register.sim-0001')).toBe(true);
    expect(busPermits(sim, 'subscribe', 'fx.agent.sim-0001.cmd')).toBe(true);
    expect(busPermits(sim, 'publish', 'fx.agent.sim-0001.cmd')).toBe(false);
    expect(busPermits(sim, 'publish', 'fx.cmd.supervision.deploy')).toBe(false);
  });
});

describe('bus identities', () => {
  it('read back as they are written', () => {
    for (const text of ['service:gateway', 'agent:h1', 'simulator:load', 'reader:billing'])
      expect(formatBusIdentity(parseBusIdentity(text))).toBe(text);
  });

  it('refuse an unknown kind, an unknown service and a name that is no subject token, naming the part', () => {
    expect(() => busIdentity('admin', 'x')).toThrow(/^kind: /);
    expect(() => busIdentity('service', 'billing')).toThrow(/^name: must be one of gateway/);
    expect(() => busIdentity('agent', 'h1.evil')).toThrow(/^name: /);
    expect(() => busIdentity('agent', '*')).toThrow(/^name: /);
    expect(() => busIdentity('reader', '>')).toThrow(/^name: /);
    expect(() => parseBusIdentity('agent')).toThrow(/<kind>:<name>/);
  });
});
