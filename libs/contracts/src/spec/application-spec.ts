import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { LayerKinds, type LayerKind } from '../names/layer-kind';
import { RESOURCE_NAME, RESOURCE_NAME_RULE } from '../names/resource-name';
import { ArtifactSpec } from './artifact-spec';
import { DataSpec } from './data-spec';
import { HealthSpec } from './health-spec';
import { PlacementSpec } from './placement-spec';
import { ReplicasSpec } from './replicas-spec';
import { ResourcesSpec } from './resources-spec';
import { ScalingSpec } from './scaling-spec';

/** One application of a service, as the user writes it (docs/reference/service-spec.md). */
export class ApplicationSpec {
  @IsString()
  @Matches(RESOURCE_NAME, { message: RESOURCE_NAME_RULE })
  name: string;

  @IsIn(LayerKinds)
  layer: LayerKind;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ArtifactSpec)
  artifact?: ArtifactSpec;

  @IsObject()
  @ValidateNested()
  @Type(() => ResourcesSpec)
  resources: ResourcesSpec;

  /** @default { min: 1, max: 1 } */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReplicasSpec)
  replicas?: ReplicasSpec;

  /** Applications that must be healthy before this one starts. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  dependsOn?: string[];

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HealthSpec)
  health?: HealthSpec;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ScalingSpec)
  scaling?: ScalingSpec;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PlacementSpec)
  placement?: PlacementSpec;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DataSpec)
  data?: DataSpec;
}
