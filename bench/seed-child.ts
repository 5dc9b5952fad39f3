import { answerParent } from './child-process.js';
import { type SeedRequest, type SeedResult, seedHistories } from './history-seeder.js';

/**
 * Seeds a store file in a process of its own, so the bench's parent never
 * holds a million events' worth of heap and the timed processes start
 * clean. The parent sends a SeedRequest and gets a SeedResult back.
 */
answerParent<SeedRequest, SeedResult>(seedHistories, { once: true });
