import { agentTextMaxLength, cleanAgentText } from './agent-text';

describe('cleaning an agent’s free text', () => {
  it('replaces NUL and other control characters, keeping tabs and newlines', () => {
    expect(cleanAgentText('exit\u0000 1\u001b[31m\tred\nnext\u007f')).toBe(
      'exit\ufffd 1\ufffd[31m\tred\nnext\ufffd',
    );
  });

  it('replaces a lone surrogate and keeps a pair', () => {
    expect(cleanAgentText('a\ud800b 😀')).toBe('a\ufffdb 😀');
  });

  it('cuts a text longer than the limit', () => {
    const cut = cleanAgentText('x'.repeat(agentTextMaxLength + 10));
    expect(cut).toHaveLength(agentTextMaxLength);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('leaves ordinary text as it is', () => {
    expect(cleanAgentText('exited with code 1: ENOENT')).toBe('exited with code 1: ENOENT');
  });
});
