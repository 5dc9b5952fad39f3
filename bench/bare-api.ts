import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProblemDetailsFilter, createValidationPipe, toPlain } from '@onrecord/platform';
// The very DTO classes the real route validates with. They are not part of
// @onrecord/commitments' public surface (nothing but its controllers needs
// them), so the ceiling reaches into the lib's file instead.
import { AccountParams, IssueQuoteDto } from '../libs/commitments/src/http/account-commands.dto.js';

/**
 * The ceiling of section 2: NestJS on Fastify, the project's validation pipe
 * and problem+json filter, and the real route's DTOs; no authentication, no
 * policy, no store, no request logs. It answers with a body of the same shape
 * and size as a recorded quote, so serialising the answer costs the same.
 */
@Controller('accounts')
class BareQuotesController {
  @Post(':accountId/quotes')
  @HttpCode(201)
  // What tsc's emitDecoratorMetadata writes and tsx (esbuild) does not: the
  // parameter types the validation pipe turns the path and body into.
  @Reflect.metadata('design:paramtypes', [AccountParams, IssueQuoteDto])
  issueQuote(@Param() params: AccountParams, @Body() body: IssueQuoteDto): object {
    const data = toPlain<Record<string, unknown>>(body);
    const quoteId = body.quoteId ?? randomUUID();
    return {
      accountId: params.accountId,
      revision: 1,
      position: '1',
      policyVersion: 1,
      events: [
        {
          id: randomUUID(),
          type: 'QuoteIssued',
          revision: 1,
          position: '1',
          hash: '0'.repeat(64),
          recordedAt: new Date().toISOString(),
          data: { ...data, quoteId, version: 1, policyVersion: 1 },
        },
      ],
    };
  }
}

@Module({ controllers: [BareQuotesController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), {
    logger: false,
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  await app.listen({ port: Number(process.env['PORT'] ?? 0), host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
