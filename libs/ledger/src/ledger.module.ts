import { HttpStatus, Logger, Module } from '@nestjs/common';
import { CommitmentsModule } from '@onrecord/commitments';
import {
  APP_CONFIG,
  type AppConfig,
  BackgroundWorkModule,
  registerProblemStatuses,
} from '@onrecord/platform';
import {
  CHECKPOINT_INTERVAL_MS,
  CheckpointSigningWorker,
} from './application/checkpoint-signing.worker.js';
import { DisputeBundleExportService } from './application/dispute-bundle-export.service.js';
import { LEDGER_OPTIONS, type LedgerOptions, LedgerService } from './application/ledger.service.js';
import { LedgerSigner } from './application/ledger-signer.js';
import { LedgerStorage } from './application/ledger-storage.port.js';
import { AccountExportController } from './http/account-export.controller.js';
import { LedgerController } from './http/ledger.controller.js';
import { type LedgerConfig, readLedgerConfig } from './infrastructure/ledger-config.js';
import { loadLedgerKeyFile } from './infrastructure/ledger-key-file.js';
import { SqliteMerkleNodeStore } from './infrastructure/sqlite-merkle-node-store.js';

const LEDGER_CONFIG = Symbol('LedgerConfig');

registerProblemStatuses({
  'ledger-event-not-found': HttpStatus.NOT_FOUND,
  'checkpoint-not-found': HttpStatus.NOT_FOUND,
  'ledger-range': HttpStatus.BAD_REQUEST,
  'revision-range': HttpStatus.BAD_REQUEST,
  'merkle-range': HttpStatus.BAD_REQUEST,
  'ledger-unavailable': HttpStatus.SERVICE_UNAVAILABLE,
  // The server could not prove what it holds: an integrity fault, never the caller's.
  'ledger-out-of-step': HttpStatus.INTERNAL_SERVER_ERROR,
  'merkle-node-missing': HttpStatus.INTERNAL_SERVER_ERROR,
  'dispute-bundle-build': HttpStatus.INTERNAL_SERVER_ERROR,
  'signed-note-format': HttpStatus.INTERNAL_SERVER_ERROR,
  'note-key': HttpStatus.INTERNAL_SERVER_ERROR,
});

/**
 * The evidence capability: the Merkle log over all events (its own SQLite
 * file in the data directory), signed checkpoints (published to the store,
 * signed on a schedule by the replica that leads background work), proofs
 * and dispute-bundle exports. Reads ONRECORD_LEDGER_ORIGIN, ONRECORD_LEDGER_KEY_FILE and
 * ONRECORD_CHECKPOINT_INTERVAL_MS.
 */
@Module({
  imports: [CommitmentsModule, BackgroundWorkModule],
  controllers: [LedgerController, AccountExportController],
  providers: [
    {
      provide: LEDGER_CONFIG,
      inject: [APP_CONFIG],
      useFactory: (app: AppConfig): LedgerConfig => readLedgerConfig(app.env, app),
    },
    {
      provide: LedgerSigner,
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig): LedgerSigner => {
        const key = loadLedgerKeyFile(config.keyFile, { create: !config.keySupplied });
        if (key.created) {
          new Logger('Ledger').warn(
            `generated the ledger signing key ${config.keyFile} (mode 0600): back it up; checkpoints are only as trustworthy as this file is private`,
          );
        }
        return new LedgerSigner(config.origin, key.pem);
      },
    },
    {
      provide: LedgerStorage,
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig): LedgerStorage =>
        new SqliteMerkleNodeStore({ file: config.databaseFile }),
    },
    { provide: LEDGER_OPTIONS, useValue: {} satisfies LedgerOptions },
    {
      provide: CHECKPOINT_INTERVAL_MS,
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig): number => config.checkpointIntervalMs,
    },
    LedgerService,
    CheckpointSigningWorker,
    DisputeBundleExportService,
  ],
  exports: [LedgerService],
})
export class LedgerModule {}
