/** The longest agent-written text kept in an event (a stack trace or a log tail is cut there). */
export const agentTextMaxLength = 2000;

// C0 controls but tab and newline, DEL, and lone surrogates: jsonb refuses NUL (22P05) and a
// lone surrogate cannot be encoded; the other controls would garble every log and terminal.
const unsafe =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * An agent's free text (a report's `detail`) made safe to store: control characters become U+FFFD
 * and the text is cut at agentTextMaxLength. An agent's words are facts to keep, so the text is
 * cleaned rather than the report dropped.
 */
export function cleanAgentText(text: string): string {
  const cleaned = text.replace(unsafe, '\ufffd');
  return cleaned.length > agentTextMaxLength
    ? `${cleaned.slice(0, agentTextMaxLength - 1)}…`
    : cleaned;
}
