import { IsBoolean } from 'class-validator';

/** Power and backup features of a host as events carry them, both always given. */
export class HostFeatureFlags {
  @IsBoolean()
  ups: boolean;

  @IsBoolean()
  raid: boolean;
}
