import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsISO8601,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { ServiceSpec } from '../spec/service-spec';
import { ScalingMetrics, type ScalingMetric } from '../spec/scaling-spec';
import { IsResourceName } from './values/identifiers';

/** Every service event names its service; streams are `service-<name>`. */
export class ServiceEventData {
  @IsResourceName()
  service: string;
}

/** The spec as the user wrote it (validated); consumers normalise it with normaliseServiceSpec. */
export class ServiceDefinedData extends ServiceEventData {
  @IsObject()
  @ValidateNested()
  @Type(() => ServiceSpec)
  spec: ServiceSpec;

  /** 1 for the first definition, +1 per update. */
  @IsInt()
  @Min(1)
  revision: number;
}

/** A new revision of the spec was applied; `changedApps` lists the applications it changes. */
export class ServiceUpdatedData extends ServiceDefinedData {
  /** Applications added, removed or changed by this revision. */
  @IsArray()
  @IsString({ each: true })
  changedApps: string[];
}

/** Deploy began: applications start in dependency order. */
export class ServiceDeployStartedData extends ServiceEventData {
  @IsInt()
  @Min(1)
  revision: number;

  /** Applications in the order they will start. */
  @IsArray()
  @IsString({ each: true })
  startOrder: string[];
}

/**
 * What the service's end-to-end probe (spec.serviceProbe) said when this health was recorded: health
 * events are appended only on change, so this is the result since `at`.
 */
export class ServiceProbeOutcome {
  @IsIn(['passed', 'failed'])
  result: 'passed' | 'failed';

  /** When the probe first gave this result. */
  @IsISO8601()
  at: string;

  /** Why it failed, in words (`GET /checkout/health answered 503: ...`). */
  @IsOptional()
  @IsString()
  reason?: string;
}

/** Every application has its desired number of healthy instances (and the service probe passes). */
export class ServiceAvailableData extends ServiceEventData {
  @IsInt()
  @Min(1)
  revision: number;

  /** Present when the service declares a serviceProbe. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ServiceProbeOutcome)
  probe?: ServiceProbeOutcome;
}

/** One application short of healthy instances. */
export class AppShortfall {
  @IsResourceName()
  app: string;

  @IsInt()
  @Min(0)
  desired: number;

  @IsInt()
  @Min(0)
  healthy: number;

  /** Why it is short, in words (supervision's health assessment). */
  @IsOptional()
  @IsString()
  reason?: string;
}

/**
 * One or more applications are short of healthy instances, or the service probe fails (its
 * application is then listed with reason `service probe failed: <why>`).
 */
export class ServiceDegradedData extends ServiceEventData {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AppShortfall)
  apps: AppShortfall[];

  /** Present when the service declares a serviceProbe that has run. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ServiceProbeOutcome)
  probe?: ServiceProbeOutcome;
}

/** Extension (states list `stopping`): stop began, applications stop in reverse start order. */
export class ServiceStopStartedData extends ServiceEventData {
  @IsArray()
  @IsString({ each: true })
  stopOrder: string[];
}

/** Every instance of the service is stopped. */
export class ServiceStoppedData extends ServiceEventData {}

/** Extension (states list `failed`): the service cannot be made available without intervention. */
export class ServiceFailedData extends ServiceEventData {
  @IsString()
  reason: string;

  @IsOptional()
  @IsResourceName()
  app?: string;
}

/**
 * First event of the copy's stream `service-<as>`: it defines the copy as ServiceDefined would,
 * with the source's spec renamed.
 */
export class ServiceCopiedData extends ServiceDefinedData {
  @IsResourceName()
  copiedFrom: string;
}

/** The service was deleted. */
export class ServiceDeletedData extends ServiceEventData {}

/** Why the autoscaler acted: the metric's value against the threshold it crossed. */
export class ScalingReason {
  @IsIn(ScalingMetrics)
  metric: ScalingMetric;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  value: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  threshold: number;

  /** The decision's other inputs: samples averaged, the window they span, how long the load stayed low. */
  @IsOptional()
  @IsInt()
  @Min(0)
  samples?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  windowMs?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  belowForMs?: number;
}

/** The autoscaler changed an application's instance count from `from` to `to`. */
export class ScaledData extends ServiceEventData {
  @IsResourceName()
  app: string;

  @IsInt()
  @Min(0)
  from: number;

  @IsInt()
  @Min(0)
  to: number;

  @IsObject()
  @ValidateNested()
  @Type(() => ScalingReason)
  reason: ScalingReason;
}

/** The autoscaler added instances: the load stayed above `scaleOutAbove`. */
export class ScaledOutData extends ScaledData {}
/** The autoscaler removed instances: the load stayed below `scaleInBelow`. */
export class ScaledInData extends ScaledData {}
