import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type {
  InstanceSpec,
  InstanceUsage,
  LayerDriver,
  LayerEndpoint,
  LayerInstanceStatus,
  LiveMigrationResult,
  ProbeResult,
} from '../layer-driver';
import { chooseAccelerator } from './accelerator-probe';
import {
  qemuCommandLine,
  USER_NETWORK_GUEST_ADDRESS,
  type Accelerator,
  type QemuMachine,
} from './domain/qemu-machine';
import { guestDiscoveryFiles } from './domain/guest-discovery';
import { layerStateOfRunState } from './domain/qemu-run-state';
import { pingGuestAgent } from './guest-agent-ping';
import { cpuMillicores, sampleProcess, type ProcessSample } from './process-usage';
import { allocatedBytes, createQcow2, imageInfo, streamDisk, writeDisk } from './qcow2-disk';
import {
  diskSizeBytes,
  parseQemuArtifact,
  qemuArtifactErrors,
  type QemuArtifact,
} from './qemu-artifact';
import { isAlive, isQemuWith, killAndWait, spawnDetachedQemu, waitForExit } from './qemu-process';
import { QmpClient } from './qmp-client';

export interface QemuDriverOptions {
  /** @default 'qemu-system-x86_64' */
  qemuBinary?: string;
  /** @default 'qemu-img' */
  qemuImg?: string;
  /** 'auto' probes KVM once and falls back to TCG. @default 'auto' */
  accelerator?: 'auto' | Accelerator;
  /** Address incoming live migrations listen on and are sent to. @default '127.0.0.1' */
  migrationAddress?: string;
  /** How long `stop` lets the guest react to an ACPI power-down before `quit`. @default 5000 */
  stopGraceMs?: number;
  /** How long a guest-agent ping waits. @default 1000 */
  guestAgentTimeoutMs?: number;
  /** Migration bandwidth cap in bytes/s (QEMU's default, 128 MiB/s, is slow). @default 10 GiB/s */
  migrationBandwidth?: number;
}

/** What migrateOut measured; `stoppedAtMs` lets the caller pair it with the target's `resumedAt`. */
export interface QemuLiveMigrationResult extends LiveMigrationResult {
  /**
   * Epoch ms of the source's STOP event (QEMU's timestamp), i.e. the start of downtime; for a guest
   * that was not running, when migration began; when no STOP event came, when migration completed.
   */
  stoppedAtMs: number;
  /** Whether `stoppedAtMs` is QEMU's STOP event of a running guest rather than a fallback. */
  stopObserved: boolean;
  /** What QEMU's query-migrate reported (sometimes 0). */
  qemuTotalMs: number;
  qemuDowntimeMs: number;
}

/** The handle the agent stores so that a restarted agent can adopt the VM. */
export interface QemuHandle {
  pid: number;
  qmpSocket: string;
  guestAgentSocket: string;
  diskPath?: string;
  accelerator: Accelerator;
  memoryMiB: number;
  /** With artifact.port: the host port forwarded to the guest's (the instance's endpoint). */
  hostPort?: number;
  guestPort?: number;
}

interface LiveVm {
  spec: InstanceSpec;
  machine: QemuMachine;
  pid: number;
  qmp: QmpClient;
  lastSample?: ProcessSample;
  stoppedAtMs?: number;
  resumedAtMs?: number;
  guestShutDown: boolean;
  /** Set when this driver itself ends the process, so that the socket closing is not a failure. */
  endingOnPurpose: boolean;
}

interface EndedVm {
  spec: InstanceSpec;
  machine: QemuMachine;
  state: 'stopped' | 'failed';
  detail: string;
}

const defaultMemoryMiB = 128;
const maxUnixSocketPath = 100;

/**
 * The qemu layer: one detached `qemu-system-x86_64` per instance, driven over QMP; qcow2 disks
 * made with qemu-img; live migration over TCP between two agents' QEMUs.
 */
export class QemuDriver implements LayerDriver {
  readonly kind = 'qemu' as const;
  private readonly live = new Map<string, LiveVm>();
  private readonly ended = new Map<string, EndedVm>();
  private readonly busy = new Map<string, Promise<unknown>>();
  private readonly qemuBinary: string;
  private readonly qemuImg: string;

  constructor(private readonly options: QemuDriverOptions = {}) {
    this.qemuBinary = options.qemuBinary ?? 'qemu-system-x86_64';
    this.qemuImg = options.qemuImg ?? 'qemu-img';
  }

  /** The accelerator new VMs get here, and why. */
  async accelerator(): Promise<{ accelerator: Accelerator; reason: string }> {
    const wanted = this.options.accelerator ?? 'auto';
    if (wanted !== 'auto') return { accelerator: wanted, reason: 'configured' };
    return chooseAccelerator(this.qemuBinary);
  }

  /** The reasons `artifact` cannot run on this layer, each with its path. */
  validateArtifact(artifact: Record<string, unknown>): Array<{ path: string; reason: string }> {
    return qemuArtifactErrors(artifact);
  }

  start(spec: InstanceSpec): Promise<LayerInstanceStatus> {
    return this.serialised(spec.instance, async () => {
      const artifact = parseQemuArtifact(spec.artifact);
      if (this.live.has(spec.instance)) return this.status(spec.instance);
      const machine = await this.prepareMachine(spec, artifact, false);
      await this.launch(spec, machine);
      return this.status(spec.instance);
    });
  }

  stop(instance: string, options?: { graceMs?: number }): Promise<void> {
    return this.serialised(instance, async () => {
      const vm = this.live.get(instance);
      if (!vm) return;
      await this.endProcess(vm, options?.graceMs ?? this.options.stopGraceMs ?? 5_000);
      this.markEnded(vm, 'stopped', 'stopped');
    });
  }

  destroy(instance: string): Promise<void> {
    return this.serialised(instance, async () => {
      const vm = this.live.get(instance);
      if (vm) {
        await this.endProcess(vm, 0);
        this.markEnded(vm, 'stopped', 'destroyed');
      }
      const ended = this.ended.get(instance);
      if (!ended) return;
      await removeMachineFiles(ended.machine);
      this.ended.delete(instance);
    });
  }

  async status(instance: string): Promise<LayerInstanceStatus> {
    const vm = this.live.get(instance);
    if (!vm) {
      const ended = this.ended.get(instance);
      if (ended) return { state: ended.state, handle: {}, detail: ended.detail };
      return { state: 'unknown', handle: {}, detail: `no qemu instance ${instance} here` };
    }
    if (!vm.qmp.isOpen) {
      return { state: 'unknown', handle: handleOf(vm), detail: 'QMP connection lost' };
    }
    const { status } = await vm.qmp.execute<{ status: string }>('query-status');
    return {
      state: layerStateOfRunState(status),
      handle: handleOf(vm),
      detail: `${status} (${vm.machine.accelerator})`,
    };
  }

  /** Healthy while the VM runs; the detail says whether a guest agent answers inside. */
  async probe(instance: string): Promise<ProbeResult> {
    const status = await this.status(instance);
    const vm = this.live.get(instance);
    if (status.state !== 'running' || !vm) {
      return { healthy: false, detail: status.detail ?? status.state };
    }
    const answer = await pingGuestAgent(
      vm.machine.guestAgentSocket,
      this.options.guestAgentTimeoutMs ?? 1_000,
    );
    return { healthy: true, detail: answer.answered ? 'guest agent answers' : answer.reason };
  }

  async usage(instance: string): Promise<InstanceUsage> {
    const vm = this.requireLive(instance);
    const sample = await sampleProcess(vm.pid);
    const cpu = cpuMillicores(sample, vm.lastSample);
    vm.lastSample = sample;
    return {
      cpuMillis: cpu,
      memoryBytes: sample.rssBytes,
      storageBytes: vm.machine.diskPath ? await allocatedBytes(vm.machine.diskPath) : 0,
      // -nodefaults: the VM has no network device, so it moves no bytes
      networkBytes: 0,
      networkInBytes: 0,
      networkOutBytes: 0,
    };
  }

  /** Pauses the guest's CPUs (QMP `stop`). */
  async pause(instance: string): Promise<void> {
    await this.requireLive(instance).qmp.execute('stop');
  }

  /** Resumes a paused guest (QMP `cont`). */
  async resume(instance: string): Promise<void> {
    await this.requireLive(instance).qmp.execute('cont');
  }

  /** Epoch ms of the instance's latest RESUME event: after an incoming migration, when the guest resumed here. */
  async resumedAt(instance: string, waitMs = 0): Promise<number | undefined> {
    const vm = this.live.get(instance);
    if (!vm) return undefined;
    if (vm.resumedAtMs === undefined && waitMs > 0) {
      await vm.qmp.nextEvent('RESUME', waitMs).catch(() => undefined);
    }
    return vm.resumedAtMs;
  }

  async adopt(spec: InstanceSpec, handle: Record<string, unknown>): Promise<boolean> {
    const parsed = parseHandle(handle);
    if (!parsed || !(await isQemuWith(parsed.pid, parsed.qmpSocket))) return false;
    if (this.live.has(spec.instance)) return true;
    const machine: QemuMachine = {
      name: spec.instance,
      accelerator: parsed.accelerator,
      memoryMiB: parsed.memoryMiB,
      diskPath: parsed.diskPath,
      qmpSocket: parsed.qmpSocket,
      guestAgentSocket: parsed.guestAgentSocket,
      pidFile: join(spec.dataDir, 'qemu.pid'),
    };
    if (parsed.hostPort !== undefined && parsed.guestPort !== undefined) {
      machine.network = { hostPort: parsed.hostPort, guestPort: parsed.guestPort };
    }
    let qmp: QmpClient;
    try {
      qmp = await QmpClient.connect(parsed.qmpSocket, 3_000);
    } catch {
      return false;
    }
    this.track(spec, machine, parsed.pid, qmp);
    return true;
  }

  /** The host port forwarded to the guest's application, and the guest's own address. */
  endpointOf(handle: Record<string, unknown>): LayerEndpoint | undefined {
    const port = parseHandle(handle)?.hostPort;
    return port === undefined ? undefined : { port, guestAddress: USER_NETWORK_GUEST_ADDRESS };
  }

  /** Lets go of every VM without stopping it, as an agent does when it exits. */
  release(): void {
    for (const vm of this.live.values()) {
      vm.endingOnPurpose = true;
      vm.qmp.close();
    }
    this.live.clear();
  }

  /** Streams the instance's qcow2 disk (empty for a disk-less VM); the VM must be stopped. */
  async exportData(instance: string): Promise<Readable> {
    // Even a paused QEMU may hold qcow2 metadata not yet written: only a stopped disk is consistent.
    if (this.live.has(instance)) {
      throw new Error(`qemu instance ${instance} runs here: stop it before a cold export`);
    }
    const machine = this.ended.get(instance)?.machine;
    if (!machine) throw new Error(`no qemu instance ${instance} here`);
    if (!machine.diskPath) return Readable.from([]);
    return streamDisk(machine.diskPath);
  }

  /** Writes an exported qcow2 disk where `start(spec)` will use it. */
  async importData(spec: InstanceSpec, data: Readable): Promise<void> {
    parseQemuArtifact(spec.artifact);
    if (this.live.has(spec.instance)) {
      throw new Error(
        `qemu instance ${spec.instance} runs here: stop it before importing its disk`,
      );
    }
    await mkdir(spec.dataDir, { recursive: true });
    await writeDisk(this.qemuImg, diskPathOf(spec), data);
  }

  /** Starts a paused twin of the instance waiting on `tcp:ADDRESS:PORT` and answers that URI. */
  migrateIn(spec: InstanceSpec): Promise<{ uri: string }> {
    return this.serialised(spec.instance, async () => {
      const artifact = parseQemuArtifact(spec.artifact);
      if (this.live.has(spec.instance)) {
        throw new Error(`qemu instance ${spec.instance} already runs here`);
      }
      const address = this.options.migrationAddress ?? '127.0.0.1';
      const port = await freePortOn(address);
      const machine = await this.prepareMachine(spec, artifact, true);
      machine.incoming = `tcp:${address}:${port}`;
      await this.launch(spec, machine);
      return { uri: machine.incoming };
    });
  }

  /**
   * Live-migrates the VM to the QEMU at `target.uri`, waits for completion, then quits the source.
   * Downtime is QEMU's figure when it gives one, else the time from the source's STOP to completion.
   */
  migrateOut(
    instance: string,
    target: { host: string; uri: string },
  ): Promise<QemuLiveMigrationResult> {
    return this.serialised(instance, async () => {
      const vm = this.requireLive(instance);
      const { qmp } = vm;
      const beganAt = Date.now();
      const { status } = await qmp.execute<{ status: string }>('query-status');
      const wasRunning = status === 'running';
      const stopped = wasRunning
        ? qmp.nextEvent('STOP', 600_000).catch(() => undefined)
        : Promise.resolve({ atMs: beganAt });
      await qmp.execute('migrate-set-parameters', {
        'max-bandwidth': this.options.migrationBandwidth ?? 10 * 2 ** 30,
      });
      await qmp.execute('migrate', { uri: target.uri, blk: vm.machine.diskPath !== undefined });
      const info = await pollMigration(qmp);
      const completedAt = Date.now();
      if (info.status !== 'completed') {
        if (wasRunning) await qmp.execute('cont').catch(() => undefined);
        throw new Error(
          `live migration of ${instance} to ${target.host} ${info.status}: ${info['error-desc'] ?? 'no reason given'}`,
        );
      }
      const stopEvent = await stopped;
      const stoppedAtMs = stopEvent?.atMs ?? completedAt;
      const qemuTotalMs = info['total-time'] ?? 0;
      const qemuDowntimeMs = info.downtime ?? 0;
      await this.endProcess(vm, 0);
      this.markEnded(vm, 'stopped', `migrated to ${target.host}`);
      return {
        totalMs: qemuTotalMs > 0 ? qemuTotalMs : completedAt - beganAt,
        downtimeMs: qemuDowntimeMs > 0 ? qemuDowntimeMs : Math.max(0, completedAt - stoppedAtMs),
        stoppedAtMs,
        stopObserved: wasRunning && stopEvent !== undefined,
        qemuTotalMs,
        qemuDowntimeMs,
      };
    });
  }

  private async prepareMachine(
    spec: InstanceSpec,
    artifact: QemuArtifact,
    incoming: boolean,
  ): Promise<QemuMachine> {
    await mkdir(spec.dataDir, { recursive: true });
    const socketDir = socketDirOf(spec.dataDir);
    await mkdir(socketDir, { recursive: true });
    const machine: QemuMachine = {
      name: spec.instance,
      accelerator: (await this.accelerator()).accelerator,
      memoryMiB: artifact.memoryMiB ?? defaultMemoryMiB,
      qmpSocket: join(socketDir, 'qmp.sock'),
      guestAgentSocket: join(socketDir, 'qga.sock'),
      pidFile: join(spec.dataDir, 'qemu.pid'),
    };
    if (artifact.image || artifact.diskSize) {
      machine.diskPath = diskPathOf(spec);
      // An incoming migration copies the whole disk (block migration) onto a fresh one.
      if (incoming) await rm(machine.diskPath, { force: true });
      if (!existsSync(machine.diskPath)) await this.createDisk(machine.diskPath, artifact);
    }
    if (artifact.port !== undefined) {
      machine.network = { hostPort: await freePortOn('0.0.0.0'), guestPort: artifact.port };
    }
    machine.firmwareFiles = {};
    const files = guestDiscoveryFiles(spec, machine.network !== undefined);
    for (const [name, content] of Object.entries(files)) {
      const path = join(spec.dataDir, `fw_cfg-${name.split('/').pop()}`);
      await writeFile(path, content);
      machine.firmwareFiles[name] = path;
    }
    return machine;
  }

  private async createDisk(path: string, artifact: QemuArtifact): Promise<void> {
    let sizeBytes = artifact.diskSize ? diskSizeBytes(artifact.diskSize) : undefined;
    if (artifact.image && sizeBytes !== undefined) {
      // qemu-img refuses an overlay smaller than its base
      sizeBytes = Math.max(sizeBytes, (await imageInfo(this.qemuImg, artifact.image)).virtualSize);
    }
    await createQcow2(this.qemuImg, path, { backingImage: artifact.image, sizeBytes });
  }

  private async launch(spec: InstanceSpec, machine: QemuMachine): Promise<void> {
    await rm(machine.qmpSocket, { force: true });
    await rm(machine.guestAgentSocket, { force: true });
    const logPath = join(spec.dataDir, 'qemu.log');
    const pid = spawnDetachedQemu(this.qemuBinary, qemuCommandLine(machine), logPath);
    let qmp: QmpClient;
    try {
      qmp = await QmpClient.connect(machine.qmpSocket, 10_000);
    } catch (error) {
      await killAndWait(pid);
      const log = await readFile(logPath, 'utf8').catch(() => '');
      throw new Error(
        `qemu for ${spec.instance} did not come up: ${(error as Error).message}; log: ${log.trim().slice(-500)}`,
      );
    }
    this.track(spec, machine, pid, qmp);
  }

  private track(spec: InstanceSpec, machine: QemuMachine, pid: number, qmp: QmpClient): void {
    const vm: LiveVm = { spec, machine, pid, qmp, guestShutDown: false, endingOnPurpose: false };
    qmp.on('event', (e: { event: string; atMs: number }) => {
      if (e.event === 'STOP') vm.stoppedAtMs = e.atMs;
      else if (e.event === 'RESUME') vm.resumedAtMs = e.atMs;
      else if (e.event === 'SHUTDOWN') vm.guestShutDown = true;
    });
    qmp.once('close', () => {
      if (vm.endingOnPurpose || this.live.get(spec.instance) !== vm) return;
      // QEMU went away on its own: the guest powered off, or it crashed.
      void isAlive(pid).then((alive) => {
        if (alive || this.live.get(spec.instance) !== vm) return;
        if (vm.guestShutDown) this.markEnded(vm, 'stopped', 'guest powered off');
        else this.markEnded(vm, 'failed', 'qemu exited unexpectedly');
      });
    });
    this.live.set(spec.instance, vm);
  }

  /** Asks the guest to power off, waits `graceMs`, then quits QEMU, then kills it. */
  private async endProcess(vm: LiveVm, graceMs: number): Promise<void> {
    vm.endingOnPurpose = true;
    if (graceMs > 0 && vm.qmp.isOpen) {
      await vm.qmp.execute('system_powerdown').catch(() => undefined);
      if (await waitForExit(vm.pid, graceMs)) return;
    }
    if (vm.qmp.isOpen) await vm.qmp.execute('quit', undefined, 5_000).catch(() => undefined);
    if (!(await waitForExit(vm.pid, 5_000))) await killAndWait(vm.pid);
    vm.qmp.close();
  }

  private markEnded(vm: LiveVm, state: EndedVm['state'], detail: string): void {
    this.live.delete(vm.spec.instance);
    this.ended.set(vm.spec.instance, { spec: vm.spec, machine: vm.machine, state, detail });
  }

  private requireLive(instance: string): LiveVm {
    const vm = this.live.get(instance);
    if (!vm) throw new Error(`no running qemu instance ${instance} here`);
    return vm;
  }

  /** Runs operations on one instance one after another (start, stop and migrate must not interleave). */
  private serialised<T>(instance: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.busy.get(instance) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(operation);
    this.busy.set(instance, next);
    void next
      .catch(() => undefined)
      .then(() => {
        if (this.busy.get(instance) === next) this.busy.delete(instance);
      });
    return next;
  }
}

interface MigrationInfo {
  status: string;
  'total-time'?: number;
  downtime?: number;
  'error-desc'?: string;
}

async function pollMigration(qmp: QmpClient, timeoutMs = 600_000): Promise<MigrationInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await qmp.execute<MigrationInfo>('query-migrate');
    if (['completed', 'failed', 'cancelled'].includes(info.status)) return info;
    if (Date.now() > deadline) {
      await qmp.execute('migrate_cancel').catch(() => undefined);
      return { status: 'failed', 'error-desc': `not completed within ${timeoutMs} ms` };
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

function handleOf(vm: LiveVm): Record<string, unknown> {
  const handle: QemuHandle = {
    pid: vm.pid,
    qmpSocket: vm.machine.qmpSocket,
    guestAgentSocket: vm.machine.guestAgentSocket,
    accelerator: vm.machine.accelerator,
    memoryMiB: vm.machine.memoryMiB,
  };
  if (vm.machine.diskPath) handle.diskPath = vm.machine.diskPath;
  if (vm.machine.network) {
    handle.hostPort = vm.machine.network.hostPort;
    handle.guestPort = vm.machine.network.guestPort;
  }
  return { ...handle };
}

function parseHandle(handle: Record<string, unknown>): QemuHandle | undefined {
  const { pid, qmpSocket, guestAgentSocket, diskPath, accelerator, memoryMiB } = handle;
  if (typeof pid !== 'number' || typeof qmpSocket !== 'string') return undefined;
  if (typeof guestAgentSocket !== 'string' || typeof memoryMiB !== 'number') return undefined;
  if (accelerator !== 'kvm' && accelerator !== 'tcg') return undefined;
  if (diskPath !== undefined && typeof diskPath !== 'string') return undefined;
  const parsed: QemuHandle = { pid, qmpSocket, guestAgentSocket, diskPath, accelerator, memoryMiB };
  const { hostPort, guestPort } = handle;
  if (typeof hostPort === 'number' && typeof guestPort === 'number') {
    parsed.hostPort = hostPort;
    parsed.guestPort = guestPort;
  }
  return parsed;
}

function diskPathOf(spec: InstanceSpec): string {
  return join(spec.dataDir, 'disk.qcow2');
}

/** Unix socket paths are limited to ~108 bytes: deep data dirs keep their sockets under /tmp. */
function socketDirOf(dataDir: string): string {
  if (join(dataDir, 'qmp.sock').length <= maxUnixSocketPath) return dataDir;
  const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return join(tmpdir(), `federa-qemu-${digest}`);
}

async function removeMachineFiles(machine: QemuMachine): Promise<void> {
  const files = [machine.qmpSocket, machine.guestAgentSocket, machine.pidFile];
  if (machine.diskPath) files.push(machine.diskPath);
  await Promise.all(files.map((f) => rm(f, { force: true })));
}

/** A TCP port free a moment ago on `address`, for QEMU's `-incoming`. */
function freePortOn(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const bound = server.address();
      const port = typeof bound === 'object' && bound ? bound.port : 0;
      server.close(() => resolve(port));
    });
  });
}
