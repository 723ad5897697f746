import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { Roles, type Role } from '../../domain/role';

/** Body of `POST /v1/tokens`. */
export class CreateTokenRequest {
  @ApiProperty({ enum: Roles })
  @IsIn(Roles as unknown as Role[], { message: `must be one of ${Roles.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({
    pattern: '^[A-Za-z0-9._-]{1,63}$',
    example: 'ci-pipeline',
    description: 'Unique among live tokens; not admin (FEDERA_API_TOKEN)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,63}$/, {
    message: 'must be 1-63 letters, digits, dots, dashes or underscores',
  })
  // `token:admin` is FEDERA_API_TOKEN's actor in the audit: no stored token may pass for it.
  @Matches(/^(?!admin$)/i, { message: 'admin is reserved for FEDERA_API_TOKEN' })
  name?: string;

  @ApiPropertyOptional({
    description: 'Lifetime from now: a duration like 90s, 30m, 12h, 30d (at most 3650d)',
    example: '30d',
  })
  @IsOptional()
  @IsString()
  expiresIn?: string;

  @ApiPropertyOptional({
    description: 'Moment the token stops being accepted (ISO 8601 with a zone); not with expiresIn',
    example: '2030-01-31T00:00:00Z',
  })
  @IsOptional()
  @IsString()
  expiresAt?: string;
}
