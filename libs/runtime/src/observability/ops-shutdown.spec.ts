import { Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpsServer } from './ops-server';
import { closingOpsOnShutdown } from './ops-shutdown';

describe('closing the ops server on shutdown', () => {
  it('closes it before the modules of the service are destroyed', async () => {
    const events: string[] = [];
    const ops: OpsServer = {
      port: 0,
      close: async () => {
        events.push('ops closed');
      },
    };

    @Injectable()
    class Pool implements OnModuleDestroy {
      onModuleDestroy(): void {
        events.push('pool closed');
      }
    }
    @Module({ providers: [Pool] })
    class ServiceModule {}

    const app = await NestFactory.createApplicationContext(
      closingOpsOnShutdown(ServiceModule, () => ops),
      { logger: false },
    );
    await app.close();
    expect(events).toEqual(['ops closed', 'pool closed']);
  });

  it('shuts down an app that opened no ops server', async () => {
    @Module({})
    class ServiceModule {}
    const app = await NestFactory.createApplicationContext(
      closingOpsOnShutdown(ServiceModule, () => undefined),
      { logger: false },
    );
    await expect(app.close()).resolves.toBeUndefined();
  });
});
