/**
 * A handler's answer that is JSON text already: CommandTransport sends it as the reply's `result`
 * as it is, instead of serialising an object (a list page a service keeps rendered). Anything else
 * that serialises it (a test calling the handler, a refusal measuring the answer) sees the value.
 */
export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}
