import { Controller, Get, Headers, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public, Roles } from '@onrecord/access';
import { CheckpointNotFoundError } from '../application/ledger.errors.js';
import {
  type CheckpointView,
  type ConsistencyProofView,
  type InclusionProofView,
  LedgerService,
  type PublicKeyView,
} from '../application/ledger.service.js';
import type { KeptCheckpoint } from '../application/ledger-storage.port.js';
import {
  CheckpointQuery,
  ConsistencyProofQuery,
  InclusionProofQuery,
  toCount,
} from './ledger.dto.js';

/**
 * Who may read the ledger: auditors, managers and integrations. Reps are
 * left out on purpose: checkpoints disclose the volume of all accounts and
 * proofs answer for any event id, while a rep gets the evidence for the
 * accounts they are assigned to through the account export.
 */
const LEDGER_READERS = ['auditor', 'manager', 'integration'] as const;

const TEXT = 'text/plain; charset=utf-8';
/** Carries the C2SP verifier key next to a PEM body. */
export const VERIFIER_KEY_HEADER = 'x-ledger-verifier-key';

/**
 * Checkpoints and keys are served as text by default — the note or PEM
 * exactly as signed, ready for `curl -o` and stock tools — and as JSON with
 * the parsed fields when the client's Accept header names application/json.
 */
function wantsJson(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => {
    const [type, ...params] = range.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return type?.trim() === 'application/json' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('ledger')
export class LedgerController {
  constructor(@Inject(LedgerService) private readonly ledger: LedgerService) {}

  @Get('checkpoint')
  @Roles(...LEDGER_READERS)
  @ApiOperation({
    summary:
      'The latest signed checkpoint: the C2SP note as text/plain, or JSON with the note and its fields for Accept: application/json',
  })
  @ApiProduces('text/plain', 'application/json')
  async latest(
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CheckpointView | string> {
    const latest = this.ledger.latestCheckpoint() ?? (await this.ledger.signCheckpoint());
    return this.present(latest, accept, reply);
  }

  @Post('checkpoints')
  @Roles('manager', 'auditor')
  @HttpCode(201)
  @ApiOperation({ summary: "Sign a checkpoint of the log's current head now" })
  @ApiProduces('text/plain', 'application/json')
  async sign(
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CheckpointView | string> {
    const signed = await this.ledger.signCheckpoint();
    void reply.header('location', `/ledger/checkpoints?treeSize=${signed.treeSize}`);
    return this.present(signed, accept, reply);
  }

  @Get('checkpoints')
  @Roles(...LEDGER_READERS)
  @ApiOperation({ summary: 'A checkpoint the ledger signed at a given tree size (kept forever)' })
  @ApiProduces('text/plain', 'application/json')
  at(
    @Query() query: CheckpointQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): CheckpointView | string {
    const treeSize = toCount(query.treeSize);
    const kept = this.ledger.checkpointAt(treeSize);
    if (!kept) {
      throw new CheckpointNotFoundError(treeSize, this.ledger.latestCheckpoint()?.treeSize ?? null);
    }
    return this.present(kept, accept, reply);
  }

  @Get('public-key')
  @Public()
  @ApiOperation({
    summary: `The log's Ed25519 public key as PEM (the C2SP verifier key in the ${VERIFIER_KEY_HEADER} header), or JSON`,
  })
  @ApiProduces('text/plain', 'application/json')
  publicKey(
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): PublicKeyView | string {
    const key = this.ledger.publicKey();
    void reply.header('vary', 'accept').header(VERIFIER_KEY_HEADER, key.verifierKey);
    if (wantsJson(accept)) return key;
    void reply.header('content-type', TEXT);
    return key.publicKeyPem;
  }

  @Get('proofs/inclusion')
  @Roles(...LEDGER_READERS)
  @ApiOperation({
    summary:
      'Inclusion proof of an event (RFC 9162): leafIndex, treeSize, leafHash, auditPath and rootHash in hex, and the signed checkpoint at that size',
  })
  inclusion(@Query() query: InclusionProofQuery): Promise<InclusionProofView> {
    return this.ledger.inclusionProof(query.eventId, toCount(query.treeSize));
  }

  @Get('proofs/consistency')
  @Roles(...LEDGER_READERS)
  @ApiOperation({
    summary: 'Consistency proof between two tree sizes (RFC 9162), hashes in hex',
  })
  consistency(@Query() query: ConsistencyProofQuery): ConsistencyProofView {
    return this.ledger.consistencyProof(toCount(query.from), toCount(query.to));
  }

  private present(
    kept: KeptCheckpoint,
    accept: string | undefined,
    reply: FastifyReply,
  ): CheckpointView | string {
    void reply.header('vary', 'accept');
    if (wantsJson(accept)) return this.ledger.describeCheckpoint(kept);
    void reply.header('content-type', TEXT);
    return kept.note;
  }
}
