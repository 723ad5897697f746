/**
 * Where a message of the event stream stands against the last one the consumer applied:
 * - `next`: the very next one (or the first of a consumer that has seen none, starting at 1);
 * - `seen`: at or before the last applied (a redelivery, or an older copy): applied only if its
 *   position was never handled, and it moves nothing;
 * - `gap`: messages between the two are missing from what was delivered (the stream dropped them
 *   under its limits, or they were delivered to no one yet): they are read from the log first.
 */
export type StreamOrder = 'next' | 'seen' | 'gap';

export function streamOrder(lastAppliedSeq: number, messageSeq: number): StreamOrder {
  if (messageSeq <= lastAppliedSeq) return 'seen';
  return messageSeq === lastAppliedSeq + 1 ? 'next' : 'gap';
}

/**
 * Where the consumer must resume after a start: with the stream it last followed, where it was; with
 * another stream (recreated: its sequences start over), from its beginning, the positions it already
 * handled making the overlap harmless.
 */
export function resumeSeq(
  state: { lastStreamSeq: number; streamCreated: string },
  streamCreated: string,
): number {
  return state.streamCreated === '' || state.streamCreated === streamCreated
    ? state.lastStreamSeq
    : 0;
}
