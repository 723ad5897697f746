/**
 * What tracing costs a command round trip (CommandClient → NATS → CommandTransport → handler →
 * reply), in two child processes: one with tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT: the
 * process's one check), one tracing every round trip into an in-memory exporter (a client and a
 * server span, the header written and read). Prints one JSON line.
 *
 *   node -r ./bench/eventstore-register.js bench/tracing.ts   (NATS on FEDERA_NATS_URL)
 */
import { execFileSync } from 'node:child_process';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects } from '@federa/contracts';
import { CommandClient, CommandTransport, connectNats } from '@federa/messaging';
import { installTracing } from '@federa/runtime/tracing';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { runBench } from './run-bench';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const roundTrips = Number(process.env.BENCH_ROUND_TRIPS ?? 20000);
const warmUp = 500;

@Controller()
class EchoController {
  @MessagePattern('cmd.bench.echo')
  echo(@Payload() payload: { n: number }): { n: number } {
    return payload;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

interface Timing {
  tracing: 'off' | 'in-memory';
  meanUs: number;
  p50Us: number;
  p99Us: number;
  /** Spans finished during the timed round trips (two per round trip when tracing). */
  spans: number;
}

/** One mode's round trips, timed one at a time after a warm-up. */
async function measure(mode: Timing['tracing']): Promise<Timing> {
  const exporter = new InMemorySpanExporter();
  if (mode === 'in-memory') installTracing(new SimpleSpanProcessor(exporter), 'federa-bench');
  const subjectPrefix = `benchtr${process.pid}`;
  const app = await NestFactory.createMicroservice(EchoModule, {
    strategy: new CommandTransport({ natsUrl, subjectPrefix, service: 'bench' }),
    logger: ['error'],
  });
  await app.listen();
  const nc = await connectNats(natsUrl, 'bench-tracing');
  const client = new CommandClient(nc, new Subjects(subjectPrefix));
  try {
    for (let n = 0; n < warmUp; n++) await client.send('bench', 'echo', { n });
    exporter.reset();
    const times: number[] = [];
    let spans = 0;
    for (let n = 0; n < roundTrips; n++) {
      const start = process.hrtime.bigint();
      await client.send('bench', 'echo', { n });
      times.push(Number(process.hrtime.bigint() - start) / 1000);
      // Spans kept would grow the heap over the run: counted, then let go.
      if (exporter.getFinishedSpans().length >= 1000) {
        spans += exporter.getFinishedSpans().length;
        exporter.reset();
      }
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => Math.round(times[Math.floor(q * (times.length - 1))]);
    return {
      tracing: mode,
      meanUs: Math.round(times.reduce((a, b) => a + b, 0) / times.length),
      p50Us: at(0.5),
      p99Us: at(0.99),
      spans: spans + exporter.getFinishedSpans().length,
    };
  } finally {
    await nc.close();
    await app.close();
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2] as Timing['tracing'] | undefined;
  if (mode) {
    process.stdout.write(`${JSON.stringify(await measure(mode))}\n`);
    return;
  }
  // A process can register a tracer provider once: each mode runs in a process of its own.
  const run = (m: Timing['tracing']): Timing => {
    const env = { ...process.env };
    delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const out = execFileSync(
      process.execPath,
      ['-r', './bench/eventstore-register.js', __filename, m],
      { env, encoding: 'utf8' },
    );
    return JSON.parse(out.trim().split('\n').pop()!) as Timing;
  };
  const off = run('off');
  const on = run('in-memory');
  process.stdout.write(
    `${JSON.stringify({
      bench: 'tracing',
      roundTrips,
      off,
      inMemory: on,
      addedMeanUs: on.meanUs - off.meanUs,
    })}\n`,
  );
}

runBench(main);
