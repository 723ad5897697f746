import { qemuCommandLine, type QemuMachine } from './qemu-machine';

const machine: QemuMachine = {
  name: 'vm-1',
  accelerator: 'kvm',
  memoryMiB: 96,
  qmpSocket: '/d/qmp.sock',
  guestAgentSocket: '/d/qga.sock',
  pidFile: '/d/qemu.pid',
};

function valueOf(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

describe('qemuCommandLine', () => {
  it('runs a disk-less firmware-only VM headless that never reboots looking for a boot device', () => {
    const args = qemuCommandLine(machine);
    expect(args).toEqual(expect.arrayContaining(['-nodefaults', '-nographic']));
    expect(valueOf(args, '-display')).toBe('none');
    expect(valueOf(args, '-boot')).toBe('reboot-timeout=-1');
    expect(valueOf(args, '-accel')).toBe('kvm');
    expect(valueOf(args, '-m')).toBe('96M');
    expect(valueOf(args, '-qmp')).toBe('unix:/d/qmp.sock,server=on,wait=off');
    expect(args).not.toContain('-drive');
    expect(args).not.toContain('-incoming');
  });

  it('offers a guest-agent channel on a virtio-serial port backed by a unix socket', () => {
    const args = qemuCommandLine(machine);
    expect(args).toContain('socket,id=qga0,path=/d/qga.sock,server=on,wait=off');
    expect(args).toContain('virtserialport,bus=vser0.0,chardev=qga0,name=org.qemu.guest_agent.0');
  });

  it('attaches the qcow2 disk and waits for a migration when asked', () => {
    const args = qemuCommandLine({
      ...machine,
      diskPath: '/d/disk.qcow2',
      incoming: 'tcp:127.0.0.1:4444',
    });
    expect(valueOf(args, '-drive')).toBe('file=/d/disk.qcow2,format=qcow2,if=virtio,id=disk0');
    expect(valueOf(args, '-incoming')).toBe('tcp:127.0.0.1:4444');
  });

  it('gives a migration source and its destination the same machine apart from sockets', () => {
    const source = qemuCommandLine(machine);
    const target = qemuCommandLine({
      ...machine,
      qmpSocket: '/e/qmp.sock',
      guestAgentSocket: '/e/qga.sock',
      pidFile: '/e/qemu.pid',
      incoming: 'tcp:127.0.0.1:1',
    });
    const machinePart = (args: string[]) =>
      args.filter(
        (a) =>
          !a.includes('/d/') && !a.includes('/e/') && !a.startsWith('tcp:') && a !== '-incoming',
      );
    expect(machinePart(target)).toEqual(machinePart(source));
  });

  it('forwards a host port to the guest over user-mode networking and hands the guest its files by fw_cfg', () => {
    const args = qemuCommandLine({
      ...machine,
      network: { hostPort: 40001, guestPort: 8080 },
      firmwareFiles: { 'opt/federa/env': '/d/a,b/fw_cfg-env' },
    });
    expect(valueOf(args, '-netdev')).toBe('user,id=net0,hostfwd=tcp::40001-:8080');
    expect(args).toContain('virtio-net-pci,netdev=net0,romfile=');
    expect(valueOf(args, '-fw_cfg')).toBe('name=opt/federa/env,file=/d/a,,b/fw_cfg-env');
  });

  it('gives a VM without a port no network device', () => {
    expect(qemuCommandLine(machine)).not.toContain('-netdev');
  });
});
