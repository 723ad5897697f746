/** How QEMU accelerates the guest: KVM where /dev/kvm verifiably runs guests, TCG otherwise. */
export type Accelerator = 'kvm' | 'tcg';

/** Everything that makes two QEMU processes migration-compatible, plus where this one keeps its sockets. */
export interface QemuMachine {
  name: string;
  accelerator: Accelerator;
  memoryMiB: number;
  /** qcow2 overlay of the instance, absent for a firmware-only VM. */
  diskPath?: string;
  qmpSocket: string;
  guestAgentSocket: string;
  pidFile: string;
  /** `tcp:ADDRESS:PORT` when the process waits for an incoming live migration. */
  incoming?: string;
}

/**
 * The argument vector of `qemu-system-x86_64` for a machine. Identical machines (same name,
 * memory and devices) are what live migration requires; only sockets and `-incoming` differ.
 */
export function qemuCommandLine(machine: QemuMachine): string[] {
  const args = [
    '-name',
    `guest=${machine.name}`,
    '-machine',
    'pc',
    '-accel',
    machine.accelerator,
    '-m',
    `${machine.memoryMiB}M`,
    '-smp',
    '1',
    '-nodefaults',
    '-nographic',
    '-display',
    'none',
    // A firmware-only VM would otherwise reboot every second looking for a boot device.
    '-boot',
    'reboot-timeout=-1',
    '-qmp',
    `unix:${machine.qmpSocket},server=on,wait=off`,
    '-pidfile',
    machine.pidFile,
    '-device',
    'virtio-serial-pci,id=vser0',
    '-chardev',
    `socket,id=qga0,path=${machine.guestAgentSocket},server=on,wait=off`,
    '-device',
    'virtserialport,bus=vser0.0,chardev=qga0,name=org.qemu.guest_agent.0',
  ];
  if (machine.diskPath) {
    args.push('-drive', `file=${machine.diskPath},format=qcow2,if=virtio,id=disk0`);
  }
  if (machine.incoming) args.push('-incoming', machine.incoming);
  return args;
}
