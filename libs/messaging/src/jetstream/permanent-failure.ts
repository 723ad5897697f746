/** Thrown by a handler for a message that no retry can fix: dead-lettered at once, not redelivered. */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}
