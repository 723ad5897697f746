import { agentLogger } from './agent-logger';

describe("the agent's log", () => {
  const saved = process.env.FEDERA_LOG_LEVEL;
  afterEach(() => {
    if (saved === undefined) delete process.env.FEDERA_LOG_LEVEL;
    else process.env.FEDERA_LOG_LEVEL = saved;
  });

  it('logs at info when FEDERA_LOG_LEVEL is unset or empty', () => {
    delete process.env.FEDERA_LOG_LEVEL;
    expect(agentLogger('agent').level).toBe('info');
    process.env.FEDERA_LOG_LEVEL = '';
    expect(agentLogger('agent').level).toBe('info');
  });

  it('takes the level FEDERA_LOG_LEVEL names', () => {
    process.env.FEDERA_LOG_LEVEL = 'debug';
    expect(agentLogger('agent').level).toBe('debug');
  });

  it("names the service on every line, as every service's log does", () => {
    expect(agentLogger('federa-agent h1').bindings()).toMatchObject({
      service: 'agent',
      name: 'federa-agent h1',
    });
  });
});
