import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type PathItemObject,
  type ReferenceObject,
  type SchemaObject,
} from '@nestjs/swagger';
import { ErrorResponse } from '@federa/contracts';
import { contractRef } from './api-contract.decorators';
import { contractSchemas } from './contract-schemas';

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * The gateway's OpenAPI document: every route Nest serves, the schemas of the contract classes its
 * routes refer to (and those they refer to in turn), and the error body as every route's default answer.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Federa API')
    .setDescription(
      'Control plane of hosts, their runtimes and the services federated on them. Every /v1 call ' +
        'takes `Authorization: Bearer <token>`; errors answer `{ "error": { "code", "message", "details" } }`.',
    )
    .setVersion('v1')
    .addBearerAuth()
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  for (const operation of operationsOf(document)) {
    for (const parameter of operation.parameters ?? []) typeParameter(parameter);
    operation.responses.default ??= {
      description:
        'The error: 400 validation, 401/403 auth, 404, 409 conflict, 413 body too large, ' +
        '429 rate limited, 503 unavailable or overloaded',
      content: { 'application/json': { schema: contractRef(ErrorResponse) } },
    };
  }
  const components = (document.components ??= {});
  // Schemas Nest built from @ApiProperty classes (request bodies) win over same-named contract ones.
  components.schemas = { ...referencedSchemas(document, contractSchemas()), ...components.schemas };
  return document;
}

/** Query parameters read as integers by every route that takes them. */
const integerParameters = new Set(['limit']);

/**
 * Gives a parameter declared without a type (`@ApiQuery({ name })`) its schema: every query value
 * arrives as a string, parsed and checked by the route (a malformed one is a 400 naming it); `limit`
 * is a positive integer everywhere.
 */
function typeParameter(parameter: ParameterObject | ReferenceObject): void {
  if ('$ref' in parameter) return;
  const schema = parameter.schema as SchemaObject | undefined;
  if (schema && (schema.type !== undefined || schema.enum !== undefined || '$ref' in schema))
    return;
  parameter.schema = integerParameters.has(parameter.name)
    ? { ...schema, type: 'integer', minimum: 1 }
    : { ...schema, type: 'string' };
}

function operationsOf(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((item: PathItemObject) =>
    methods.map((method) => item[method]).filter((op): op is OperationObject => !!op),
  );
}

/** The schemas the document refers to, directly or through other schemas. */
function referencedSchemas(
  document: OpenAPIObject,
  available: Record<string, SchemaObject>,
): Record<string, SchemaObject> {
  const chosen: Record<string, SchemaObject> = {};
  const pending = refsIn(document.paths);
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (name in chosen || !(name in available)) continue;
    chosen[name] = available[name];
    pending.push(...refsIn(available[name]));
  }
  return chosen;
}

function refsIn(value: unknown): string[] {
  const names: string[] = [];
  JSON.stringify(value, (key, v: unknown) => {
    if (key === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
      names.push(v.slice('#/components/schemas/'.length));
    }
    return v;
  });
  return names;
}
