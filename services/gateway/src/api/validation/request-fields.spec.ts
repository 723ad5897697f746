import { ValidationFailed } from '@federa/contracts';
import { bodyFields, checkedListQuery, listQueryFields } from './request-fields';

function refusal(run: () => unknown): ValidationFailed {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationFailed) return error;
    throw error;
  }
  throw new Error('expected a ValidationFailed');
}

describe('request fields', () => {
  it('takes the allowed fields of an action body, and none from an absent one', () => {
    expect(bodyFields({ reason: 'disk swap' }, ['reason'])).toEqual({ reason: 'disk swap' });
    expect(bodyFields(undefined, ['reason'])).toEqual({});
    expect(bodyFields({}, ['reason'])).toEqual({});
  });

  it('refuses a body key the route does not take, naming it, rather than dropping it', () => {
    expect(refusal(() => bodyFields({ reasn: 'typo', as: 'x' }, ['reason'])).errors).toEqual([
      { path: 'reasn', reason: 'unknown key' },
      { path: 'as', reason: 'unknown key' },
    ]);
    expect(refusal(() => bodyFields(['reason'], ['reason'])).errors).toEqual([
      { path: '', reason: 'must be an object' },
    ]);
  });

  it('keeps every query parameter for the command to judge, with limit as a number', () => {
    expect(listQueryFields({ site: 'geneva', limit: '50', stat: 'ready' })).toEqual({
      site: 'geneva',
      limit: 50,
      stat: 'ready',
    });
    expect(listQueryFields({ limit: 'ten' }).limit).toBeNaN();
    expect(listQueryFields({})).toEqual({});
  });

  it('checks a list query against its command, refusing a bad one each time it comes', () => {
    expect(checkedListQuery('listHosts', { site: 'geneva', limit: '50' })).toEqual({
      site: 'geneva',
      limit: 50,
    });
    expect(checkedListQuery('listHosts', { site: 'geneva', limit: '50' })).toEqual({
      site: 'geneva',
      limit: 50,
    });
    for (let i = 0; i < 2; i++) {
      const paths = refusal(() =>
        checkedListQuery('listHosts', { stat: 'ready', limit: 'ten' }),
      ).errors.map((e) => e.path);
      expect(new Set(paths)).toEqual(new Set(['limit', 'stat']));
    }
  });

  it('keeps accepting queries after it has remembered more than it keeps', () => {
    for (let after = 0; after < 1500; after++) {
      expect(checkedListQuery('listInstances', { after: `i-${after}` })).toEqual({
        after: `i-${after}`,
      });
    }
    expect(refusal(() => checkedListQuery('listInstances', { limit: '0' })).errors).toEqual([
      expect.objectContaining({ path: 'limit' }),
    ]);
  });
});
