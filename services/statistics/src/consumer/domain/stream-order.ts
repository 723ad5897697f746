/**
 * Where a message of the event stream stands against the last one the consumer applied:
 * - `next`: the very next one (or the first of a consumer that has seen none, starting at 1);
 * - `seen`: at or before the last applied (a redelivery, or an older copy): already applied, or
 *   covered by a catch-up from the log, so it is acknowledged and nothing else;
 * - `gap`: messages between the two are missing from what was delivered (the stream dropped them
 *   under its limits, or they were delivered to no one yet): they are read from the log first.
 */
export type StreamOrder = 'next' | 'seen' | 'gap';

export function streamOrder(lastAppliedSeq: number, messageSeq: number): StreamOrder {
  if (messageSeq <= lastAppliedSeq) return 'seen';
  return messageSeq === lastAppliedSeq + 1 ? 'next' : 'gap';
}

/**
 * The stream sequence of a consumer that follows a recreated stream: before any of its messages,
 * yet not `0`, so that its first message shows a gap and what the old stream held but the consumer
 * had not applied is read from the log first (the relay goes on from its own checkpoint, not from
 * where the consumer stopped).
 */
export const recreatedStreamSeq = -1;

/**
 * Where the consumer must resume after a start: with the stream it last followed, where it was; with
 * another stream (recreated: its sequences start over), before its beginning with a gap to fill.
 */
export function resumeSeq(
  state: { lastStreamSeq: number; streamCreated: string },
  streamCreated: string,
): number {
  return state.streamCreated === '' || state.streamCreated === streamCreated
    ? state.lastStreamSeq
    : recreatedStreamSeq;
}
