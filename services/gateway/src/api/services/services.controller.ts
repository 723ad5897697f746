import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  CopyServiceRequest,
  DeletedService,
  ServicePage,
  ServiceSpec,
  ServiceSummary,
} from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { CurrentPrincipal, originOf, type Principal } from '../auth/principal';
import type { Request } from 'express';
import { RequiresRole } from '../auth/requires-role.decorator';
import { ApiContractBody, ApiContractResponse } from '../openapi/api-contract.decorators';
import { bodyFields, listQueryFields } from '../validation/request-fields';
import { readSpecBody } from './spec-body';

/** Services and their life cycle, answered by supervision over NATS. */
@ApiTags('services')
@Controller('v1/services')
export class ServicesController {
  constructor(private readonly commands: CommandClient) {}

  @Put(':name')
  @RequiresRole('operator')
  @ApiOperation({
    summary:
      'Apply a spec (YAML or JSON): create or update; 400 lists every error and stores nothing',
  })
  @ApiContractBody(ServiceSpec, {
    description: 'The service spec, as YAML or JSON',
    contentTypes: ['application/json', 'application/yaml'],
  })
  @ApiContractResponse(200, ServiceSummary, 'The service as applied')
  async apply(
    @Param('name') name: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<ServiceSummary> {
    return this.commands.sendCommand(
      'applyService',
      { name, spec: await readSpecBody(request) },
      originOf(principal),
    );
  }

  @Get()
  @ApiOperation({
    summary: 'List services: name, state, applications[{name, desired, healthy, instances[]}]',
  })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'after', required: false })
  @ApiContractResponse(200, ServicePage, 'A page of services')
  list(@Query() query: Record<string, unknown>): Promise<ServicePage> {
    return this.commands.sendCommand('listServices', listQueryFields(query));
  }

  @Get(':name')
  @ApiOperation({ summary: 'One service with its applications and instances' })
  @ApiContractResponse(200, ServiceSummary, 'The service')
  get(@Param('name') name: string): Promise<ServiceSummary> {
    return this.commands.sendCommand('getService', { name });
  }

  @Post(':name/deploy')
  @HttpCode(202)
  @RequiresRole('operator')
  @ApiOperation({ summary: 'Start the applications in dependency order, each at replicas.min' })
  @ApiContractResponse(202, ServiceSummary, 'The service, deploying')
  deploy(
    @Param('name') name: string,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<ServiceSummary> {
    return this.commands.sendCommand('deployService', { name }, originOf(principal));
  }

  @Post(':name/stop')
  @HttpCode(202)
  @RequiresRole('operator')
  @ApiOperation({ summary: 'Stop the applications in reverse dependency order' })
  @ApiContractResponse(202, ServiceSummary, 'The service, stopping')
  stop(
    @Param('name') name: string,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<ServiceSummary> {
    return this.commands.sendCommand('stopService', { name }, originOf(principal));
  }

  @Post(':name/copy')
  @HttpCode(201)
  @RequiresRole('operator')
  @ApiOperation({
    summary: 'Copy the service under a new name ({ "as": NAME }): same applications and rules',
  })
  @ApiContractBody(CopyServiceRequest, { description: 'The name of the copy' })
  @ApiContractResponse(201, ServiceSummary, 'The copy, defined')
  copy(
    @Param('name') name: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<ServiceSummary> {
    return this.commands.sendCommand(
      'copyService',
      { ...bodyFields(body, ['as']), name },
      originOf(principal),
    );
  }

  @Delete(':name')
  @RequiresRole('operator')
  @ApiOperation({ summary: 'Delete a stopped service' })
  @ApiContractResponse(200, DeletedService, 'The service is gone')
  remove(
    @Param('name') name: string,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<DeletedService> {
    return this.commands.sendCommand('deleteService', { name }, originOf(principal));
  }
}
