import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { Public } from '../auth/requires-role.decorator';
import { DashboardFiles, type DashboardFile } from './dashboard-files';

/**
 * The dashboard's page at `/` and its assets under `/ui/`. Public: they hold no data; the page
 * signs in through `POST /v1/session` and every panel's call is authenticated as any other.
 */
@ApiExcludeController()
@Public()
@Controller()
export class DashboardController {
  constructor(private readonly files: DashboardFiles) {}

  @Get()
  async page(@Res() response: Response): Promise<void> {
    if (!this.files.built())
      throw new FederaError(
        ErrorCodes.unavailable,
        'the dashboard is not built: run `npm run build` (npm ci runs it)',
      );
    send(response, await this.files.page());
  }

  @Get('ui/:file')
  async asset(@Param('file') name: string, @Res() response: Response): Promise<void> {
    const file = await this.files.asset(name);
    if (!file) throw new NotFoundException(`no dashboard file ${name}`);
    send(response, file);
  }
}

function send(response: Response, file: DashboardFile): void {
  response.setHeader('Content-Type', file.contentType);
  response.setHeader('Cache-Control', file.cacheControl);
  response.send(file.body);
}
