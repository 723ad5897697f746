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

  /**
   * Resolves once the answer is stored: only then may the command's work start. An answer that could
   * not be stored is taken back, so that a retry of the command is decided (and worked) afresh rather
   * than answered "accepted" with nothing done.
   */
  async record(commandId: string, reply: CommandReply): Promise<void> {
    this.ledger.record(commandId, reply);
    try {
      await this.store.saveAnswers(this.ledger.entries());
    } catch (error) {
      this.ledger.forget(commandId);
      throw error;
    }
  }
}
