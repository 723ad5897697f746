import type { EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import type { CostReports } from '../api/cost-reports';
import { BudgetWatcher } from './budget-watcher';

describe('the budget watcher', () => {
  const watcherLeading = (leading: boolean) =>
    new BudgetWatcher({} as Pool, {} as EventStore, {} as CostReports, 60_000, () =>
      Promise.resolve(leading),
    );

  it('measures budgets only on the replica that leads statistics’ jobs', async () => {
    const follower = watcherLeading(false);
    const leader = watcherLeading(true);
    const followerChecks = jest.spyOn(follower, 'check').mockResolvedValue(undefined);
    const leaderChecks = jest.spyOn(leader, 'check').mockResolvedValue(undefined);

    follower.start();
    leader.start();
    await follower.stop();
    await leader.stop();

    expect(followerChecks).not.toHaveBeenCalled();
    expect(leaderChecks).toHaveBeenCalledTimes(1);
  });
});
