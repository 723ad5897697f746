import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  ValidateNested,
} from 'class-validator';

export const SpreadDomains = ['site', 'host'] as const;
export type SpreadDomain = (typeof SpreadDomains)[number];

export class SpreadRuleSpec {
  @IsIn(SpreadDomains)
  over: SpreadDomain;

  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  apps: string[];
}

/** One placement rule: exactly one of `antiAffinity` (apps whose instances never share a host) or `spread`. */
export class RuleSpec {
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  antiAffinity?: string[];

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SpreadRuleSpec)
  spread?: SpreadRuleSpec;
}
