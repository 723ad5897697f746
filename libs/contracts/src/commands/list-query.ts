import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';

/** Paging shared by list queries: answers carry `next`, passed back as `after`. */
export class ListQuery {
  /** @default 100 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  after?: string;
}
