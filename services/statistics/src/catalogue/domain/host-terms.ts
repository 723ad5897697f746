import type { HostRecord } from './host-record';

/**
 * The site, rates and protections a host was priced at over [validFrom, validTo): a host that
 * registers again with other costs or at another site starts a new term, so that a past window is
 * priced at what held then, not at today's rates.
 */
export interface HostTerm {
  site: string;
  rates: HostRecord['rates'];
  features: HostRecord['features'];
  validFrom: string;
  /** Null while it holds. */
  validTo: string | null;
}

/**
 * What a registration changes in the host's terms: the open one closed (`close`: its validFrom, ended
 * at the new term's validFrom), and a term opened — replacing the open one if they start together.
 */
export interface HostTermChange {
  close?: string;
  open?: HostTerm;
}

const priced = (t: Pick<HostTerm, 'site' | 'rates' | 'features'>): string =>
  JSON.stringify([
    t.site,
    t.rates.cpuHour,
    t.rates.memoryGiBHour,
    t.rates.storageGiBMonth,
    t.rates.networkGiB,
    t.rates.standingPerHour,
    t.features.ups,
    t.features.raid,
  ]);

/**
 * The terms after the host's record became `record` at `at` (`open`: the term holding until then).
 * The first term starts at the first registration; a new one starts only when the site, a rate or a
 * protection changed, never before the one it follows (clocks of the log may disagree).
 */
export function hostTermChange(
  open: HostTerm | undefined,
  record: HostRecord,
  at: string,
): HostTermChange {
  const term = { site: record.site, rates: { ...record.rates }, features: { ...record.features } };
  if (!open) return { open: { ...term, validFrom: record.registeredAt, validTo: null } };
  if (priced(open) === priced(term)) return {};
  const from = Date.parse(at) > Date.parse(open.validFrom) ? at : open.validFrom;
  const opened = { ...term, validFrom: from, validTo: null };
  return from === open.validFrom ? { open: opened } : { close: open.validFrom, open: opened };
}
