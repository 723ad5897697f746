import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Min,
} from 'class-validator';
import { ResourceKinds, type ResourceKind } from '../names/resource-kind';

/** Where an application may run and what placement favours when scoring hosts. */
export class PlacementSpec {
  /** The resource the application cares most about (storage for a database, bandwidth for a front end). */
  @IsOptional()
  @IsIn(ResourceKinds)
  emphasis?: ResourceKind;

  /** @default 0 */
  @IsOptional()
  @IsInt()
  @Min(0)
  minSecurityLevel?: number;

  /** Allowed sites; absent means any. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  sites?: string[];

  /** false: never moved (placement pins it; drains report it). @default true */
  @IsOptional()
  @IsBoolean()
  relocatable?: boolean;
}
