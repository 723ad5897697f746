import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  LayerCapabilityMissing,
  type InstanceSpec,
  type InstanceUsage,
  type LayerDriver,
  type LayerInstanceStatus,
  type LiveMigrationResult,
  type ProbeResult,
} from '../layer-driver';
import { layerStateOfDomainState } from './domain/domain-state';
import { domainXml, type DomainType } from './domain/domain-xml';
import {
  libvirtArtifactErrors,
  parseLibvirtArtifact,
  type LibvirtArtifact,
} from './libvirt-artifact';
import { VirshCommandFailed, VirshSession } from './virsh-session';

export interface LibvirtDriverOptions {
  /** libvirt connection URI. @default 'qemu:///system' */
  uri?: string;
  /** Domain type of generated XML. @default 'test' for test:// URIs, else 'kvm' */
  domainType?: DomainType;
  /** How long `stop` waits for an ACPI shutdown before `destroy`. @default 10000 */
  stopGraceMs?: number;
  /** The URI other agents' libvirt must migrate to (e.g. `qemu+tcp://10.77.0.11/system`); live migration needs it. */
  migrationUri?: string;
}

/** Where the driver keeps an instance's generated XML and saved state. */
interface Known {
  spec: InstanceSpec;
}

/**
 * The libvirt layer: domains driven through one long-lived `virsh -c URI` session. Export and
 * import are `save`/`restore` (memory state and definition); live migration is `virsh migrate`
 * where the connection's driver supports it (libvirt's test driver does not).
 */
export class LibvirtDriver implements LayerDriver {
  readonly kind = 'libvirt' as const;
  readonly uri: string;
  private readonly virsh: VirshSession;
  private readonly domainType: DomainType;
  private readonly known = new Map<string, Known>();
  private lastCpu = new Map<string, { cpuSeconds: number; atMs: number }>();

  constructor(private readonly options: LibvirtDriverOptions = {}) {
    this.uri = options.uri ?? 'qemu:///system';
    this.virsh = new VirshSession(this.uri);
    this.domainType = options.domainType ?? (this.uri.startsWith('test:') ? 'test' : 'kvm');
  }

  /** The reasons `artifact` cannot run on this layer, each with its path. */
  validateArtifact(artifact: Record<string, unknown>): Array<{ path: string; reason: string }> {
    return libvirtArtifactErrors(artifact);
  }

  /** Defines the domain from the spec and starts it; a running domain just answers its status. */
  async start(spec: InstanceSpec): Promise<LayerInstanceStatus> {
    const artifact = parseLibvirtArtifact(spec.artifact, spec.instance);
    this.known.set(spec.instance, { spec });
    const current = await this.domstate(spec.instance);
    if (current !== undefined && current !== 'shut off') return this.status(spec.instance);
    // A domain stopped earlier keeps its definition (and uuid): start it as it is.
    if (current === undefined) await this.define(spec, artifact);
    await this.virsh.run('start', spec.instance);
    return this.status(spec.instance);
  }

  /** Asks the guest to shut down, then destroys (powers off) the domain after the grace; keeps its definition. */
  async stop(instance: string, options?: { graceMs?: number }): Promise<void> {
    const state = await this.domstate(instance);
    if (state === undefined || state === 'shut off') return;
    const graceMs = options?.graceMs ?? this.options.stopGraceMs ?? 10_000;
    if (graceMs > 0 && state !== 'paused') {
      await this.virsh.run('shutdown', instance).catch(() => undefined);
      const deadline = Date.now() + graceMs;
      while (Date.now() < deadline) {
        const now = await this.domstate(instance);
        if (now === undefined || now === 'shut off') return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await this.ignoring(/not running|failed to get domain/, () =>
      this.virsh.run('destroy', instance),
    );
  }

  /** Powers the domain off and removes its definition and the files this driver wrote. */
  async destroy(instance: string): Promise<void> {
    await this.ignoring(/not running|failed to get domain/, () =>
      this.virsh.run('destroy', instance),
    );
    await this.ignoring(/failed to get domain/, () => this.virsh.run('undefine', instance));
    const known = this.known.get(instance);
    if (known) {
      await rm(join(known.spec.dataDir, 'domain.xml'), { force: true });
      await rm(savePathOf(known.spec), { force: true });
    }
    this.known.delete(instance);
    this.lastCpu.delete(instance);
  }

  async status(instance: string): Promise<LayerInstanceStatus> {
    const domstate = await this.domstate(instance);
    if (domstate === undefined) {
      return { state: 'unknown', handle: {}, detail: `no domain ${instance} on ${this.uri}` };
    }
    return {
      state: layerStateOfDomainState(domstate),
      handle: { domain: instance, uri: this.uri },
      detail: domstate,
    };
  }

  async probe(instance: string): Promise<ProbeResult> {
    const status = await this.status(instance);
    return { healthy: status.state === 'running', detail: status.detail };
  }

  /** CPU (millicores since the previous call), memory from `dominfo`. */
  async usage(instance: string): Promise<InstanceUsage> {
    const info = await this.virsh.run('dominfo', instance);
    const cpuSeconds = Number(/^CPU time:\s+([\d.]+)s/m.exec(info)?.[1] ?? 0);
    const usedKiB = Number(/^Used memory:\s+(\d+) KiB/m.exec(info)?.[1] ?? 0);
    const now = Date.now();
    const previous = this.lastCpu.get(instance);
    this.lastCpu.set(instance, { cpuSeconds, atMs: now });
    const cpuMillis =
      previous && now > previous.atMs
        ? Math.max(
            0,
            Math.round(((cpuSeconds - previous.cpuSeconds) * 1e6) / (now - previous.atMs)),
          )
        : 0;
    return { cpuMillis, memoryBytes: usedKiB * 1024, storageBytes: 0, networkBytes: 0 };
  }

  /** True when the domain named in the handle (or after the instance) exists on this connection. */
  async adopt(spec: InstanceSpec, handle: Record<string, unknown>): Promise<boolean> {
    if (handle.uri !== undefined && handle.uri !== this.uri) return false;
    const name = typeof handle.domain === 'string' ? handle.domain : spec.instance;
    if (name !== spec.instance || (await this.domstate(name)) === undefined) return false;
    this.known.set(spec.instance, { spec });
    return true;
  }

  /**
   * Saves a running (or paused) domain's memory state and definition with `virsh save` (the
   * domain stops) and streams the file; a domain saved before streams that earlier file.
   */
  async exportData(instance: string): Promise<Readable> {
    const known = this.known.get(instance);
    if (!known) throw new Error(`no libvirt instance ${instance} known here`);
    const path = savePathOf(known.spec);
    const state = await this.domstate(instance);
    if (state !== undefined && state !== 'shut off') {
      await rm(path, { force: true });
      await this.virsh.run('save', instance, path);
    } else if (!existsSync(path)) {
      throw new Error(
        `libvirt instance ${instance} is not running and has no saved state to export`,
      );
    }
    return createReadStream(path);
  }

  /** Writes the saved state into the instance's data dir and restores it with `virsh restore` (it runs again). */
  async importData(spec: InstanceSpec, data: Readable): Promise<void> {
    parseLibvirtArtifact(spec.artifact, spec.instance);
    const state = await this.domstate(spec.instance);
    if (state !== undefined && state !== 'shut off') {
      throw new Error(`libvirt instance ${spec.instance} runs here: stop it before importing`);
    }
    await mkdir(spec.dataDir, { recursive: true });
    const path = savePathOf(spec);
    await pipeline(data, createWriteStream(path));
    await this.virsh.run('restore', path);
    this.known.set(spec.instance, { spec });
  }

  /** Answers the URI the source's libvirt migrates to; the domain itself arrives with the migration. */
  async migrateIn(spec: InstanceSpec): Promise<{ uri: string }> {
    this.requireMigration();
    parseLibvirtArtifact(spec.artifact, spec.instance);
    this.known.set(spec.instance, { spec });
    return { uri: this.options.migrationUri! };
  }

  /** `virsh migrate --live` to the target's libvirt, with the timings libvirt recorded. */
  async migrateOut(
    instance: string,
    target: { host: string; uri: string },
  ): Promise<LiveMigrationResult> {
    this.requireMigration();
    const began = Date.now();
    await this.virsh.run(
      'migrate',
      '--live',
      '--persistent',
      '--undefinesource',
      instance,
      target.uri,
    );
    const elapsed = Date.now() - began;
    const job = await this.virsh.run('domjobinfo', instance, '--completed').catch(() => '');
    const totalMs = Number(/^Time elapsed:\s+(\d+) ms/m.exec(job)?.[1] ?? elapsed);
    const downtimeMs = Number(/^Total downtime:\s+(\d+) ms/m.exec(job)?.[1] ?? 0);
    this.known.delete(instance);
    return { totalMs, downtimeMs };
  }

  /** Closes the virsh session (with the test driver, its domains go with it). */
  close(): void {
    this.virsh.close();
  }

  /** Writes the domain XML (the artifact's own, or generated) into the data dir and defines it. */
  private async define(spec: InstanceSpec, artifact: LibvirtArtifact): Promise<void> {
    await mkdir(spec.dataDir, { recursive: true });
    const xml =
      artifact.xml ??
      domainXml({
        name: spec.instance,
        type: this.domainType,
        memoryMiB: artifact.memoryMiB ?? 128,
        vcpus: artifact.vcpus ?? 1,
        diskPath: artifact.image,
      });
    const xmlPath = join(spec.dataDir, 'domain.xml');
    await writeFile(xmlPath, xml);
    await this.virsh.run('define', xmlPath);
  }

  private requireMigration(): void {
    if (this.domainType === 'test') {
      throw new LayerCapabilityMissing(
        'libvirt',
        'live-migrate',
        `libvirt's test driver (${this.uri}) does not support migrate`,
      );
    }
    if (!this.options.migrationUri) {
      throw new LayerCapabilityMissing(
        'libvirt',
        'live-migrate',
        'no migrationUri is configured for this agent',
      );
    }
  }

  /** `virsh domstate`, or undefined when the domain does not exist. */
  private async domstate(instance: string): Promise<string | undefined> {
    try {
      return (await this.virsh.run('domstate', instance)).trim();
    } catch (error) {
      if (error instanceof VirshCommandFailed && /failed to get domain/.test(error.output))
        return undefined;
      throw error;
    }
  }

  private async ignoring(expected: RegExp, command: () => Promise<unknown>): Promise<void> {
    try {
      await command();
    } catch (error) {
      if (!(error instanceof VirshCommandFailed && expected.test(error.output))) throw error;
    }
  }
}

function savePathOf(spec: InstanceSpec): string {
  return join(spec.dataDir, 'domain.save');
}
