import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  ApiTokenPage,
  CreatedApiToken,
  ErrorCodes,
  FederaError,
  ListLimits,
  ListQuery,
  validatePayload,
  ValidationFailed,
} from '@federa/contracts';
import { RequiresRole } from '../auth/requires-role.decorator';
import { ApiContractResponse } from '../openapi/api-contract.decorators';
import { TokenRepository } from '../../infrastructure/tokens/token-repository';
import { tokenExpiry } from '../../domain/token-expiry';
import { CreateTokenRequest } from './create-token.request';
import { listQueryFields } from '../validation/request-fields';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** API tokens with a role and maybe an expiry, managed by admins only (`federa token create`). */
@ApiTags('tokens')
@RequiresRole('admin')
@Controller('v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokenRepository) {}

  @Post()
  @ApiOperation({
    summary:
      'Create a token, valid until revoked or until it expires; its secret is shown in this answer only',
  })
  @ApiContractResponse(201, CreatedApiToken, 'The token with its secret, shown this once')
  create(@Body() request: CreateTokenRequest): Promise<CreatedApiToken> {
    const expiry = tokenExpiry(request, new Date());
    if (!expiry.ok) throw new ValidationFailed(expiry.errors, 'token request');
    return this.tokens.create(request.role, request.name, expiry.expiresAt);
  }

  @Get()
  @ApiOperation({ summary: 'List tokens (never their secrets), a page at a time' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({
    name: 'after',
    required: false,
    description: 'the id of the last token of the page before',
  })
  @ApiContractResponse(200, ApiTokenPage, 'A page of tokens, live and revoked, oldest first')
  async list(@Query() query: Record<string, unknown>): Promise<ApiTokenPage> {
    const checked = validatePayload(ListQuery, listQueryFields(query));
    if (!checked.ok) throw new ValidationFailed(checked.errors, 'list query');
    const { limit = ListLimits.defaultPageSize, after } = checked.value;
    if (after !== undefined && !uuidPattern.test(after))
      throw new ValidationFailed(
        [{ path: 'after', reason: 'must be a token id (a UUID)' }],
        'list query',
      );
    return this.tokens.list(limit, after);
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
