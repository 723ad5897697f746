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
  /**
   * User-mode networking with the guest's `guestPort` forwarded from `hostPort` on every host
   * address: the instance's endpoint. The guest is 10.0.2.15 and reaches the host's loopback (the
   * agent's discovery server) at 10.0.2.2.
   */
  network?: { hostPort: number; guestPort: number };
  /** Files the guest reads at /sys/firmware/qemu_fw_cfg/by_name/<name>/raw, by fw_cfg name. */
  firmwareFiles?: Record<string, string>;
}

/** What the guest of a VM with `network` is, seen from itself (QEMU user-mode networking's first lease). */
export const USER_NETWORK_GUEST_ADDRESS = '10.0.2.15';
/** The host's loopback as a guest with user-mode networking reaches it. */
export const USER_NETWORK_HOST_ADDRESS = '10.0.2.2';

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
  if (machine.network) {
    const { hostPort, guestPort } = machine.network;
    args.push(
      '-netdev',
      `user,id=net0,hostfwd=tcp::${hostPort}-:${guestPort}`,
      // No option ROM: a disk-less VM would otherwise try to boot from the network.
      '-device',
      'virtio-net-pci,netdev=net0,romfile=',
    );
  }
  for (const [name, file] of Object.entries(machine.firmwareFiles ?? {})) {
    // QEMU's option syntax doubles a comma inside a value.
    args.push('-fw_cfg', `name=${name},file=${file.replace(/,/g, ',,')}`);
  }
  if (machine.incoming) args.push('-incoming', machine.incoming);
  return args;
}
