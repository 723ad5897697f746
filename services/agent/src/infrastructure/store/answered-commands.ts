import type { CommandReply } from '@federa/contracts';
import { CommandLedger } from '../../domain/command-ledger';
import type { AgentStateStore } from './agent-state-store';

/** The answers the agent gave, by command id, kept through the state store across its restarts. */
export class AnsweredCommands {
  private ledger = new CommandLedger<CommandReply>();

  constructor(private readonly store: AgentStateStore) {}

  async load(): Promise<void> {
    this.ledger = new CommandLedger(await this.store.loadAnswers());
  }

  answerOf(commandId: string): CommandReply | undefined {
    return this.ledger.answerOf(commandId);
  }

  /** Resolves once the answer is stored: only then may the command's work start. */
  record(commandId: string, reply: CommandReply): Promise<void> {
    this.ledger.record(commandId, reply);
    return this.store.saveAnswers(this.ledger.entries());
  }
}
