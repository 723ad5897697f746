import { Module } from '@nestjs/common';
import { HostsController } from './hosts.controller';

/** `/v1/hosts`: inventory's hosts and the operator's actions on them. */
@Module({ controllers: [HostsController] })
export class HostsModule {}
