import { IsDefined, IsObject, IsString, Matches } from 'class-validator';

/** `cmd.placement.get-placement`: why an instance is where it is. */
export class GetPlacementCommand {
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, { message: 'must be an instance id' })
  instance: string;
}

/** `cmd.placement.plan`: where a service spec's instances would go now (a dry run; nothing changes). */
export class PlanPlacementCommand {
  @IsDefined()
  @IsObject()
  spec: Record<string, unknown>;
}
