import type { CommandReply } from '@federa/contracts';
import { FakeStateStore } from '../../testing/fake-state-store';
import { AnsweredCommands } from './answered-commands';

const accepted: CommandReply = { ok: true, result: { accepted: true } } as CommandReply;

describe('the answered commands', () => {
  it('keep an answer once it is stored', async () => {
    const answers = new AnsweredCommands(new FakeStateStore());
    await answers.record('start-1', accepted);
    expect(answers.answerOf('start-1')).toEqual(accepted);
  });

  it('take an answer back when it could not be stored, so that a retry is worked afresh', async () => {
    const store = new FakeStateStore();
    store.saveAnswers = () => Promise.reject(new Error('disk full'));
    const answers = new AnsweredCommands(store);
    await expect(answers.record('start-1', accepted)).rejects.toThrow('disk full');
    expect(answers.answerOf('start-1')).toBeUndefined();
  });
});
