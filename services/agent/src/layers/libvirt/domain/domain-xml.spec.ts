import { domainXml } from './domain-xml';

describe('domainXml', () => {
  it("defines a test-driver domain with the instance's name, memory and CPUs", () => {
    const xml = domainXml({ name: 'web-1', type: 'test', memoryMiB: 64, vcpus: 2 });
    expect(xml).toContain("<domain type='test'>");
    expect(xml).toContain('<name>web-1</name>');
    expect(xml).toContain("<memory unit='MiB'>64</memory>");
    expect(xml).toContain('<vcpu>2</vcpu>');
    expect(xml).not.toContain('<disk');
    expect(xml).not.toContain('guest_agent');
  });

  it('attaches the disk and a guest-agent channel to a KVM domain, escaping values', () => {
    const xml = domainXml({
      name: 'db',
      type: 'kvm',
      memoryMiB: 128,
      vcpus: 1,
      diskPath: "/img/a&b's.qcow2",
    });
    expect(xml).toContain("<domain type='kvm'>");
    expect(xml).toContain("<source file='/img/a&amp;b&apos;s.qcow2'/>");
    expect(xml).toContain("name='org.qemu.guest_agent.0'");
  });
});
