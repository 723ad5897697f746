import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { Subjects } from '../messaging/subjects';
import { Commands, commandSubject, isCommandName, validateCommand } from './command-registry';

const shop = parse(readFileSync(join(__dirname, '../../../../examples/shop.yaml'), 'utf8'));

describe('command registry', () => {
  it('routes each command to its owning service subject', () => {
    const subjects = new Subjects('t1');
    expect(commandSubject(subjects, 'drainHost')).toBe('t1.cmd.inventory.drain');
    expect(commandSubject(subjects, 'applyService')).toBe('t1.cmd.supervision.apply');
    expect(commandSubject(subjects, 'migrateInstance')).toBe('t1.cmd.migration.migrate');
  });

  it('gives every command its own subject within its service', () => {
    const keys = Object.values(Commands).map((c) => `${c.service}.${c.subject}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(isCommandName('drainHost')).toBe(true);
    expect(isCommandName('launchRockets')).toBe(false);
  });

  it('accepts the payloads the REST API sends', () => {
    expect(validateCommand('retireHost', { host: 'mph-1', force: true }).ok).toBe(true);
    expect(validateCommand('copyService', { name: 'shop', as: 'shop-2' }).ok).toBe(true);
    expect(validateCommand('migrateInstance', { instance: 'shop-web-1' }).ok).toBe(true);
    expect(validateCommand('listInstances', { service: 'shop', host: 'mph-1', limit: 50 }).ok).toBe(
      true,
    );
    expect(validateCommand('applyService', { name: 'shop', spec: shop }).ok).toBe(true);
  });

  it('refuses bad payloads naming each field', () => {
    expect(validateCommand('retireHost', { host: 'mph-1', force: 'yes', extra: 1 })).toEqual({
      ok: false,
      errors: [
        { path: 'extra', reason: 'unknown key' },
        { path: 'force', reason: 'must be a boolean value' },
      ],
    });
    expect(validateCommand('copyService', { name: 'shop' })).toEqual({
      ok: false,
      errors: [{ path: 'as', reason: 'is required' }],
    });
  });

  it('runs the spec rules on apply, and requires the spec to carry the requested name', () => {
    const web = shop.spec.applications[2];
    const spec = {
      ...shop,
      metadata: { name: 'other' },
      spec: {
        ...shop.spec,
        applications: [
          ...shop.spec.applications,
          { ...web, resources: { cpu: 'x', memory: '1Gi' } },
        ],
      },
    };
    const result = validateCommand('applyService', { name: 'shop', spec });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      {
        path: 'spec.spec.applications[3].resources.cpu',
        reason: expect.stringContaining('expected a cpu quantity'),
      },
      {
        path: 'spec.spec.applications[3].name',
        reason: expect.stringContaining('duplicate application name "web"'),
      },
      { path: 'spec.metadata.name', reason: 'must equal the service name in the request ("shop")' },
    ]);
  });
});
