/**
 * Decides whether this process runs background work that must run once
 * across replicas (webhook delivery). The embedded deployment is one
 * process, which always leads unless ONRECORD_WORKER=false; a scaled
 * deployment replaces this with a lease (e.g. in EventStoreDB or the load
 * balancer's primary), and the delivery service follows its changes.
 */
export abstract class BackgroundWorkLeader {
  abstract isLeader(): boolean;
  /** Calls `listener` when leadership is gained or lost; returns the unsubscribe. */
  abstract onChange(listener: (leading: boolean) => void): () => void;
}

/** Leadership fixed by configuration: ONRECORD_WORKER=true|false. */
export class ConfiguredWorkLeader extends BackgroundWorkLeader {
  constructor(private readonly leading: boolean) {
    super();
  }

  isLeader(): boolean {
    return this.leading;
  }

  onChange(): () => void {
    return () => undefined;
  }
}

/** Leadership as the platform's lease decides it (one holder per deployment). */
export class LeaseWorkLeader extends BackgroundWorkLeader {
  constructor(
    private readonly lease: {
      isLeader(): boolean;
      onLeadershipChange(listener: (leading: boolean) => void): () => void;
    },
  ) {
    super();
  }

  isLeader(): boolean {
    return this.lease.isLeader();
  }

  onChange(listener: (leading: boolean) => void): () => void {
    return this.lease.onLeadershipChange(listener);
  }
}
