import { streamCategory, type RecordedEvent } from '@federa/contracts';
import type { PoolClient } from 'pg';
import type { StatisticsEventHandler } from '../../consumer/statistics-event-handlers';
import { eventTime } from '../domain/event-time';
import {
  evolveHostRecord,
  hostCatalogueEventTypes,
  type HostCatalogueEvent,
} from '../domain/host-record';
import {
  intervalChange,
  intervalEventTypes,
  type IntervalEvent,
} from '../domain/placement-intervals';
import {
  evolveServiceRecord,
  serviceCatalogueEventTypes,
  type ServiceCatalogueEvent,
} from '../domain/service-record';
import { loadHost, saveHost } from './host-table';
import { recordHostTerm } from './host-terms-table';
import { applyIntervalChange, loadOpenInterval } from './instance-table';
import { loadService, saveService } from './service-table';

/** The id after `<category>-` in a stream id (`host-geneva-1` → `geneva-1`). */
const streamEntity = (streamId: string) => streamId.slice(streamId.indexOf('-') + 1);

/**
 * Keeps statistics.hosts, statistics.services and statistics.instances from the log: each event
 * folded into its entity's row (read locked, evolved by the pure folds, written back) in the
 * consumer's transaction, so a replayed event changes nothing.
 */
export const catalogueHandler: StatisticsEventHandler = {
  name: 'catalogue',
  types: [...hostCatalogueEventTypes, ...serviceCatalogueEventTypes, ...intervalEventTypes],
  async handle(event: RecordedEvent, db: PoolClient): Promise<void> {
    const at = eventTime(event);
    switch (streamCategory(event.streamId)) {
      case 'host': {
        const id = streamEntity(event.streamId);
        const before = await loadHost(db, id);
        const after = evolveHostRecord(before, event as HostCatalogueEvent, at, event.position);
        if (after && after !== before) {
          await saveHost(db, after);
          if (event.type === 'HostRegistered') await recordHostTerm(db, after, at);
        }
        return;
      }
      case 'service': {
        const name = streamEntity(event.streamId);
        const before = await loadService(db, name);
        const e = event as ServiceCatalogueEvent;
        const after = evolveServiceRecord(before, e, at, event.position);
        if (after && after !== before) await saveService(db, after);
        return;
      }
      case 'instance': {
        const id = streamEntity(event.streamId);
        const open = await loadOpenInterval(db, id);
        const change = intervalChange(open, event as IntervalEvent, at, event.position);
        await applyIntervalChange(db, id, change);
        return;
      }
    }
  },
};
