import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI of every route: the UI at /docs, the document at /docs-json; no token needed to read it. */
export function setupOpenApi(app: INestApplication): void {
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
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
