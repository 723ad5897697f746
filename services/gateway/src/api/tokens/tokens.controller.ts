import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiTokenPage, CreatedApiToken, ErrorCodes, FederaError } from '@federa/contracts';
import { RequiresRole } from '../auth/requires-role.decorator';
import { ApiContractResponse } from '../openapi/api-contract.decorators';
import { TokenRepository } from '../../infrastructure/tokens/token-repository';
import { CreateTokenRequest } from './create-token.request';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** API tokens with a role, managed by admins only (`federa token create`). */
@ApiTags('tokens')
@RequiresRole('admin')
@Controller('v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokenRepository) {}

  @Post()
  @ApiOperation({ summary: 'Create a token; its secret is shown in this answer only' })
  @ApiContractResponse(201, CreatedApiToken, 'The token with its secret, shown this once')
  create(@Body() request: CreateTokenRequest): Promise<CreatedApiToken> {
    return this.tokens.create(request.role, request.name);
  }

  @Get()
  @ApiOperation({ summary: 'List tokens (never their secrets)' })
  @ApiContractResponse(200, ApiTokenPage, 'Every token, live and revoked, oldest first')
  async list(): Promise<ApiTokenPage> {
    return { items: await this.tokens.list() };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a token' })
  @ApiNoContentResponse({ description: 'Revoked; no body' })
  async revoke(@Param('id') id: string): Promise<void> {
    if (!uuidPattern.test(id)) {
      throw new FederaError(ErrorCodes.validation, 'invalid token id', [
        { path: 'id', reason: 'must be a UUID' },
      ]);
    }
    if (!(await this.tokens.revoke(id))) {
      throw new FederaError(ErrorCodes.notFound, `no live token with id ${id}`);
    }
  }
}
