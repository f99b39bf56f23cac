export type { Draft, DraftWithMessage } from '../../core/types.js';
import type { MessagesRepository } from '../../core/ports.js';

export type MessagesRepositoryLike = Pick<MessagesRepository, 'getMany'>;
