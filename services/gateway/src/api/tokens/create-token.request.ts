import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { Roles, type Role } from '../../domain/role';

/** Body of `POST /v1/tokens`. */
export class CreateTokenRequest {
  @ApiProperty({ enum: Roles })
  @IsIn(Roles as unknown as Role[], { message: `must be one of ${Roles.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({ pattern: '^[A-Za-z0-9._-]{1,63}$', example: 'ci-pipeline' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,63}$/, {
    message: 'must be 1-63 letters, digits, dots, dashes or underscores',
  })
  name?: string;
}
