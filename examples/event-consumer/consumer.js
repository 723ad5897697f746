'use strict';
// A platform team's consumer of Federa's event stream: it counts the events of each type, and shows
// the three things every consumer needs (docs/INTEGRATING.md):
//   1. a JetStream durable consumer of FEDERA_EVENTS, acknowledging each event after its effect is kept;
//   2. each event applied once: the effect and where the consumer is (the last stream sequence and
//      the last event handled) are saved together (here one file written atomically; in a real
//      consumer, one database transaction), so a redelivered message, at or before the last stream
//      sequence kept, is acknowledged and nothing else;
//   3. catch-up: when the stream no longer holds the messages after the last one handled (its limits
//      dropped them), the missing events are read from the REST API (GET /v1/events?after=) first,
//      page after page with each page's `next`.
//
//   node examples/event-consumer/consumer.js
// Environment: FEDERA_NATS_URL (nats://127.0.0.1:4222), FEDERA_SUBJECT_PREFIX (federa),
// FEDERA_API_URL (http://127.0.0.1:8080), FEDERA_API_TOKEN (a viewer token is enough),
// CONSUMER_NAME (reader_<name> with a reader's credentials, else event-counter), STATE_FILE (./event-counter.json), PAGE_SIZE (1000, events per
// REST page while catching up); for a NATS that requires TLS, FEDERA_NATS_TLS_CA (the CA that signed
// its certificate) and, when it asks for client certificates, FEDERA_NATS_TLS_CERT and
// FEDERA_NATS_TLS_KEY (docs/security/tls.md); on a bus with credentials, FEDERA_NATS_CREDENTIALS: a
// reader's seed file (`federa credentials issue reader NAME`, docs/security/bus.md).
const fs = require('node:fs');
const { AckPolicy, DeliverPolicy, connect, nkeyAuthenticator } = require('nats');

const natsUrl = process.env.FEDERA_NATS_URL || 'nats://127.0.0.1:4222';
const prefix = process.env.FEDERA_SUBJECT_PREFIX || 'federa';
const apiUrl = process.env.FEDERA_API_URL || 'http://127.0.0.1:8080';
const token = process.env.FEDERA_API_TOKEN || '';
const stateFile = process.env.STATE_FILE || './event-counter.json';
const pageSize = Number(process.env.PAGE_SIZE || 1000);
const tls =
  process.env.FEDERA_NATS_TLS_CA || process.env.FEDERA_NATS_TLS_CERT
    ? {
        caFile: process.env.FEDERA_NATS_TLS_CA || undefined,
        certFile: process.env.FEDERA_NATS_TLS_CERT || undefined,
        keyFile: process.env.FEDERA_NATS_TLS_KEY || undefined,
      }
    : undefined;
const streamName = `${prefix.toUpperCase().replace(/-/g, '_')}_EVENTS`;
const identity = readerIdentity();
// A reader may use only the consumer named after it (docs/security/bus.md): `reader_<name>`.
const durable =
  process.env.CONSUMER_NAME || (identity ? `reader_${identity.name}` : 'event-counter');

/** The seed file's identity (`# federa bus identity: reader:<name>`), or undefined without one. */
function readerIdentity() {
  const file = process.env.FEDERA_NATS_CREDENTIALS;
  if (!file) return undefined;
  const found = /^# federa bus identity: (\w+):(\S+)$/m.exec(fs.readFileSync(file, 'utf8'));
  return found ? { kind: found[1], name: found[2] } : undefined;
}

/**
 * The reader's identity: its nkey seed, and the inbox its permissions let it receive in
 * (`_INBOX.reader.<name>`, from the file's identity line).
 */
function credentials() {
  const file = process.env.FEDERA_NATS_CREDENTIALS;
  if (!file) return {};
  const text = fs.readFileSync(file, 'utf8');
  const seed = /\bS[A-Z2-7]{57}\b/.exec(text);
  if (!seed) throw new Error(`FEDERA_NATS_CREDENTIALS: ${file} holds no nkey seed`);
  return {
    authenticator: nkeyAuthenticator(new TextEncoder().encode(seed[0])),
    ...(identity ? { inboxPrefix: `_INBOX.${identity.kind}.${identity.name}` } : {}),
  };
}

/**
 * What this consumer keeps: its effect (counts, and how many events it counted) and where it is,
 * always saved together. Its size does not grow with the log: no list of positions is needed, since
 * stream sequences and the REST API's `next` both move only forward.
 */
function loadState() {
  if (!fs.existsSync(stateFile)) return { lastStreamSeq: 0, lastPosition: 0, total: 0, counts: {} };
  return JSON.parse(fs.readFileSync(stateFile, 'utf8'));
}

function saveState(state) {
  // Write then rename: the file always holds a whole state, never half of one.
  fs.writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
  fs.renameSync(`${stateFile}.tmp`, stateFile);
}

const state = loadState();

function apply(event) {
  state.counts[event.type] = (state.counts[event.type] || 0) + 1;
  state.total += 1;
  // Positions are unique but not monotonic: "where I am" is the last event handled, not the highest.
  state.lastPosition = event.position;
  console.log(`${event.position} ${event.type} ${event.streamId}`);
}

/**
 * Reads the log after the last event handled up to (not including) `untilPosition`, or to its end,
 * saving after each page so that a crash mid-way resumes where it stopped.
 */
async function catchUp(untilPosition) {
  let after = state.lastPosition;
  for (;;) {
    const response = await fetch(`${apiUrl}/v1/events?after=${after}&limit=${pageSize}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (!response.ok) throw new Error(`GET /v1/events answered ${response.status}`);
    const page = await response.json();
    for (const event of page.items) {
      if (event.position === untilPosition) {
        saveState(state);
        return;
      }
      apply(event);
    }
    saveState(state);
    if (page.items.length === 0 || page.next === undefined || page.next === null) return;
    after = page.next;
  }
}

async function main() {
  const nc = await connect({
    servers: natsUrl,
    name: durable,
    ...(tls ? { tls } : {}),
    ...credentials(),
  });
  const jsm = await nc.jetstreamManager();
  const existing = await jsm.consumers.info(streamName, durable).catch(() => undefined);
  if (!existing) {
    await jsm.consumers.add(streamName, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: `${prefix}.events.>`,
      ...(state.lastStreamSeq > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: state.lastStreamSeq + 1 }
        : { deliver_policy: DeliverPolicy.All }),
    });
  }
  const consumer = await nc.jetstream().consumers.get(streamName, durable);
  const messages = await consumer.consume({ max_messages: 100 });
  const stop = () => void messages.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(`consuming ${streamName} as ${durable}`);

  for await (const message of messages) {
    const seq = message.info.streamSequence;
    // At or before the last one kept: a redelivery (the ack was lost), already counted.
    if (seq <= state.lastStreamSeq) {
      message.ack();
      continue;
    }
    const event = message.json();
    // Messages between the last one handled and this one are gone from the stream: read them first.
    if (seq > state.lastStreamSeq + 1) await catchUp(event.position);
    apply(event);
    state.lastStreamSeq = seq;
    saveState(state);
    message.ack(); // only once the effect is kept: a crash before this means a redelivery, skipped above
  }
  await nc.drain();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
