import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { RequiresRole } from '../auth/requires-role.decorator';
import { TokenRepository, type ApiTokenRecord } from './token-repository';
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
  @ApiCreatedResponse({ description: '{ id, name, role, createdAt, revokedAt, token }' })
  create(@Body() request: CreateTokenRequest): Promise<ApiTokenRecord & { token: string }> {
    return this.tokens.create(request.role, request.name);
  }

  @Get()
  @ApiOperation({ summary: 'List tokens (never their secrets)' })
  async list(): Promise<{ items: ApiTokenRecord[] }> {
    return { items: await this.tokens.list() };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a token' })
  @ApiNoContentResponse()
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
