import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import {
  type AppConfig,
  PinoNestLogger,
  ProblemDetailsFilter,
  RequestLogController,
  createRootLogger,
  createValidationPipe,
} from '@onrecord/platform';
import { AppModule, type AppOverrides } from './app.module.js';

export interface CreateAppOptions extends AppOverrides {
  readonly logger?: Logger;
  /**
   * Serve the Swagger UI pages at /docs (default true). The e2e tests turn it
   * off: @fastify/static require()s an ES module, which jest cannot do on
   * Node 20. The JSON document at /docs/openapi.json is served either way.
   */
  readonly docsUi?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the whole API (the same wiring for `npm start` and the e2e tests):
 * Fastify with pino request logs and request ids, validation, problem+json
 * errors, OpenAPI at /docs, and shutdown hooks that drain in-flight appends.
 */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createRootLogger(config.logLevel);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new RequestLogController(config.requestLogLevel),
    bodyLimit: config.bodyLimit,
    requestIdHeader: false,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  adapter.getInstance().addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, options),
    adapter,
    {
      logger: new PinoNestLogger(logger),
      bufferLogs: false,
    },
  );
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('OnRecord API')
    .setDescription(
      "Keeps a company's word on the record: commitments, policies, claims and evidence.",
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key' })
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'docs/openapi.json',
    swaggerUiEnabled: options.docsUi ?? true,
  });
  return app;
}
