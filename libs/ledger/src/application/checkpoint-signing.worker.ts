import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { BackgroundWorkLeader } from '@onrecord/platform';
import { LedgerService } from './ledger.service.js';

/** How often to sign a checkpoint when the log has grown; 0 turns it off. */
export const CHECKPOINT_INTERVAL_MS = Symbol('CheckpointIntervalMs');

/**
 * Signs a checkpoint of the log's head on a schedule, when the log has grown.
 * It is background work that must run once per deployment, so it runs only
 * while this replica leads background work (BackgroundWorkLeader: a lease on
 * EventStoreDB, this process on the embedded store). The checkpoints it signs
 * are published to the store, so every replica serves them.
 *
 * Signing on demand (an export or proof that needs a newer checkpoint, or
 * POST /ledger/checkpoints) stays on every replica: it answers a request.
 */
@Injectable()
export class CheckpointSigningWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LedgerCheckpoints');
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> = Promise.resolve();
  private unregister: (() => Promise<void>) | null = null;

  constructor(
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(BackgroundWorkLeader) private readonly leader: BackgroundWorkLeader,
    @Inject(CHECKPOINT_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) {
      this.logger.log('periodic checkpoints are off (ONRECORD_CHECKPOINT_INTERVAL_MS=0)');
      return;
    }
    this.unregister = this.leader.runWhileLeader(
      'ledger checkpoints',
      async () => this.start(),
      async () => this.stop(),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.unregister?.();
    this.unregister = null;
  }

  private async start(): Promise<void> {
    if (this.timer) return;
    // Nest bootstraps a module's providers side by side: sign nothing before the log caught up.
    await this.ledger.start();
    this.logger.log(`signing a checkpoint every ${this.intervalMs} ms while the log grows`);
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    // Never the reason the process stays up.
    this.timer.unref();
  }

  private async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // A round already signing finishes (its checkpoint is valid either way).
    await this.round;
  }

  /** One round at a time: a slow store never stacks signatures up. */
  private tick(): void {
    this.round = this.round.then(async () => {
      try {
        const signed = await this.ledger.signCheckpointIfGrown();
        if (signed) this.logger.debug(`signed checkpoint at tree size ${signed.treeSize}`);
      } catch (error) {
        this.logger.error({ err: error }, 'periodic checkpoint failed');
      }
    });
  }
}
