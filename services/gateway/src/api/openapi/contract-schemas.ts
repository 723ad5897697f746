import type { SchemaObject } from '@nestjs/swagger';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import {
  ENTITY_ID_PATTERN,
  HOST_ID_PATTERN,
  INSTANCE_ID_PATTERN,
  IS_NULLABLE,
  RESOURCE_NAME,
} from '@federa/contracts';

type LibraryOptions = NonNullable<Parameters<typeof validationMetadatasToSchemas>[0]>;

// class-transformer keeps its @Type metadata here and exports it nowhere else.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: MetadataStorage;
};

/** JSON schemas of Federa's own validators, which class-validator-jsonschema cannot know. */
const federaValidators: Record<string, SchemaObject> = {
  [IS_NULLABLE]: { nullable: true },
  isHostId: { type: 'string', pattern: HOST_ID_PATTERN.source },
  isInstanceId: { type: 'string', pattern: INSTANCE_ID_PATTERN.source },
  isEntityId: { type: 'string', pattern: ENTITY_ID_PATTERN.source },
  isResourceName: { type: 'string', pattern: RESOURCE_NAME.source },
  isCpuQuantity: {
    oneOf: [
      { type: 'string', example: '500m' },
      { type: 'number', example: 0.5 },
    ],
    description: 'cpu: millicores (`500m`) or cores (`2`, `0.5`)',
  },
  isByteQuantity: {
    oneOf: [
      { type: 'string', example: '128Mi' },
      { type: 'integer', example: 1024 },
    ],
    description: 'bytes: `128Mi`, `20Gi`, `1G`, or a plain number of bytes',
  },
  isBandwidthQuantity: {
    type: 'string',
    example: '100Mbps',
    description: 'bandwidth: `100Mbps`, `10Gbps`',
  },
  isMoneyRate: { type: 'number', minimum: 0 },
  isStringRecord: { type: 'object', additionalProperties: { type: 'string' } },
  // Federa's times are instants: `2026-01-01T12:00:00.000Z`.
  isIso8601: { type: 'string', format: 'date-time' },
};

/**
 * Every class that carries class-validator decorators (the contracts' API answers, events, specs,
 * commands), as OpenAPI schemas named after the class. Refuses two classes of one name: their
 * schemas would be merged into one that describes neither.
 */
export function contractSchemas(): Record<string, SchemaObject> {
  refuseDuplicateNames();
  const options: LibraryOptions = {
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: '#/components/schemas/',
    // The library types schemas with its own copy of the OpenAPI types; the shapes are the same.
    additionalConverters: federaValidators as LibraryOptions['additionalConverters'],
  };
  const schemas = validationMetadatasToSchemas(options) as Record<string, SchemaObject>;
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [name, forOpenApi30(schema)]),
  );
}

function refuseDuplicateNames(): void {
  // class-validator keeps its constraints in a map keyed by class; it has no public accessor for it.
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, unknown> };
  const seen = new Map<string, unknown>();
  for (const target of storage.validationMetadatas.keys()) {
    if (typeof target !== 'function') continue;
    const other = seen.get(target.name);
    if (other !== undefined && other !== target) {
      throw new Error(`two validated classes are named ${target.name}: rename one`);
    }
    seen.set(target.name, target);
  }
}

/**
 * OpenAPI 3.0 reads nothing beside a `$ref`: a nullable reference becomes `allOf` + `nullable`, and
 * a nullable property (always present, maybe null) is listed as required.
 */
function forOpenApi30(schema: SchemaObject): SchemaObject {
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, property]) => [
      name,
      propertyForOpenApi30(property as SchemaObject & { $ref?: string }),
    ]),
  );
  const nullable = Object.entries(properties)
    .filter(([, property]) => (property as SchemaObject).nullable === true)
    .map(([name]) => name);
  const required = [...new Set([...(schema.required ?? []), ...nullable])];
  return {
    ...schema,
    properties,
    ...(required.length > 0 ? { required: orderOf(properties, required) } : {}),
  };
}

function propertyForOpenApi30(property: SchemaObject & { $ref?: string }): SchemaObject {
  if (property.$ref === undefined) {
    const items = property.items as (SchemaObject & { $ref?: string }) | undefined;
    return items?.$ref ? { ...property, items: { $ref: items.$ref } } : property;
  }
  const { $ref, nullable, description } = property;
  if (!nullable) return { $ref } as SchemaObject;
  return { allOf: [{ $ref }], nullable: true, ...(description ? { description } : {}) };
}

function orderOf(properties: Record<string, unknown>, names: string[]): string[] {
  return Object.keys(properties).filter((name) => names.includes(name));
}
