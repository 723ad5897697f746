import { ValidationFailed } from '@federa/contracts';
import { CommandContractPipe } from './command-contract-pipe';

describe('CommandContractPipe', () => {
  it('answers a remembered query with the value it validated the first time', () => {
    const pipe = new CommandContractPipe('listInstances', { remember: 2 });
    const first = pipe.transform({ limit: 100, host: 'h1' });
    expect(first).toEqual(expect.objectContaining({ limit: 100, host: 'h1' }));
    expect(pipe.transform({ limit: 100, host: 'h1' })).toBe(first);
  });

  it('gives remembered queries frozen, so that one request cannot change what the next is given', () => {
    const pipe = new CommandContractPipe('listInstances', { remember: 2 });
    const first = pipe.transform({ limit: 100, host: 'h1' }) as { host?: string };
    expect(() => {
      first.host = 'h2';
    }).toThrow(TypeError);
    expect(pipe.transform({ limit: 100, host: 'h1' })).toEqual(
      expect.objectContaining({ limit: 100, host: 'h1' }),
    );
  });

  it('refuses an invalid query every time it comes, naming the field', () => {
    const pipe = new CommandContractPipe('listInstances', { remember: 2 });
    for (let i = 0; i < 2; i++) {
      expect(() => pipe.transform({ limit: 0 })).toThrow(ValidationFailed);
      expect(() => pipe.transform({ limit: 0 })).toThrow(/limit/);
    }
  });

  it('validates again once more distinct queries came than it remembers', () => {
    const pipe = new CommandContractPipe('listInstances', { remember: 2 });
    const first = pipe.transform({ limit: 1 });
    pipe.transform({ limit: 2 });
    pipe.transform({ limit: 3 });
    const again = pipe.transform({ limit: 1 });
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });

  it('validates every payload when told to remember none', () => {
    const pipe = new CommandContractPipe('listInstances');
    expect(pipe.transform({ limit: 1 })).not.toBe(pipe.transform({ limit: 1 }));
  });
});
