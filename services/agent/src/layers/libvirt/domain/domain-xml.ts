/** The hypervisor a domain is defined for: libvirt's `test` driver, KVM, or QEMU's TCG. */
export type DomainType = 'test' | 'kvm' | 'qemu';

export interface DomainDefinition {
  name: string;
  type: DomainType;
  memoryMiB: number;
  vcpus: number;
  /** A disk image to attach as the first virtio disk. */
  diskPath?: string;
}

/** Libvirt domain XML for a definition; every value is escaped. */
export function domainXml(domain: DomainDefinition): string {
  const lines = [
    `<domain type='${domain.type}'>`,
    `  <name>${escapeXml(domain.name)}</name>`,
    `  <memory unit='MiB'>${domain.memoryMiB}</memory>`,
    `  <vcpu>${domain.vcpus}</vcpu>`,
    `  <os>`,
    `    <type arch='x86_64'>hvm</type>`,
    `    <boot dev='hd'/>`,
    `  </os>`,
    `  <on_reboot>restart</on_reboot>`,
    `  <on_crash>destroy</on_crash>`,
    `  <devices>`,
  ];
  if (domain.diskPath) {
    lines.push(
      `    <disk type='file' device='disk'>`,
      `      <driver name='qemu' type='qcow2'/>`,
      `      <source file='${escapeXml(domain.diskPath)}'/>`,
      `      <target dev='vda' bus='virtio'/>`,
      `    </disk>`,
    );
  }
  if (domain.type !== 'test') {
    lines.push(
      `    <channel type='unix'>`,
      `      <target type='virtio' name='org.qemu.guest_agent.0'/>`,
      `    </channel>`,
    );
  }
  lines.push(`  </devices>`, `</domain>`, '');
  return lines.join('\n');
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;')
    .replace(/"/g, '&quot;');
}
