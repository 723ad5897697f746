import type { HostConfig } from '@federa/contracts';
import { SIM_AUTO_CAPACITY } from './sim-host-roster';
import { SimHost } from './sim-host';

const config = {
  host: 'h1',
  site: 'geneva',
  securityLevel: 3,
  layers: ['process', 'qemu'],
  capacity: 'auto',
  costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
} as HostConfig;

const simHost = (offered?: HostConfig['layers']) =>
  new SimHost('h1', config, SIM_AUTO_CAPACITY, 'federa.agent.h1.report', 1000, undefined, offered);

describe('SimHost', () => {
  it('registers with the sim layer alone by default, whatever its config names', () => {
    const host = simHost();
    expect(host.registration().layers).toEqual(['sim']);
    host.core.stop();
    host.reports.close();
  });

  it('registers with the layers it is told to offer instead of sim', () => {
    const host = simHost(['process', 'qemu']);
    expect(host.registration().layers).toEqual(['process', 'qemu']);
    host.core.stop();
    host.reports.close();
  });
});
